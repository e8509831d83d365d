package io.trialboot.hoststate;

import io.trialboot.core.Code;
import io.trialboot.core.StateFiles;
import io.trialboot.core.TrialbootException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code host/layout-version}: the version of the state tree's layout, {@code MAJOR.MINOR} and a
 * newline (ENC-ASL-HOST/1 §16: a backward-incompatible layout change bumps the major version). A
 * tree of another major version is refused with {@link Code#HOST_LAYOUT_UNSUPPORTED} before any of
 * it is interpreted; a higher minor version only adds what this build may ignore.
 */
public record LayoutVersion(int major, int minor) {
    /** The layout this build writes and reads. */
    public static final LayoutVersion CURRENT = new LayoutVersion(1, 0);
    static final String FILE = "host/layout-version";
    private static final Pattern TEXT = Pattern.compile("([0-9]{1,4})\\.([0-9]{1,4})\n");

    byte[] encode() {
        return (major + "." + minor + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    static LayoutVersion decode(byte[] bytes) {
        Matcher m = TEXT.matcher(new String(bytes, StandardCharsets.US_ASCII));
        if (!m.matches()) {
            throw new TrialbootException(Code.MALFORMED_INPUT, FILE + " must be MAJOR.MINOR and a newline");
        }
        return new LayoutVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Reads the tree's layout version under {@code root} ({@code asl-host}) and refuses one this build cannot read. */
    static LayoutVersion check(Path root) {
        LayoutVersion v = decode(StateFiles.read(root.resolve(FILE), 16, "layout-version"));
        if (v.major != CURRENT.major) {
            throw new TrialbootException(Code.HOST_LAYOUT_UNSUPPORTED, "host state tree " + root + " has layout version "
                    + v + "; this build reads major version " + CURRENT.major + " only: nothing in it was interpreted");
        }
        return v;
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
