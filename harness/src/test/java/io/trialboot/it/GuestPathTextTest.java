package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.core.Slot;
import io.trialboot.guest.GuestPaths;
import io.trialboot.guest.MediaInputs;
import io.trialboot.image.MediaImage;
import io.trialboot.markers.Contract;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the ITs and benchmarks type at the guest's console names the guest's paths from their home,
 * {@link GuestPaths#guest()} (the state partition, the media and its {@code updates/}, the slots'
 * devices and their dm-verity mappings, the runtime directory; the USB media's device from
 * {@link MediaImage#USB_DEVICE}), never as text of their own: checked on the harness's test sources,
 * code lines only (comments may name them). So do the media's files ({@code pkg://} inputs from
 * {@link MediaInputs#pkg}, the releases', the admissions' and the rogue root's paths from the image build's
 * {@code ReleaseMedia}, {@code AdmissionMedia} and {@code RogueRoot}), and the contracts (the tests' and the built-in ones)
 * wait for a catalog marker by its name, never by a literal line that is a marker's; nor do the ITs
 * write a marker's line as a Java string.
 */
class GuestPathTextTest {
    /** Sources that still write a guest path themselves: known, to be moved; the list only shrinks (empty now). */
    private static final Set<String> NOT_YET = Set.of();
    /** Sources that still write a media path or a {@code pkg://} input themselves: known, to be moved; the list only shrinks (empty now). */
    private static final Set<String> MEDIA_NOT_YET = Set.of();
    /** A Java string literal: its text between the quotes, escapes as written. */
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** A contract's step or forbidden line given as a quoted line, in a contract file or a Java string. */
    private static final Pattern QUOTED_LINE = Pattern.compile("(?:expect \\S+|forbid(?: contains)?) \\\\?\"((?:[^\"\\\\]|\\\\[^\"])*)\\\\?\"");

    private static Pattern guestPaths() {
        GuestPaths g = GuestPaths.guest();
        StringBuilder alternatives = new StringBuilder("/dev/vd[a-z][0-9]*|/dev/sd[a-z][0-9]*");
        for (Path p : List.of(g.state(), g.media(), g.slotA(), g.slotB(), g.run(), g.mapping(Slot.A).getParent())) {
            alternatives.append('|').append(Pattern.quote(p.toString()));
        }
        // A whole path: not the tail of a longer name, and ending where a shell word or a path part does.
        return Pattern.compile("(?<![\\w.-])(?:" + alternatives + ")(?=[/\\s\"';)]|$)");
    }

    /** A media path in a string: a {@code pkg://} input, a release's directory, the rogue root's. */
    private static Pattern mediaPaths() {
        return Pattern.compile("\"[^\"]*(?:pkg://|(?<![\\w.-])releases/|(?<![\\w.-])rogue-root/)");
    }

    /** File name to its first code line (not a comment line) that {@code pattern} finds, over the harness's test sources. */
    private static TreeMap<String, String> writing(Pattern pattern) throws IOException {
        TreeMap<String, String> writing = new TreeMap<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/test/java"))) {
            for (Path source : sources.filter(s -> s.toString().endsWith(".java"))
                    .filter(s -> !s.endsWith(GuestPathTextTest.class.getSimpleName() + ".java")).toList()) {
                for (String line : Files.readAllLines(source)) {
                    String code = line.strip();
                    if (!code.startsWith("*") && !code.startsWith("/*") && !code.startsWith("//") && pattern.matcher(code).find()) {
                        writing.putIfAbsent(source.getFileName().toString(), code);
                    }
                }
            }
        }
        return writing;
    }

    @Test
    void theTestsTypeNoGuestPathOfTheirOwn() throws IOException {
        TreeMap<String, String> writing = writing(guestPaths());
        assertEquals(new TreeSet<>(NOT_YET), writing.keySet(), "sources writing a guest path themselves: " + writing);
    }

    @Test
    void theTestsTypeNoMediaPathOfTheirOwn() throws IOException {
        TreeMap<String, String> writing = writing(mediaPaths());
        assertEquals(new TreeSet<>(MEDIA_NOT_YET), writing.keySet(), "sources writing a media path themselves: " + writing);
    }

    /**
     * A quoted contract line without placeholders that a catalog marker's pattern matches, or one that
     * is a marker's template, is that marker written again: the contract names it instead.
     */
    @Test
    void theContractsNameCatalogMarkersNotTheirText() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> tests = Files.walk(Path.of("src/test/java")); Stream<Path> builtIn = Files.list(Path.of("../markers/contracts"))) {
            Stream.concat(tests, builtIn).filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(Contract.SUFFIX))
                    .filter(f -> !f.endsWith(GuestPathTextTest.class.getSimpleName() + ".java")).forEach(files::add);
        }
        TreeMap<String, String> literal = new TreeMap<>();
        for (Path f : files) {
            for (String line : Files.readAllLines(f)) {
                Matcher quoted = QUOTED_LINE.matcher(line);
                while (quoted.find()) {
                    markerOf(quoted.group(1)).ifPresent(m -> literal.putIfAbsent(f.getFileName().toString(), line.strip() + " is " + m));
                }
            }
        }
        assertEquals(Map.of(), literal, "contracts writing a catalog marker's line themselves");
    }

    /**
     * The QEMU ITs and their helpers (the it package's sources but its unit tests, whose consoles are
     * fixtures) write no string that is a catalog marker's whole line, to await or to look for: they
     * name the marker ({@code Marker.X.line(...)}, {@code LinePattern.of(Marker.X, ...)}).
     */
    @Test
    void theItsNameCatalogMarkersNotTheirLines() throws IOException {
        TreeMap<String, String> literal = new TreeMap<>();
        try (Stream<Path> sources = Files.list(Path.of("src/test/java/io/trialboot/it"))) {
            for (Path source : sources.filter(f -> f.toString().endsWith(".java") && !f.toString().endsWith("Test.java")).toList()) {
                for (String line : Files.readAllLines(source)) {
                    String code = line.strip();
                    Matcher string = STRING.matcher(code);
                    while (!code.startsWith("*") && !code.startsWith("//") && string.find()) {
                        markerOf(string.group(1)).ifPresent(m -> literal.putIfAbsent(source.getFileName().toString(), code + " is " + m));
                    }
                }
            }
        }
        assertEquals(Map.of(), literal, "ITs writing a catalog marker's line themselves");
    }

    /** The catalog marker a quoted contract line writes again, if any. */
    static Optional<Marker> markerOf(String quoted) {
        String template = quoted.replaceAll("<([a-z]+):[a-z0-9_]+>", "<$1>");
        return Arrays.stream(Marker.values()).filter(m -> m.template().equals(template)
                || !quoted.contains("<") && LinePattern.of(m).match(quoted, Map.of()).isPresent()).findFirst();
    }

    @Test
    void theChecksFindTheTextAndNotItsLookAlikes() {
        Pattern path = guestPaths();
        for (String typed : List.of("\"cp /media/updates/x \"", "\"of=/dev/vda3 bs=1M\"", "\"rm /state/ballast\"", "\"umount -l /media\"",
                "\"partition /dev/vda1\")", "\"dd if=/dev/mapper/slot-a of=/dev/null\"", "\"mount -t ext4 -o ro /dev/sda \"")) {
            assertEquals(true, path.matcher(typed).find(), typed);
        }
        for (String other : List.of("Path.of(\"/img/media.raw\")", "\"target/state/x\"", "\"/stateful\"", "guest.updates()")) {
            assertEquals(false, path.matcher(other).find(), other);
        }
        Pattern media = mediaPaths();
        for (String typed : List.of("\"nx update apply pkg://updates/x\"", "resolve(\"releases/1.1.0/slot.img\")", "\"rogue-root/dam.cbor\"")) {
            assertEquals(true, media.matcher(typed).find(), typed);
        }
        for (String other : List.of("ReleaseMedia.fullPath(V110)", "\"rogue-root-planted\"", "\"prereleases/x\"")) {
            assertEquals(false, media.matcher(other).find(), other);
        }
        Matcher step = QUOTED_LINE.matcher("    expect 30s \"stage0: FATAL no slot verifies\"");
        assertEquals(true, step.find());
        assertEquals(Optional.of(Marker.STAGE0_FATAL_NO_SLOT), markerOf(step.group(1)));
        assertEquals(Optional.of(Marker.STAGE0_BOOT), markerOf("stage0: boot slot=<slot> mode=<mode> tries_left=<int> boot=<int:boots>"));
        Matcher inJava = QUOTED_LINE.matcher("\"boot 1\\nexpect 30s \\\"updated: ready\\\"\\n\"");
        assertEquals(true, inJava.find());
        assertEquals(Optional.of(Marker.UPDATED_READY), markerOf(inJava.group(1)));
        Matcher string = STRING.matcher("at = vm.await(\"nx: console ready\", at, BOOT); vm.type(\"say \\\"hi\\\"\");");
        assertEquals(true, string.find());
        assertEquals(Optional.of(Marker.GUEST_SHELL_READY), markerOf(string.group(1)));
        assertEquals(true, string.find());
        assertEquals("say \\\"hi\\\"", string.group(1), "an escaped quote stays inside its string");
        for (String other : List.of("trialboot#", "slot=a", "Kernel panic", "stage0: boot slot=<slot> mode=trial tries_left=<int> boot=<int>")) {
            assertEquals(Optional.empty(), markerOf(other), other);
        }
    }
}
