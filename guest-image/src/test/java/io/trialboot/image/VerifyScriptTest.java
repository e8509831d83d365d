package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import io.trialboot.trust.SignatureFile;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs stage 0's slot verifier ({@code stage0/verify.sh}, rendered as the image build renders it)
 * under host busybox, with only the applets {@link VerifyScript#APPLETS} and host openssl on its
 * PATH, against inputs the Java tools make: the factory admission record, a small slot (data + its
 * dm-verity tree) and its signed release manifest. The good chain gives exactly
 * {@link VerityParams#dmTable}; each hostile input gets its own code and no table line.
 */
class VerifyScriptTest {
    private static final Path BUSYBOX = Path.of("/usr/bin/busybox");
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final Sha256 POLICY = Sha256.of("policy".getBytes(StandardCharsets.US_ASCII));
    private static final int DATA_BLOCKS = 3;

    @TempDir
    Path dir;
    private FixtureKeys keys;
    private Path script;
    private Path bin;
    private Path roots;
    private Path admission;
    private Path slot;
    private Path manifest;
    private VerityParams verity;

    @BeforeAll
    static void needsTools() {
        boolean present = Files.isExecutable(BUSYBOX) && Files.isExecutable(OPENSSL);
        if (!present) {
            System.out.println("skipping stage-0 verifier tests: " + BUSYBOX + " or " + OPENSSL
                    + " is missing (apt-get install busybox openssl)");
        }
        assumeTrue(present, "host busybox or openssl missing");
    }

    /** The tool links point outside the temporary directory; JUnit warns when its cleanup meets them. */
    @AfterEach
    void removeToolLinks() throws IOException {
        if (bin == null) {
            return;
        }
        for (String tool : VerifyScript.APPLETS) {
            Files.deleteIfExists(bin.resolve(tool));
        }
        Files.deleteIfExists(bin.resolve(VerifyScript.OPENSSL));
    }

    @BeforeEach
    void chain() throws IOException {
        keys = FixtureKeys.generate(dir.resolve("keys"));
        script = dir.resolve(VerifyScript.FILE);
        Files.writeString(script, VerifyScript.render(Files.readString(Path.of("src/main/stage0", VerifyScript.FILE))));
        bin = Files.createDirectories(dir.resolve("bin"));
        for (String applet : VerifyScript.APPLETS) {
            Files.createSymbolicLink(bin.resolve(applet), BUSYBOX);
        }
        Files.createSymbolicLink(bin.resolve(VerifyScript.OPENSSL), OPENSSL);
        roots = Files.createDirectories(dir.resolve("roots"));
        Map<String, byte[]> anchored = Map.of(FixtureKeys.ROOT + ".pub", Ed25519.toPem(keys.root().publicKey()));
        for (Map.Entry<String, byte[]> root : anchored.entrySet()) {
            Files.write(roots.resolve(root.getKey()), root.getValue());
        }
        Files.writeString(roots.resolve(VerifyScript.ROOT_IDS), VerifyScript.rootIds(anchored));
        admission = dir.resolve("admission");
        writeAdmission(admission, FactoryState.admission(keys, POLICY), keys.root());
        slot = dir.resolve("slot.img");
        verity = writeSlot(slot, (byte) 7);
        manifest = dir.resolve("slot-a.nxm");
        sign(manifest(verity), List.of(keys.release()));
    }

    @Test
    void theVerifiedChainGivesTheSignedVerityTableLine() throws Exception {
        assertEquals("0||" + verity.dmTable(slot.toString()) + "|", run());
    }

    @Test
    void wrongRootHashIsRefused() throws Exception {
        byte[] m = manifest(verity);
        flip(m, indexOf(m, verity.rootHash().bytes()));
        sign(m, List.of(keys.release()));
        assertRefused("VERITY_ROOT_MISMATCH");
    }

    @Test
    void truncatedRootHashIsRefused() throws Exception {
        byte[] m = manifest(verity);
        int at = indexOf(m, verity.rootHash().bytes());
        byte[] cut = new byte[m.length - 1];
        System.arraycopy(m, 0, cut, 0, at + 31);
        System.arraycopy(m, at + 32, cut, at + 31, m.length - at - 32);
        cut[at - 1] = 31;
        sign(cut, List.of(keys.release()));
        assertRefused("SCHEMA_VIOLATION");
    }

    @Test
    void flippedSaltIsRefused() throws Exception {
        byte[] m = manifest(verity);
        flip(m, indexOf(m, verity.salt().bytes()));
        sign(m, List.of(keys.release()));
        assertRefused("VERITY_SALT_MISMATCH");
    }

    @Test
    void rewrittenSlotWithItsOwnTreeIsRefused() throws Exception {
        writeSlot(slot, (byte) 8);
        assertRefused("VERITY_ROOT_MISMATCH");
    }

    @Test
    void manifestSignedByAKeyNotAdmittedIsRefused() throws Exception {
        sign(manifest(verity), List.of(Keys.generate(dir.resolve("stranger"), "stranger")));
        assertRefused("KEY_UNKNOWN");
        sign(manifest(verity), List.of(keys.root()));
        assertRefused("KEY_NOT_ADMITTED");
    }

    @Test
    void manifestSignedByARevokedKeyIsRefused() throws Exception {
        sign(manifest(verity), List.of(keys.revoked()));
        assertRefused("KEY_REVOKED");
    }

    @Test
    void manifestChangedAfterSigningIsRefused() throws Exception {
        byte[] m = manifest(verity);
        byte[] sig = Packaging.sign(m, List.of(keys.release()));
        flip(m, indexOf(m, verity.rootHash().bytes()));
        Files.write(manifest, m);
        Files.write(sig(manifest), sig);
        assertRefused("SIG_INVALID");
    }

    @Test
    void admissionRecordNotSignedByTheAnchorIsRefused() throws Exception {
        writeAdmission(admission, FactoryState.admission(keys, POLICY), Keys.generate(dir.resolve("rogue"), "rogue"));
        assertRefused("ADMISSION_NOT_ROOT_SIGNED", "chain");
    }

    @Test
    void anAdmissionRecordChangedAfterItsRootSignedIsRefused() throws Exception {
        byte[] record = Files.readAllBytes(admission.resolve("dam.cbor"));
        record[record.length - 1] ^= 0x01;
        Files.write(admission.resolve("dam.cbor"), record);
        assertRefused("SIG_INVALID", "chain");
        assertEquals("1|SIG_INVALID||chain;1|SIG_INVALID||chain", runBegunEarly());
    }

    /** Stage 0's order: the chain begun when /state is mounted, each slot's check after; the outcome serves both. */
    @Test
    void theChainBegunEarlyServesEverySlotCheck() throws Exception {
        String table = "0||" + verity.dmTable(slot.toString()) + "|";
        assertEquals(table + ";" + table, runBegunEarly());
        writeAdmission(admission, FactoryState.admission(keys, POLICY), Keys.generate(dir.resolve("rogue"), "rogue"));
        assertEquals("1|ADMISSION_NOT_ROOT_SIGNED||chain;1|ADMISSION_NOT_ROOT_SIGNED||chain", runBegunEarly());
    }

    @Test
    void garbageOrOversizeSignatureFilesAreRefused() throws Exception {
        byte[] good = Files.readAllBytes(sig(manifest));
        byte[] garbage = good.clone();
        garbage[3] ^= 0x20;
        Files.write(sig(manifest), garbage);
        assertRefused("SIG_LAYOUT_INVALID");
        Files.write(sig(manifest), Arrays.copyOf(good, good.length - 1));
        assertRefused("SIG_LAYOUT_INVALID");
        Files.write(sig(manifest), new byte[4097]);
        assertRefused("HOST_INPUT_OVERSIZE");
        Files.write(admission.resolve("dam.sig"), "garbage".getBytes(StandardCharsets.US_ASCII));
        assertRefused("SIG_LAYOUT_INVALID", "chain");
    }

    @Test
    void quorumShortByOneIsRefusedAndMetIsVerified() throws Exception {
        SigningKey second = Keys.generate(dir.resolve("second"), "second");
        writeAdmission(admission, new AdmissionRecord(HostStateTree.SYSTEM_DOMAIN, FactoryState.COMPATIBLE, POLICY,
                WitnessMode.QUORUM, 2, Map.of(keys.release().keyId(), keys.release().publicKey(), second.keyId(),
                        second.publicKey()), Set.of()), keys.root());
        byte[] m = manifest(verity);
        sign(m, List.of(keys.release()));
        assertRefused("QUORUM_NOT_MET");
        SignatureFile.Entry once = new SignatureFile.Entry(keys.release().keyId(), keys.release().sign(m));
        Files.write(sig(manifest), new SignatureFile(List.of(once, once)).encode());
        assertRefused("QUORUM_NOT_MET");
        sign(m, List.of(keys.release(), second));
        assertEquals("0||" + verity.dmTable(slot.toString()) + "|", run());
    }

    @Test
    void selfAuthorityTakesTheAnchoredRoot() throws Exception {
        writeAdmission(admission, new AdmissionRecord(HostStateTree.SYSTEM_DOMAIN, FactoryState.COMPATIBLE, POLICY,
                WitnessMode.SELF, 1, Map.of(), Set.of()), keys.root());
        sign(manifest(verity, keys.root()), List.of(keys.root()));
        assertEquals("0||" + verity.dmTable(slot.toString()) + "|", run());
        sign(manifest(verity), List.of(keys.root()));
        assertRefused("SIGNER_MISMATCH");
    }

    @Test
    void theNewestAppliedAdmissionIsTheOneInForce() throws Exception {
        writeAdmission(admission.resolve("000002"), revokingTheReleaseKey(), keys.root());
        assertRefused("KEY_REVOKED");
    }

    /** AdmissionLedger's rule: only directories of six digits are applied admissions; anything else is not read. */
    @Test
    void onlyDirectoriesOfSixDigitsAreAppliedAdmissions() throws Exception {
        for (String name : List.of("2", "0000003", "00000a", "000004.tmp")) {
            writeAdmission(admission.resolve(name), revokingTheReleaseKey(), keys.root());
        }
        Files.writeString(admission.resolve("000009"), "a file, not a directory");
        assertEquals("0||" + verity.dmTable(slot.toString()) + "|", run());
        assertEquals(verdict("dam.cbor", Slot.A) + "rc=0", run(VERIFIED + " verify_verdict a; echo \"rc=$?\""));
    }

    /** Stage 0's verdict names the record the chain verified, by file and digest, its root, the slot and its root hash. */
    @Test
    void theVerdictNamesTheVerifiedRecordAndSlot() throws Exception {
        String expected = verdict("dam.cbor", Slot.B) + "rc=0";
        assertEquals(expected, run(VERIFIED + " verify_verdict b; echo \"rc=$?\""));
        Files.createDirectories(dir.resolve("chain"));
        assertEquals(expected, run("verify_begin \"$4\" \"$5\" \"$7\"; " + VERIFIED + " verify_verdict b; echo \"rc=$?\""));
        writeAdmission(admission.resolve("000002"), new AdmissionRecord(HostStateTree.SYSTEM_DOMAIN,
                FactoryState.COMPATIBLE, POLICY, WitnessMode.SINGLE, 1, Map.of(keys.release().keyId(),
                        keys.release().publicKey(), keys.revoked().keyId(), keys.revoked().publicKey()), Set.of()), keys.root());
        assertEquals(verdict("000002/dam.cbor", Slot.A) + "rc=0", run(VERIFIED + " verify_verdict a; echo \"rc=$?\""));
    }

    /** The verdict is of the bytes openssl verified: a record changed after the check does not change it. */
    @Test
    void theVerdictIsOfTheBytesTheChainVerifiedNotOfTheFileAfterwards() throws Exception {
        String expected = verdict("dam.cbor", Slot.A) + "rc=0";
        assertEquals(expected, run(VERIFIED + " printf x >> \"$4/dam.cbor\"; verify_verdict a; echo \"rc=$?\""));
    }

    /** No verdict unless the chain and the slot checked last verified. */
    @Test
    void noVerdictWithoutAVerifiedChainAndSlot() throws Exception {
        assertEquals("rc=1", run("verify_verdict a; echo \"rc=$?\""));
        assertEquals("rc=1", run(VERIFIED + " verify_slot \"$2\" \"$3.none\" \"$4\" \"$5\" \"$6\";"
                + " verify_verdict a; echo \"rc=$?\""));
        writeSlot(slot, (byte) 8);
        assertEquals("rc=1", run("verify_slot \"$2\" \"$3\" \"$4\" \"$5\" \"$6\"; verify_verdict a; echo \"rc=$?\""));
        writeAdmission(admission, FactoryState.admission(keys, POLICY), Keys.generate(dir.resolve("rogue"), "rogue"));
        assertEquals("rc=1", run("verify_slot \"$2\" \"$3\" \"$4\" \"$5\" \"$6\"; verify_verdict a; echo \"rc=$?\""));
    }

    /** verify_slot of the harness's slot, which must verify, printing nothing. */
    private static final String VERIFIED = "verify_slot \"$2\" \"$3\" \"$4\" \"$5\" \"$6\" || echo refused;";

    /** The verdict's text (Stage0Verdict's form) for the record {@code file} as it is now and this slot's root hash. */
    private String verdict(String file, Slot s) throws IOException {
        return new String(new Stage0Verdict(file, Sha256.of(Files.readAllBytes(admission.resolve(file))), keys.root().keyId(),
                s, verity.rootHash()).encode(), StandardCharsets.US_ASCII);
    }

    private AdmissionRecord revokingTheReleaseKey() {
        return new AdmissionRecord(HostStateTree.SYSTEM_DOMAIN, FactoryState.COMPATIBLE, POLICY, WitnessMode.SINGLE, 1,
                Map.of(keys.revoked().keyId(), keys.revoked().publicKey()), Set.of(keys.release().keyId()));
    }

    @Test
    void aSlotWithoutAKeptManifestOrVerityMapIsUnverifiable() throws Exception {
        sign(new ReleaseManifest(Version.parse("1.0.0"), Version.parse("1.0.0"), FactoryState.COMPATIBLE,
                keys.release().keyId(), Artifact.image(Sha256.of(Files.readAllBytes(slot)), Files.size(slot)),
                POLICY, POLICY, List.of(Artifact.full("images/a.img", Sha256.of(Files.readAllBytes(slot)),
                        Files.size(slot)))).encode(), List.of(keys.release()));
        assertRefused("SLOT_UNVERIFIABLE");
        Files.delete(manifest);
        assertRefused("SLOT_UNVERIFIABLE");
    }

    @Test
    void signedBytesThatAreNotCanonicalCborAreRefused() throws Exception {
        byte[] m = manifest(verity);
        byte[] trailing = Arrays.copyOf(m, m.length + 1);
        sign(trailing, List.of(keys.release()));
        assertRefused("CBOR_TRAILING_BYTES");
    }

    @Test
    void signedTextThatIsShellIsOnlyEverData() throws Exception {
        byte[] m = manifest(verity);
        byte[] compatible = FactoryState.COMPATIBLE.getBytes(StandardCharsets.US_ASCII);
        byte[] shell = "';VERIFY_TABLE=pwned;'".getBytes(StandardCharsets.US_ASCII);
        assertEquals(compatible.length, shell.length);
        System.arraycopy(shell, 0, m, indexOf(m, compatible), shell.length);
        sign(m, List.of(keys.release()));
        assertRefused("COMPATIBLE_MISMATCH");
    }

    @Test
    void rootsWithoutWellFormedIdsAreNoAnchor() throws Exception {
        Path ids = roots.resolve(VerifyScript.ROOT_IDS);
        Files.delete(ids);
        assertRefused("HOST_NOT_FOUND", "chain");
        Files.writeString(ids, "");
        assertRefused("HOST_NOT_FOUND", "chain");
        // An id names a shell variable: only 16 hex digits ever do, the rest is refused, never run.
        Files.writeString(ids, "x;VERIFY_TABLE=pwned " + FixtureKeys.ROOT + ".pub\n");
        assertRefused("KEY_FORMAT", "chain");
        Files.writeString(ids, keys.root().keyId().hex().substring(1) + " " + FixtureKeys.ROOT + ".pub\n");
        assertRefused("KEY_FORMAT", "chain");
    }

    @Test
    void aRootWhoseIdNamesAnotherKeyVerifiesNothing() throws Exception {
        // The ids are the build's (VerifyScript.rootIds): one naming the root's id beside another
        // key's file still has openssl check the signature with that file's key.
        Path rogue = roots.resolve("rogue.pub");
        Files.write(rogue, Ed25519.toPem(Keys.generate(dir.resolve("rogue"), "rogue").publicKey()));
        Files.writeString(roots.resolve(VerifyScript.ROOT_IDS), keys.root().keyId().hex() + " rogue.pub\n");
        assertRefused("SIG_INVALID", "chain");
    }

    @Test
    void anAdmissionRecordWithAFieldOfItsOwnIsRefused() throws Exception {
        byte[] record = Packaging.admission(FactoryState.admission(keys, POLICY), keys.root()).content();
        byte[] domain = "domain".getBytes(StandardCharsets.US_ASCII);
        byte[] other = "domaim".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(other, 0, record, indexOf(record, domain), other.length);
        Files.write(admission.resolve("dam.cbor"), record);
        Files.write(admission.resolve("dam.sig"), Packaging.sign(record, List.of(keys.root())));
        assertRefused("SCHEMA_VIOLATION", "chain");
    }

    private void assertRefused(String code) throws Exception {
        assertRefused(code, "slot");
    }

    /** Refused with {@code code}, no table line, and the scope: the slot, or the chain above it. */
    private void assertRefused(String code, String scope) throws Exception {
        assertEquals("1|" + code + "||" + scope, run());
    }

    /** {@code rc|VERIFY_CODE|VERIFY_TABLE|VERIFY_SCOPE}: the table line is empty on every refusal. */
    private String run() throws IOException, InterruptedException {
        return run(CHECK);
    }

    /** As stage 0 runs it: {@code verify_begin} first, then two slot checks ({@link #run()}'s form, ';' between). */
    private String runBegunEarly() throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("chain"));
        return run("verify_begin \"$4\" \"$5\" \"$7\"; " + CHECK + " printf ';'; " + CHECK).replace("\n", "");
    }

    private static final String CHECK = "verify_slot \"$2\" \"$3\" \"$4\" \"$5\" \"$6\"; rc=$?;"
            + " echo \"$rc|$VERIFY_CODE|$VERIFY_TABLE|$VERIFY_SCOPE\"; [ $rc = 0 ] || echo \"why: $VERIFY_WHY\" >&2;";

    private String run(String commands) throws IOException, InterruptedException {
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

    private byte[] manifest(VerityParams v) throws IOException {
        return manifest(v, keys.release());
    }

    private byte[] manifest(VerityParams v, SigningKey signer) throws IOException {
        Sha256 image = Sha256.of(Files.readAllBytes(slot));
        long size = Files.size(slot);
        return new ReleaseManifest(Version.parse("1.0.0"), Version.parse("1.0.0"), FactoryState.COMPATIBLE,
                signer.keyId(), Artifact.image(image, size), POLICY, POLICY,
                List.of(Artifact.full("images/a.img", image, size)), Optional.of(v)).encode();
    }

    private void sign(byte[] content, List<SigningKey> signers) {
        new Signed(content, Packaging.sign(content, signers)).writeTo(manifest);
    }

    private static void writeAdmission(Path dir, AdmissionRecord record, SigningKey root) throws IOException {
        Signed s = Packaging.admission(record, root);
        Files.createDirectories(dir);
        Files.write(dir.resolve("dam.cbor"), s.content());
        Files.write(dir.resolve("dam.sig"), s.signature());
    }

    /** A slot of {@link #DATA_BLOCKS} blocks of {@code fill} followed by its tree, as VerityImage lays it out. */
    private static VerityParams writeSlot(Path file, byte fill) throws IOException {
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

    private static Path sig(Path file) {
        return file.resolveSibling(file.getFileName() + ".sig");
    }

    private static void flip(byte[] bytes, int at) {
        bytes[at] ^= 0x01;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
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
