package io.trialboot.guest;

import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import java.util.List;
import java.util.Map;

/**
 * The console lines a test looks for, found by their catalog marker's pattern rather than by the marker's
 * text written again. Arguments are a contract's ({@code *}, {@code :name}, a literal); none match any values.
 */
final class MarkerLines {
    private MarkerLines() {}

    /** Whether {@code line} is {@code marker} with {@code args}. */
    static boolean is(String line, Marker marker, String... args) {
        return LinePattern.of(marker, args).match(line, Map.of()).isPresent();
    }

    /** The lines of {@code console} that are {@code marker} with {@code args}, in order. */
    static List<String> all(List<String> console, Marker marker, String... args) {
        LinePattern pattern = LinePattern.of(marker, args);
        return console.stream().filter(l -> pattern.match(l, Map.of()).isPresent()).toList();
    }

    /** What {@code line} captures as {@code marker} with {@code args}; an assertion error naming it when it is not. */
    static Map<String, String> captures(String line, Marker marker, String... args) {
        return LinePattern.of(marker, args).match(line, Map.of())
                .orElseThrow(() -> new AssertionError("not " + marker + " " + String.join(" ", args) + ": " + line));
    }
}
