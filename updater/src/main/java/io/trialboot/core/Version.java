package io.trialboot.core;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A release version {@code MAJOR.MINOR.PATCH} (semver without pre-release or build parts). */
public record Version(int major, int minor, int patch) implements Comparable<Version> {
    private static final Pattern FORM = Pattern.compile("(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})");

    public Version {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("version parts must not be negative");
        }
    }

    public static Version parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "not a version (MAJOR.MINOR.PATCH): '" + text + "'");
        }
        return new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    @Override
    public int compareTo(Version o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    public boolean isBelow(Version o) {
        return compareTo(o) < 0;
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }

    /*
     * equals and hashCode written out, as the record's own would be: a record's generated ones link
     * through ObjectMethods' method handles on their first call, which spins classes under
     * emulation, and every boot compares versions before `updated: ready` (docs/benchmarks.md, "Boot").
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Version v && v.major == major && v.minor == minor && v.patch == patch;
    }

    @Override
    public int hashCode() {
        return (major * 31 + minor) * 31 + patch;
    }
}
