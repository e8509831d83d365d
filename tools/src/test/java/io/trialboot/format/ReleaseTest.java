package io.trialboot.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.device.SlotImage;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.tools.SigningKey;
import io.trialboot.trust.Fixture;
import io.trialboot.trust.Trust;
import io.trialboot.verified.VerifiedRelease;
import io.trialboot.verity.VerityParams;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReleaseTest {
    private final Fixture f = new Fixture();
    private final Trust trust = f.single();
    private final byte[] baseImage = "image 1.0.0".repeat(100).getBytes(StandardCharsets.UTF_8);
    private final byte[] image = "image 1.1.0".repeat(100).getBytes(StandardCharsets.UTF_8);
    private final byte[] delta = "delta".getBytes(StandardCharsets.UTF_8);

    private ReleaseManifest manifest(String version, byte[] img, String compatible, Sha256 policy, SigningKey signer) {
        return new ReleaseManifest(Version.parse(version), Version.parse("1.0.0"), compatible, signer.keyId(),
                Artifact.image(Sha256.of(img), img.length), Sha256.of(new byte[1]), policy, List.of(
                        Artifact.full("images/" + version + ".img", Sha256.of(img), img.length),
                        Artifact.delta("deltas/" + version + ".nxdelta", Sha256.of(delta), delta.length,
                                Artifact.image(Sha256.of(baseImage), baseImage.length))));
    }

    private ReleaseManifest manifest() {
        return manifest("1.1.0", image, Fixture.COMPATIBLE, Fixture.POLICY, f.k1);
    }

    private VerifiedRelease verified(ReleaseManifest m) {
        byte[] bytes = m.encode();
        return VerifiedRelease.verify(bytes, Fixture.sign(bytes, f.k1), trust);
    }

    private static void assertCode(Code code, String messageStart, Runnable r) {
        TrialbootException e = assertThrows(TrialbootException.class, r::run);
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith(code + ": " + messageStart), e.getMessage());
    }

    @Test
    void encodesDeterministicallyAndRoundTrips() {
        ReleaseManifest m = manifest();
        assertArrayEquals(m.encode(), manifest().encode());
        assertEquals(m, ReleaseManifest.decode(m.encode()));
    }

    @Test
    void verifiesAndExposesTheValuesTheEngineNeeds() {
        VerifiedRelease r = verified(manifest());
        assertEquals(Version.parse("1.1.0"), r.manifest().version());
        assertEquals(Version.parse("1.0.0"), r.manifest().minVersion());
        assertEquals(Sha256.of(image), r.manifest().image().digest());
        assertEquals("deltas/1.1.0.nxdelta", r.deltaFrom(Sha256.of(baseImage)).path());
        Artifact full = r.full().orElseThrow();
        r.checkArtifact(full, new ByteArrayInputStream(image));
    }

    @Test
    void rejectsWrongCompatible() {
        assertCode(Code.COMPATIBLE_MISMATCH, "release 1.1.0 is for 'other-board', this device is 'trialboot-riscv64-virt'",
                () -> verified(manifest("1.1.0", image, "other-board", Fixture.POLICY, f.k1)));
    }

    @Test
    void rejectsAnotherPolicy() {
        assertCode(Code.POLICY_MISMATCH, "release 1.1.0 expects policy",
                () -> verified(manifest("1.1.0", image, Fixture.COMPATIBLE, Sha256.of(new byte[2]), f.k1)));
    }

    @Test
    void rejectsNamedSignerThatDidNotSign() {
        assertCode(Code.SIGNER_MISMATCH, "release 1.1.0 names signer " + f.k2.keyId(),
                () -> verified(manifest("1.1.0", image, Fixture.COMPATIBLE, Fixture.POLICY, f.k2)));
    }

    @Test
    void rejectsSignatureByRevokedKey() {
        byte[] bytes = manifest().encode();
        assertCode(Code.KEY_REVOKED, "release manifest: key " + f.k3.keyId(),
                () -> VerifiedRelease.verify(bytes, Fixture.sign(bytes, f.k3), trust));
    }

    @Test
    void rejectsManifestArtifactDigestMismatch() {
        VerifiedRelease r = verified(manifest());
        byte[] corrupt = image.clone();
        corrupt[5] ^= 1;
        assertCode(Code.DIGEST_MISMATCH, "artifact images/1.1.0.img has sha256 " + Sha256.of(corrupt),
                () -> r.checkArtifact(r.full().orElseThrow(), new ByteArrayInputStream(corrupt)));
    }

    @Test
    void rejectsArtifactFromAnotherRelease() {
        VerifiedRelease r = verified(manifest());
        // The 1.2.0 image has the same length; only the digest tells them apart.
        byte[] otherImage = "image 1.2.0".repeat(100).getBytes(StandardCharsets.UTF_8);
        assertCode(Code.DIGEST_MISMATCH, "artifact images/1.1.0.img has sha256 " + Sha256.of(otherImage) + ", release 1.1.0 signs",
                () -> r.checkArtifact(r.full().orElseThrow(), new ByteArrayInputStream(otherImage)));
    }

    @Test
    void rejectsTruncatedPayload() {
        VerifiedRelease r = verified(manifest());
        assertCode(Code.SIZE_MISMATCH, "artifact images/1.1.0.img is 1000 bytes, the signed manifest says 1100 (truncated)",
                () -> r.checkArtifact(r.full().orElseThrow(), new ByteArrayInputStream(Arrays.copyOf(image, 1000))));
    }

    @Test
    void stopsReadingAPayloadLongerThanSigned() {
        VerifiedRelease r = verified(manifest());
        assertCode(Code.SIZE_MISMATCH, "artifact images/1.1.0.img is longer than its signed size 1100",
                () -> r.checkArtifact(r.full().orElseThrow(), new ByteArrayInputStream(Arrays.copyOf(image, 5000))));
    }

    @Test
    void rejectsDeltaWhoseBaseIsNotTheActiveSlot() {
        VerifiedRelease r = verified(manifest());
        assertCode(Code.BASE_MISMATCH, "release 1.1.0 has no delta from the active slot's image " + Sha256.of(image).shortHex(),
                () -> r.deltaFrom(Sha256.of(image)));
    }

    @Test
    void rejectsOversizeManifest() {
        byte[] big = new byte[Bounds.MANIFEST_BYTES + 1];
        assertCode(Code.HOST_INPUT_OVERSIZE, "release manifest is 65537 bytes",
                () -> VerifiedRelease.verify(big, Fixture.sign(big, f.k1), trust));
    }

    @Test
    void rejectsOversizeSignature() {
        byte[] bytes = manifest().encode();
        assertCode(Code.HOST_INPUT_OVERSIZE, "release manifest signature is 4097 bytes",
                () -> VerifiedRelease.verify(bytes, new byte[Bounds.SIGNATURE_BYTES + 1], trust));
    }

    @Test
    void rejectsMalformedSignedBytes() {
        byte[] bytes = manifest().encode();
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
        assertCode(Code.CBOR_TRUNCATED, "CBOR: ", () -> VerifiedRelease.verify(truncated, Fixture.sign(truncated, f.k1), trust));
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        assertCode(Code.CBOR_TRAILING_BYTES, "CBOR: 1 bytes follow",
                () -> VerifiedRelease.verify(trailing, Fixture.sign(trailing, f.k1), trust));
        java.util.Map<String, CborValue> fields = new java.util.HashMap<>(((CborValue.CMap) Cbor.decode(bytes)).entries());
        fields.put("version", new CborValue.UInt(110));
        byte[] wrongType = Cbor.encode(new CborValue.CMap(fields));
        assertCode(Code.SCHEMA_VIOLATION, "release manifest field 'version' is not a text string",
                () -> VerifiedRelease.verify(wrongType, Fixture.sign(wrongType, f.k1), trust));
    }

    @Test
    void signsTheVerityParametersAndRefusesATreeThatDoesNotEndWithTheImage() {
        Sha256 salt = Sha256.of(new byte[] {1});
        VerityParams v = new VerityParams("sha256", 4096, 4096, 8192, 8192, salt, Sha256.of(new byte[] {2}));
        SlotImage img = Artifact.image(Sha256.of(image), 8192 + v.treeSize());
        ReleaseManifest m = new ReleaseManifest(Version.parse("1.1.0"), Version.parse("1.0.0"), Fixture.COMPATIBLE,
                f.k1.keyId(), img, Sha256.of(new byte[1]), Fixture.POLICY,
                List.of(Artifact.full("images/x.img", img.digest(), img.size())), Optional.of(v));
        assertEquals(m, ReleaseManifest.decode(m.encode()));
        assertEquals(Optional.of(v), verified(m).manifest().verity());
        assertCode(Code.SCHEMA_VIOLATION, "release manifest: the verity tree (4096 bytes at 8192) does not end where"
                + " the image (8193 bytes) ends", () -> new ReleaseManifest(Version.parse("1.1.0"), Version.parse("1.0.0"),
                        Fixture.COMPATIBLE, f.k1.keyId(), Artifact.image(img.digest(), 8193), Sha256.of(new byte[1]),
                        Fixture.POLICY, List.of(Artifact.full("images/x.img", img.digest(), 8193)), Optional.of(v)));
    }

    @Test
    void rejectsInconsistentManifests() {
        assertCode(Code.SCHEMA_VIOLATION, "release manifest: full artifact images/x.img is not the release image",
                () -> new ReleaseManifest(Version.parse("1.1.0"), Version.parse("1.0.0"), Fixture.COMPATIBLE, f.k1.keyId(),
                        Artifact.image(Sha256.of(image), image.length), Sha256.of(new byte[1]), Fixture.POLICY,
                        List.of(Artifact.full("images/x.img", Sha256.of(baseImage), baseImage.length))));
        assertCode(Code.SCHEMA_VIOLATION, "release manifest: min_version 1.2.0 is above the version 1.1.0",
                () -> new ReleaseManifest(Version.parse("1.1.0"), Version.parse("1.2.0"), Fixture.COMPATIBLE, f.k1.keyId(),
                        Artifact.image(Sha256.of(image), image.length), Sha256.of(new byte[1]), Fixture.POLICY,
                        List.of(Artifact.full("images/x.img", Sha256.of(image), image.length))));
        assertCode(Code.TAR_PATH_TRAVERSAL, "path '../x.img' climbs out",
                () -> Artifact.full("../x.img", Sha256.of(image), image.length));
    }

    /** The sample manifest's bytes with one size set to 0: {@code where} is image, or artifact 0/1, or artifact 1's base. */
    private byte[] zeroSize(String where) {
        java.util.Map<String, CborValue> m = new java.util.HashMap<>(((CborValue.CMap) Cbor.decode(manifest().encode())).entries());
        List<CborValue> arts = new java.util.ArrayList<>(((CborValue.Array) m.get("artifacts")).items());
        switch (where) {
            case "image" -> m.put("image", zero((CborValue.CMap) m.get("image")));
            case "full" -> arts.set(0, zero((CborValue.CMap) arts.get(0)));
            case "delta" -> arts.set(1, zero((CborValue.CMap) arts.get(1)));
            default -> {
                java.util.Map<String, CborValue> d = new java.util.HashMap<>(((CborValue.CMap) arts.get(1)).entries());
                d.put("base", zero((CborValue.CMap) d.get("base")));
                arts.set(1, new CborValue.CMap(d));
            }
        }
        m.put("artifacts", new CborValue.Array(arts));
        return Cbor.encode(new CborValue.CMap(m));
    }

    private static CborValue zero(CborValue.CMap map) {
        java.util.Map<String, CborValue> e = new java.util.HashMap<>(map.entries());
        e.put("size", new CborValue.UInt(0));
        return new CborValue.CMap(e);
    }

    @Test
    void rejectsAZeroSizeImageArtifactOrDeltaBaseInAValidlySignedManifest() {
        String[][] cases = {{"image", "image size must not be 0"}, {"full", "full artifact size must not be 0"},
                {"delta", "delta artifact size must not be 0"}, {"base", "image size must not be 0"}};
        for (String[] c : cases) {
            byte[] bytes = zeroSize(c[0]);
            assertCode(Code.SCHEMA_VIOLATION, c[1], () -> VerifiedRelease.verify(bytes, Fixture.sign(bytes, f.k1), trust));
        }
        assertCode(Code.SCHEMA_VIOLATION, "delta artifact size must not be 0",
                () -> Artifact.delta("d.nxdelta", Sha256.of(delta), 0, Artifact.image(Sha256.of(image), image.length)));
    }
}
