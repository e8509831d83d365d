package io.trialboot.format;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.format.cbor.Fields;
import java.util.regex.Pattern;

/** Value rules shared by the format documents; a breach is {@link Code#SCHEMA_VIOLATION}. */
final class Check {
    private Check() {}

    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    static final Pattern LABEL = Pattern.compile("[\\x20-\\x7e]{1,256}");

    static String matches(String what, String value, Pattern pattern) {
        if (!pattern.matcher(value).matches()) {
            throw new TrialbootException(Code.SCHEMA_VIOLATION, what + " '" + value + "' must match " + pattern);
        }
        return value;
    }

    static long size(String what, long size, long max) {
        if (size < 0) {
            throw new TrialbootException(Code.SCHEMA_VIOLATION, what + " must not be negative: " + size);
        }
        Bounds.check(what, size, max);
        return size;
    }

    /** A size that names real bytes: an image, artifact or delta base of 0 bytes is no installable file. */
    static long positiveSize(String what, long size, long max) {
        if (size == 0) {
            throw new TrialbootException(Code.SCHEMA_VIOLATION, what + " must not be 0");
        }
        return size(what, size, max);
    }

    static Version version(Fields f, String key) {
        String text = f.text(key);
        try {
            return Version.parse(text);
        } catch (TrialbootException e) {
            throw f.invalid(key, "is not a version MAJOR.MINOR.PATCH: '" + text + "'");
        }
    }

    static Sha256 sha256(Fields f, String key) {
        return new Sha256(f.bytes(key, Sha256.LENGTH));
    }

    static Fields item(CborValue v, String what) {
        return Fields.of(v, what);
    }
}
