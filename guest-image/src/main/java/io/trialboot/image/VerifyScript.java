package io.trialboot.image;

import io.trialboot.core.Bounds;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.ReleaseManifest;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.Ed25519;
import io.trialboot.trust.KeyId;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.Stage0Verdict;
import io.trialboot.verity.VerityImage;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Stage 0's slot verifier ({@code stage0/verify.sh}) with its constants filled in from the Java that
 * owns them: the product's verity salt, the schema ids, the domain, the bounds, the exact bytes
 * of a {@code trialboot.sig/1} file as {@link SignatureFile#encode} writes them, and the form of
 * stage 0's verdict ({@link Stage0Verdict}). The shell keeps no
 * copy of any of these (docs/verified-boot.md).
 */
final class VerifyScript {
    static final String FILE = "verify.sh";
    /** The busybox applets the script runs besides the shell's built-ins (the host tests run it with only these). */
    static final List<String> APPLETS = List.of("awk", "cp", "dd", "od", "sha256sum", "stat");
    /** The one tool from outside busybox: every signature is OpenSSL's to check. */
    static final String OPENSSL = "openssl";
    /**
     * The file beside the anchored roots naming each root's key id ({@link #rootIds}): the script
     * reads it instead of decoding and hashing the roots at every boot.
     */
    static final String ROOT_IDS = "ids";

    private VerifyScript() {}

    /** The script with its {@code @CONSTANTS@} line replaced by one {@code VF_<NAME>='<value>'} line per constant. */
    static String render(String template) {
        String placeholder = "@CONSTANTS@";
        if (!template.contains(placeholder)) {
            throw new ImageBuildException(FILE + " has no " + placeholder);
        }
        StringBuilder lines = new StringBuilder();
        constants().forEach((name, value) -> {
            if (value.contains("'")) {
                throw new ImageBuildException(FILE + " constant " + name + " holds a quote: " + value);
            }
            lines.append(lines.isEmpty() ? "" : "\n").append("VF_").append(name).append("='").append(value).append('\'');
        });
        String out = template.replace(placeholder, lines);
        if (out.contains("@")) {
            throw new ImageBuildException(FILE + " has a placeholder left: " + out.substring(out.indexOf('@')));
        }
        return out;
    }

    /**
     * The anchored roots' ids, one {@code <key id> <file name>} line a root in file-name order
     * ({@link KeyId}'s rule), written at {@link #ROOT_IDS} beside them. The rules the script
     * checked at every boot before are checked here, where the roots are put into the initramfs:
     * at most {@link Bounds#TRUST_KEYS} roots, each named {@code <name>.pub} and exactly the PEM
     * of an Ed25519 SubjectPublicKeyInfo ({@link Ed25519#toPem}'s three lines, so what openssl reads
     * is what was hashed), each key once.
     *
     * @param roots file name to PEM bytes
     * @throws ImageBuildException naming the root that breaks a rule
     */
    static String rootIds(Map<String, byte[]> roots) {
        if (roots.isEmpty()) {
            throw new ImageBuildException("the initramfs anchors no root key");
        }
        if (roots.size() > Bounds.TRUST_KEYS) {
            throw new ImageBuildException("the initramfs anchors " + roots.size() + " roots, over " + Bounds.TRUST_KEYS);
        }
        StringBuilder ids = new StringBuilder();
        Set<KeyId> seen = new HashSet<>();
        new TreeMap<>(roots).forEach((name, pem) -> {
            if (!name.matches("[A-Za-z0-9._-]+\\.pub")) {
                throw new ImageBuildException("anchored root '" + name + "' is not named <name>.pub");
            }
            byte[] raw;
            try {
                raw = Ed25519.rawFromPem(pem);
            } catch (TrialbootException e) {
                throw new ImageBuildException("anchored root " + name + " is not an Ed25519 public key (" + e.getMessage() + ")", e);
            }
            if (!Arrays.equals(pem, Ed25519.toPem(raw))) {
                throw new ImageBuildException("anchored root " + name + " is not exactly the three lines of an Ed25519 PEM public key");
            }
            KeyId id = KeyId.of(raw);
            if (!seen.add(id)) {
                throw new ImageBuildException("anchored root " + name + " repeats key " + id);
            }
            ids.append(id.hex()).append(' ').append(name).append('\n');
        });
        return ids.toString();
    }

    /**
     * The {@code printf} format of stage 0's verdict, {@link Stage0Verdict#encode}'s lines with a
     * {@code %s} for each value but the schema.
     */
    static String verdictFormat() {
        StringBuilder f = new StringBuilder();
        for (int i = 0; i < Stage0Verdict.KEYS.size(); i++) {
            f.append(Stage0Verdict.KEYS.get(i)).append('=').append(i == 0 ? Stage0Verdict.SCHEMA : "%s").append("\\n");
        }
        return f.toString();
    }

    static Map<String, String> constants() {
        HexFormat hex = HexFormat.of();
        byte[] key = new byte[KeyId.LENGTH];
        byte[] sig = new byte[64];
        Arrays.fill(key, (byte) 0x11);
        Arrays.fill(sig, (byte) 0x22);
        String empty = hex.formatHex(new SignatureFile(List.of()).encode());
        String one = hex.formatHex(new SignatureFile(List.of(new SignatureFile.Entry(new KeyId(key), sig))).encode());
        String head = empty.substring(0, empty.length() - 2);
        String entry = one.substring(head.length() + 2);
        String keyHex = hex.formatHex(key);
        String sigHex = hex.formatHex(sig);
        Map<String, String> c = new LinkedHashMap<>();
        c.put("VERITY_SALT", VerityImage.SALT.hex());
        c.put("VERITY_SALT_BYTES", VerityImage.SALT.hex().replaceAll("(..)", "\\\\x$1"));
        c.put("ADMISSION_SCHEMA", AdmissionRecord.SCHEMA);
        c.put("MANIFEST_SCHEMA", ReleaseManifest.SCHEMA);
        c.put("DOMAIN", HostStateTree.SYSTEM_DOMAIN);
        c.put("SIG_HEAD", head);
        c.put("SIG_KEY", entry.substring(0, entry.indexOf(keyHex)));
        c.put("SIG_SIG", entry.substring(entry.indexOf(keyHex) + keyHex.length(), entry.indexOf(sigHex)));
        c.put("DOC_BYTES", Integer.toString(Bounds.MANIFEST_BYTES));
        c.put("SIG_BYTES", Integer.toString(Bounds.SIGNATURE_BYTES));
        c.put("ROOT_IDS", ROOT_IDS);
        c.put("SIGNATURES", Integer.toString(Bounds.SIGNATURES));
        c.put("VERDICT_FORMAT", verdictFormat());
        return c;
    }
}
