package io.trialboot.trust;

import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What stage 0 verified with OpenSSL in this boot, handed to the guest in {@link #FILE} on the
 * anchor's read-only tmpfs (docs/verified-boot.md#stage-0s-verdict): the admission record in force,
 * named by its file under the domain's admission directory ({@code dam.cbor}, or
 * {@code <sequence>/dam.cbor} for one {@code nx admit} applied), the SHA-256 of the exact bytes whose
 * root signature it checked, and that anchored root; the slot it verified under that record and
 * mapped through dm-verity, with the signed root hash. It vouches for bytes, never for a name: only
 * a record whose digest is the verdict's is taken on it ({@link #vouches}). Six lines, nothing else:
 *
 * <pre>
 * schema=trialboot.stage0-verdict/1
 * admission=dam.cbor
 * admission_sha256=&lt;64 hex digits&gt;
 * admission_root=&lt;16 hex digits: the root's key id&gt;
 * slot=a
 * verity_root=&lt;64 hex digits&gt;
 * </pre>
 *
 * Only the guest's boot reads it, from the anchor stage 0 mounted ({@code GuestPaths.verdict()});
 * host tools never do (a file on {@code /state} is anyone's to write).
 */
public record Stage0Verdict(String admission, Sha256 admissionSha256, KeyId admittedBy, Slot slot, Sha256 verityRoot) {
    public static final String SCHEMA = "trialboot.stage0-verdict/1";
    /** The file's name in the anchor's directory. */
    public static final String FILE = "stage0.verdict";
    /** The file's bound: six short lines. */
    public static final int MAX_BYTES = 1024;
    /** The keys, one a line, in this order. */
    public static final List<String> KEYS = List.of("schema", "admission", "admission_sha256", "admission_root", "slot",
            "verity_root");

    public Stage0Verdict {
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(admissionSha256, "admissionSha256");
        Objects.requireNonNull(admittedBy, "admittedBy");
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(verityRoot, "verityRoot");
        if (!isAdmissionFile(admission)) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "stage 0's verdict names '" + admission
                    + "', not " + Trust.ADMISSION_FILE + " or <sequence>/" + Trust.ADMISSION_FILE);
        }
    }

    /**
     * The verdict stage 0 handed over in {@code file}: empty when there is none (a boot chain that
     * writes none, a host); a file of any other form is {@link Code#MALFORMED_INPUT}.
     */
    public static Optional<Stage0Verdict> read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw malformed("has " + Files.size(file) + " bytes, over " + MAX_BYTES);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot read stage 0's verdict " + file + ": " + IoFailure.reason(e), e);
        }
        return Optional.of(parse(bytes));
    }

    /** Exactly {@link #KEYS}' six lines in order, each value in its one form (lowercase hex); else {@link Code#MALFORMED_INPUT}. */
    public static Stage0Verdict parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw malformed("has " + bytes.length + " bytes, over " + MAX_BYTES);
        }
        String[] lines = new String(bytes, StandardCharsets.US_ASCII).split("\n", -1);
        if (lines.length != KEYS.size() + 1 || !lines[KEYS.size()].isEmpty()) {
            throw malformed("is not " + KEYS.size() + " lines, each ending in a newline");
        }
        String[] values = new String[KEYS.size()];
        for (int i = 0; i < values.length; i++) {
            String prefix = KEYS.get(i) + "=";
            if (!lines[i].startsWith(prefix)) {
                throw malformed("line " + (i + 1) + " is not " + prefix + "<value>");
            }
            values[i] = lines[i].substring(prefix.length());
        }
        if (!SCHEMA.equals(values[0])) {
            throw malformed("has schema '" + values[0] + "', not " + SCHEMA);
        }
        Sha256 digest = Sha256.parse(values[2]);
        KeyId root = KeyId.parse(values[3]);
        Sha256 verity = Sha256.parse(values[5]);
        if (!digest.hex().equals(values[2]) || !root.hex().equals(values[3]) || !verity.hex().equals(values[5])) {
            throw malformed("has hex digits that are not lowercase");
        }
        return new Stage0Verdict(values[1], digest, root, Slot.parse(values[4]), verity);
    }

    /** The file's bytes, as stage 0 writes them. */
    public byte[] encode() {
        String[] values = {SCHEMA, admission, admissionSha256.hex(), admittedBy.hex(), slot.letter(), verityRoot.hex()};
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            out.append(KEYS.get(i)).append('=').append(values[i]).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** True when {@code bytes} are exactly the record stage 0 verified, and it verified it as {@code file}. */
    public boolean vouches(String file, byte[] bytes) {
        return admission.equals(file) && admissionSha256.equals(Sha256.of(bytes));
    }

    private static boolean isAdmissionFile(String name) {
        if (name.equals(Trust.ADMISSION_FILE)) {
            return true;
        }
        int slash = name.indexOf('/');
        if (slash < 1 || !name.substring(slash + 1).equals(Trust.ADMISSION_FILE)) {
            return false;
        }
        for (int i = 0; i < slash; i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static TrialbootException malformed(String why) {
        return new TrialbootException(Code.MALFORMED_INPUT, "stage 0's verdict " + why);
    }
}
