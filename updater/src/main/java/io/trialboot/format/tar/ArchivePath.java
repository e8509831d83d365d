package io.trialboot.format.tar;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;

/**
 * The one rule for names inside archives and for artifact paths on the update media: relative,
 * {@code /}-separated components of {@code [A-Za-z0-9._+-]}, no {@code .} or {@code ..}
 * component, at most {@link Bounds#TAR_PATH_BYTES} bytes.
 */
public final class ArchivePath {
    private ArchivePath() {}

    /** Returns {@code path} when it obeys the rule; otherwise throws with the code naming the breach. */
    public static String check(String path) {
        if (path == null || path.isEmpty()) {
            throw new TrialbootException(Code.TAR_PATH_INVALID, "empty path");
        }
        if (path.length() > Bounds.TAR_PATH_BYTES) {
            throw new TrialbootException(Code.HOST_INPUT_OVERSIZE, "path '" + path.substring(0, 40) + "...' is "
                    + path.length() + " bytes, over the bound of " + Bounds.TAR_PATH_BYTES);
        }
        if (path.startsWith("/")) {
            throw new TrialbootException(Code.TAR_ABSOLUTE_PATH, "absolute path '" + path + "'");
        }
        for (String component : path.split("/", -1)) {
            if (component.equals("..")) {
                throw new TrialbootException(Code.TAR_PATH_TRAVERSAL, "path '" + path + "' climbs out with '..'");
            }
            if (component.isEmpty() || component.equals(".") || !component.chars().allMatch(ArchivePath::allowed)) {
                throw new TrialbootException(Code.TAR_PATH_INVALID,
                        "path '" + printable(path) + "' has an empty, '.' or non-portable component");
            }
        }
        return path;
    }

    private static boolean allowed(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '+' || c == '-';
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(c -> sb.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c)));
        return sb.toString();
    }
}
