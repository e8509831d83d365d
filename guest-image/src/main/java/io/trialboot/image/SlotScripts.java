package io.trialboot.image;

import io.trialboot.guest.GuestPaths;
import io.trialboot.guest.NxClient;
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
 * classes, as stage 0's {@code /init} is ({@link Initramfs#renderInit}). Rendering costs the boot nothing.
 */
final class SlotScripts {
    /** Each script's place in the slot's root, to its source's name under {@code slot/}. */
    static final Map<String, String> LAYOUT = Map.of("usr/sbin/trialboot-init", "trialboot-init", "usr/bin/nx", "nx");
    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z_]+@");

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
        return v;
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
