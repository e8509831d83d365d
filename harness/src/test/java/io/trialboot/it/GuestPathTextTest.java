package io.trialboot.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.guest.GuestPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the ITs and benchmarks type at the guest's console names the guest's paths from their home,
 * {@link GuestPaths#guest()} (the state partition, the media and its {@code updates/}, the slots'
 * devices, the runtime directory), never as text of their own: checked on the harness's test
 * sources, code lines only (comments may name them).
 */
class GuestPathTextTest {
    /** Sources that still write a guest path themselves: known, to be moved; the list only shrinks (empty now). */
    private static final Set<String> NOT_YET = Set.of();

    private static Pattern guestPaths() {
        GuestPaths g = GuestPaths.guest();
        StringBuilder alternatives = new StringBuilder("/dev/vd[a-z][0-9]*");
        for (Path p : List.of(g.state(), g.media(), g.slotA(), g.slotB(), g.run())) {
            alternatives.append('|').append(Pattern.quote(p.toString()));
        }
        // A whole path: not the tail of a longer name, and ending where a shell word or a path part does.
        return Pattern.compile("(?<![\\w.-])(?:" + alternatives + ")(?=[/\\s\"';)]|$)");
    }

    @Test
    void theTestsTypeNoGuestPathOfTheirOwn() throws IOException {
        Pattern path = guestPaths();
        TreeMap<String, String> writing = new TreeMap<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/test/java"))) {
            for (Path source : sources.filter(s -> s.toString().endsWith(".java"))
                    .filter(s -> !s.endsWith(GuestPathTextTest.class.getSimpleName() + ".java")).toList()) {
                for (String line : Files.readAllLines(source)) {
                    String code = line.strip();
                    if (!code.startsWith("*") && !code.startsWith("/*") && !code.startsWith("//") && path.matcher(code).find()) {
                        writing.putIfAbsent(source.getFileName().toString(), code);
                    }
                }
            }
        }
        assertEquals(new TreeSet<>(NOT_YET), writing.keySet(), "sources writing a guest path themselves: " + writing);
    }

    @Test
    void theCheckFindsAGuestPathAndNotItsLookAlikes() {
        Pattern path = guestPaths();
        for (String typed : List.of("\"cp /media/updates/x \"", "\"of=/dev/vda3 bs=1M\"", "\"rm /state/ballast\"", "\"umount -l /media\"",
                "\"partition /dev/vda1\")")) {
            assertEquals(true, path.matcher(typed).find(), typed);
        }
        for (String other : List.of("Path.of(\"/img/media.raw\")", "\"target/state/x\"", "\"/stateful\"", "guest.updates()")) {
            assertEquals(false, path.matcher(other).find(), other);
        }
    }
}
