package io.trialboot.markers;

/** One piece of a {@link LinePattern}: literal text, an open placeholder, or a reference to a capture. */
sealed interface PatternPart permits PatternPart.Lit, PatternPart.Hole, PatternPart.Ref {

    /** Literal text. */
    record Lit(String text) implements PatternPart {
    }

    /** Any value of {@code type}, captured as {@code capture} unless that is null. */
    record Hole(PlaceholderType type, String capture) implements PatternPart {
    }

    /** The value captured as {@code name}, plus {@code offset} (an int capture) when non-zero. */
    record Ref(String name, long offset, PlaceholderType declared) implements PatternPart {
    }
}
