package io.trialboot.image;

import io.trialboot.guest.GuestMain;
import io.trialboot.guest.GuestPaths;
import io.trialboot.guest.NxClient;
import io.trialboot.markers.Marker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The slot's shell scripts ({@code src/main/slot}): {@code trialboot-init}, PID 1, and {@code nx},
 * the client for a busybox shell. The files, paths, devices and classes they name are placeholders
 * ({@code @NAME@}) rendered when the slot is staged, from their homes: the JDK's link
 * ({@link GuestJdk#COMMAND}), the slot's files ({@link SlotFiles}), the guest's paths
 * ({@link GuestPaths#guest()}), the media's device ({@link MediaImage#GUEST_DEVICE}) and the main
 * classes, as stage 0's {@code /init} is ({@link Initramfs#renderInit}). The lines init prints are
 * markers ({@code Marker.SLOT_INIT_*}), rendered from the catalog with the guest JVM's exit status
 * ({@code $rc}) or a value in place of their placeholders, and the status it acts on is
 * {@link GuestMain#EXIT_HARD_FAILURE}. Rendering costs the boot nothing.
 */
final class SlotScripts {
    /** Each script's place in the slot's root, to its source's name under {@code slot/}. */
    static final Map<String, String> LAYOUT = Map.of("usr/sbin/trialboot-init", "trialboot-init", "usr/bin/nx", "nx");
    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z_]+@");
    /** The shell variable of trialboot-init that holds the guest JVM's exit status. */
    static final String EXIT_STATUS = "$rc";

    private SlotScripts() {}

    /** The values of the placeholders, by name. */
    static Map<String, String> values() {
        GuestPaths guest = GuestPaths.guest();
        Map<String, String> v = new TreeMap<>();
        v.put("@JAVA@", "/" + GuestJdk.COMMAND);
        v.put("@JVM_OPTIONS@", "/" + SlotFiles.JVM_OPTIONS);
        v.put("@CLASSPATH@", "/" + SlotFiles.CLASSPATH);
        v.put("@GUEST_MAIN@", ClassArchive.MAIN);
        v.put("@NX_MAIN@", NxClient.class.getName());
        v.put("@RUN@", guest.run().toString());
        v.put("@ANCHOR@", guest.anchor().toString());
        v.put("@MEDIA@", guest.media().toString());
        v.put("@MEDIA_DEVICE@", MediaImage.GUEST_DEVICE);
        v.put("@HOSTNAME@", SlotFiles.HOSTNAME);
        v.put("@NO_MEDIA_LINE@", echoed(Marker.SLOT_INIT_NO_MEDIA, MediaImage.GUEST_DEVICE));
        v.put("@STOPPED_LINE@", echoed(Marker.SLOT_INIT_STOPPED));
        v.put("@EXIT_HARD_FAILURE@", Integer.toString(GuestMain.EXIT_HARD_FAILURE));
        v.put("@HARD_FAILURE_LINE@", echoed(Marker.SLOT_INIT_HARD_FAILURE, GuestMain.EXIT_HARD_FAILURE));
        v.put("@FAILED_LINE@", echoed(Marker.SLOT_INIT_FAILED, EXIT_STATUS));
        return v;
    }

    /**
     * {@code marker}'s line with {@code values} (a value, or a shell variable the script expands) in
     * place of its placeholders, for {@code echo "..."} (SlotScriptsTest runs each echo the build renders).
     */
    static String echoed(Marker marker, Object... values) {
        return String.format(marker.printfFormat(), values);
    }

    /** {@code template} with every placeholder rendered; one it does not know fails the build. */
    static String render(String name, String template) {
        String text = template;
        for (Map.Entry<String, String> e : values().entrySet()) {
            text = text.replace(e.getKey(), e.getValue());
        }
        Matcher left = PLACEHOLDER.matcher(text);
        if (left.find()) {
            throw new ImageBuildException("slot script " + name + " names " + left.group() + ", which SlotScripts does not render");
        }
        return text;
    }

    /** Writes the rendered scripts from {@code sources}' {@code slot/} into the slot root {@code staging}, executable. */
    static void stage(Path sources, Path staging) {
        try {
            for (Map.Entry<String, String> s : new TreeMap<>(LAYOUT).entrySet()) {
                Path target = staging.resolve(s.getKey());
                String template = Files.readString(sources.resolve("slot/" + s.getValue()), StandardCharsets.UTF_8);
                Files.writeString(target, render(s.getValue(), template), StandardCharsets.UTF_8);
                target.toFile().setExecutable(true, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
