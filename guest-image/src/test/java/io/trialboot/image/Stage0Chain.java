package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.Version;
import io.trialboot.format.Artifact;
import io.trialboot.format.ReleaseManifest;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.tools.Keys;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.Signed;
import io.trialboot.tools.SigningKey;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.Ed25519;
import io.trialboot.trust.Stage0Verdict;
import io.trialboot.trust.WitnessMode;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
import io.trialboot.verity.VerityTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What the host tests of stage 0's slot verifier ({@code stage0/verify.sh}, rendered as the image
 * build renders it) run it against: the script under host busybox, with only the applets
 * {@link VerifyScript#APPLETS} and host openssl on its PATH; the anchored root and its ids, the
 * factory admission record, a small slot (data + its dm-verity tree) and its signed release manifest,
 * all made by the Java tools in a directory of its own. The good chain gives exactly
 * {@link VerityParams#dmTable}; {@link Stage0ChainExtension} gives a test a fresh one as a parameter.
 *
 * @param dir the chain's directory
 * @param script the rendered verify.sh
 * @param bin the PATH the script runs with: links to host busybox's applets and openssl
 * @param roots the anchored roots' public keys and their ids file
 * @param admission the admission directory ({@code dam.cbor}, {@code dam.sig}, applied ones in {@code 000002/}...)
 * @param slot the slot image
 * @param manifest the slot's kept release manifest ({@code .sig} beside it)
 * @param verity the slot's verity parameters, as the manifest signs them
 */
record Stage0Chain(Path dir, FixtureKeys keys, Path script, Path bin, Path roots, Path admission, Path slot,
        Path manifest, VerityParams verity) {
    static final Path BUSYBOX = Path.of("/usr/bin/busybox");
    static final Path OPENSSL = Path.of("/usr/bin/openssl");
    static final Sha256 POLICY = Sha256.of("policy".getBytes(StandardCharsets.US_ASCII));
    private static final int DATA_BLOCKS = 3;

    /** verify_slot of the chain's slot, which must verify, printing nothing. */
    static final String VERIFIED = "verify_slot \"$2\" \"$3\" \"$4\" \"$5\" \"$6\" || echo refused;";

    private static final String CHECK = "verify_slot \"$2\" \"$3\" \"$4\" \"$5\" \"$6\"; rc=$?;"
            + " echo \"$rc|$VERIFY_CODE|$VERIFY_TABLE|$VERIFY_SCOPE\"; [ $rc = 0 ] || echo \"why: $VERIFY_WHY\" >&2;";

    /** The good chain in {@code dir}: the factory admission, a slot filled with 7s, its manifest signed by the release key. */
    static Stage0Chain create(Path dir) throws IOException {
        FixtureKeys keys = FixtureKeys.generate(dir.resolve("keys"));
        Path script = dir.resolve(VerifyScript.FILE);
        Files.writeString(script, VerifyScript.render(Files.readString(Path.of("src/main/stage0", VerifyScript.FILE))));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String applet : VerifyScript.APPLETS) {
            Files.createSymbolicLink(bin.resolve(applet), BUSYBOX);
        }
        Files.createSymbolicLink(bin.resolve(VerifyScript.OPENSSL), OPENSSL);
        Path roots = Files.createDirectories(dir.resolve("roots"));
        Map<String, byte[]> anchored = Map.of(FixtureKeys.ROOT + ".pub", Ed25519.toPem(keys.root().publicKey()));
        for (Map.Entry<String, byte[]> root : anchored.entrySet()) {
            Files.write(roots.resolve(root.getKey()), root.getValue());
        }
        Files.writeString(roots.resolve(VerifyScript.ROOT_IDS), VerifyScript.rootIds(anchored));
        Path admission = dir.resolve("admission");
        writeAdmission(admission, FactoryState.admission(keys, POLICY), keys.root());
        Path slot = dir.resolve("slot.img");
        VerityParams verity = writeSlot(slot, (byte) 7);
        Stage0Chain chain = new Stage0Chain(dir, keys, script, bin, roots, admission, slot, dir.resolve("slot-a.nxm"), verity);
        chain.sign(chain.manifestBytes(), List.of(keys.release()));
        return chain;
    }

    /** The run gave the signed verity table line: the chain and the slot verified. */
    void assertVerified() throws IOException, InterruptedException {
        assertEquals(tableLine(), run());
    }

    /** {@link #run()}'s output when the slot verified. */
    String tableLine() {
        return "0||" + verity.dmTable(slot.toString()) + "|";
    }

    /** Refused with {@code code} in the slot's scope, no table line. */
    void assertRefused(String code) throws IOException, InterruptedException {
        assertRefused(code, "slot");
    }

    /** Refused with {@code code}, no table line, and the scope: the slot, or the chain above it. */
    void assertRefused(String code, String scope) throws IOException, InterruptedException {
        assertEquals("1|" + code + "||" + scope, run());
    }

    /** {@code rc|VERIFY_CODE|VERIFY_TABLE|VERIFY_SCOPE}: the table line is empty on every refusal. */
    String run() throws IOException, InterruptedException {
        return run(CHECK);
    }

    /** As stage 0 runs it: {@code verify_begin} first, then two slot checks ({@link #run()}'s form, ';' between). */
    String runBegunEarly() throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("chain"));
        return run("verify_begin \"$4\" \"$5\" \"$7\"; " + CHECK + " printf ';'; " + CHECK).replace("\n", "");
    }

    /**
     * {@code commands} after sourcing the script, under busybox sh with the chain's PATH; the positional
     * parameters: $1 the script, $2 the slot, $3 the manifest, $4 the admission, $5 the roots, $6 a work
     * directory of the run's own, $7 the chain directory {@code verify_begin} keeps its outcome in.
     */
    String run(String commands) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory(dir, "work");
        ProcessBuilder p = new ProcessBuilder(BUSYBOX.toString(), "sh", "-c", ". \"$1\"; " + commands,
                "sh", script.toString(), slot.toString(), manifest.toString(), admission.toString(), roots.toString(),
                work.toString(), dir.resolve("chain").toString());
        p.environment().put("PATH", bin.toString());
        p.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process started = p.start();
        String out = new String(started.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!started.waitFor(30, TimeUnit.SECONDS)) {
            started.destroyForcibly();
            throw new AssertionError("busybox did not finish");
        }
        return out;
    }

    /** The slot's release manifest as it is now, signing {@link #verity}, naming the release key as signer. */
    byte[] manifestBytes() throws IOException {
        return manifestBytes(verity, keys.release());
    }

    /** The slot's release manifest as it is now, signing {@code v}, naming {@code signer}. */
    byte[] manifestBytes(VerityParams v, SigningKey signer) throws IOException {
        Sha256 image = Sha256.of(Files.readAllBytes(slot));
        long size = Files.size(slot);
        return new ReleaseManifest(Version.parse("1.0.0"), Version.parse("1.0.0"), FactoryState.COMPATIBLE,
                signer.keyId(), Artifact.image(image, size), POLICY, POLICY,
                List.of(Artifact.full("images/a.img", image, size)), Optional.of(v)).encode();
    }

    /** Writes {@code content} as the slot's kept manifest, signed by {@code signers}. */
    void sign(byte[] content, List<SigningKey> signers) {
        new Signed(content, Packaging.sign(content, signers)).writeTo(manifest);
    }

    /** Writes the slot's manifest, one bit of its copy of {@code field} flipped, signed by the release key. */
    void signWithOneBitFlippedIn(byte[] field) throws IOException {
        byte[] m = manifestBytes();
        flip(m, indexOf(m, field));
        sign(m, List.of(keys.release()));
    }

    /** The verdict's text (Stage0Verdict's form) for the record {@code file} as it is now and this slot's root hash. */
    String verdict(String file, Slot s) throws IOException {
        return new String(new Stage0Verdict(file, Sha256.of(Files.readAllBytes(admission.resolve(file))), keys.root().keyId(),
                s, verity.rootHash()).encode(), StandardCharsets.US_ASCII);
    }

    /** Rewrites the factory admission record signed by a stranger's key, not the anchored root's. */
    void signAdmissionByARogue() throws IOException {
        writeAdmission(admission, FactoryState.admission(keys, POLICY), Keys.generate(dir.resolve("rogue"), "rogue"));
    }

    /** An admission of the system domain (single witness) that admits the revoked key and revokes the release key. */
    AdmissionRecord revokingTheReleaseKey() {
        return new AdmissionRecord(HostStateTree.SYSTEM_DOMAIN, FactoryState.COMPATIBLE, POLICY, WitnessMode.SINGLE, 1,
                Map.of(keys.revoked().keyId(), keys.revoked().publicKey()), Set.of(keys.release().keyId()));
    }

    static void writeAdmission(Path dir, AdmissionRecord record, SigningKey root) throws IOException {
        Signed s = Packaging.admission(record, root);
        Files.createDirectories(dir);
        Files.write(dir.resolve("dam.cbor"), s.content());
        Files.write(dir.resolve("dam.sig"), s.signature());
    }

    /** A slot of {@link #DATA_BLOCKS} blocks of {@code fill} followed by its tree, as VerityImage lays it out. */
    static VerityParams writeSlot(Path file, byte fill) throws IOException {
        byte[] data = new byte[DATA_BLOCKS * VerityParams.BLOCK_SIZE];
        Arrays.fill(data, fill);
        ByteArrayOutputStream tree = new ByteArrayOutputStream();
        VerityParams v = VerityTree.build(new ByteArrayInputStream(data), data.length, data.length, VerityImage.SALT, tree);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(data);
        tree.writeTo(all);
        Files.write(file, all.toByteArray());
        return v;
    }

    static Path sig(Path file) {
        return file.resolveSibling(file.getFileName() + ".sig");
    }

    static void flip(byte[] bytes, int at) {
        bytes[at] ^= 0x01;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        String h = HexFormat.of().formatHex(haystack);
        String n = HexFormat.of().formatHex(needle);
        for (int i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) {
            if (i % 2 == 0) {
                return i / 2;
            }
        }
        throw new AssertionError("not found");
    }
}
