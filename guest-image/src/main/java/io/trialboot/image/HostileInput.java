package io.trialboot.image;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Version;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.Signed;
import io.trialboot.trust.SignatureFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The hostile inputs on the update media, one directory each under {@code updates/hostile/<case>/}
 * holding {@code manifest.nxm} (+ {@code .sig}), {@code README} (one line: what it is, and the code
 * the device must answer) and {@code expected-code}. Artifacts they name are the good releases'
 * files (paths relative to {@code updates/}), except the wrong-base delta, which is its own.
 * {@link FixtureCheck} proves on the host, at every build, that the real verification code refuses
 * each one with exactly its expected code.
 */
enum HostileInput {
    BAD_SIGNATURE("bad-signature", Code.SIG_INVALID,
            "v1.1.0's manifest with one bit of its test-release-1 signature flipped"),
    REVOKED_KEY("revoked-key", Code.KEY_REVOKED,
            "v1.1.0's release signed by test-release-revoked, which the admission record revokes"),
    DOWNGRADE("downgrade", Code.UPDATE_VERSION_FLOOR,
            "a validly signed v0.9.0 full release, below the anti-rollback floor 1.0.0 (refused by the engine's admit)"),
    OVERSIZE("oversize", Code.HOST_INPUT_OVERSIZE,
            "a manifest of " + (Bounds.MANIFEST_BYTES + 1) + " bytes, one over the manifest bound, validly signed"),
    WRONG_BASE("wrong-base", Code.BASE_MISMATCH,
            "a delta-only v1.2.0 release made from v1.3.0's image, which is never the active slot's"),
    WRONG_COMPATIBLE("wrong-compatible", Code.COMPATIBLE_MISMATCH,
            "v1.1.0's release for device class trialboot-arm64-virt");

    static final String DIR = "hostile";
    static final String MANIFEST = "manifest.nxm";
    static final String WRONG_BASE_DELTA = "from-1.3.0.nxdelta";
    static final String OTHER_COMPATIBLE = "trialboot-arm64-virt";
    static final Version DOWNGRADE_VERSION = Version.parse("0.9.0");

    final String dirName;
    final Code expected;
    final String what;

    HostileInput(String dirName, Code expected, String what) {
        this.dirName = dirName;
        this.expected = expected;
        this.what = what;
    }

    /** Relative to {@code updates/}. */
    String manifestPath() {
        return DIR + "/" + dirName + "/" + MANIFEST;
    }

    String readme() {
        return dirName + ": " + what + "; expected " + expected + "\n";
    }

    /** Writes this case's manifest and signature under {@code updates}. */
    void write(Path updates, ReleaseMedia.Inputs in) {
        Path manifest = updates.resolve(manifestPath());
        Optional<String> healthyFull = Optional.of(ReleaseMedia.fullPath(Fixture.HEALTHY.version()));
        Version factory = Fixture.FACTORY.version();
        Signed signed = switch (this) {
            case BAD_SIGNATURE -> {
                Signed good = ReleaseMedia.release(in, Fixture.HEALTHY, factory, healthyFull, List.of());
                SignatureFile.Entry e = SignatureFile.decode(good.signature()).signatures().get(0);
                byte[] sig = e.signature();
                sig[sig.length - 1] ^= 1;
                yield new Signed(good.content(), new SignatureFile(List.of(new SignatureFile.Entry(e.key(), sig))).encode());
            }
            case REVOKED_KEY -> Packaging.release(input(in, Fixture.HEALTHY, factory, FactoryState.COMPATIBLE,
                    healthyFull, List.of()), List.of(in.keys().revoked()));
            case DOWNGRADE -> Packaging.release(new Packaging.ReleaseInput(DOWNGRADE_VERSION, DOWNGRADE_VERSION,
                    FactoryState.COMPATIBLE, Packaging.systemIndexDigest(in.systemSet(Fixture.HEALTHY)), in.policy(),
                    in.image(Fixture.HEALTHY), healthyFull, List.of()), List.of(in.keys().release()));
            case OVERSIZE -> {
                byte[] good = ReleaseMedia.release(in, Fixture.HEALTHY, factory, healthyFull, List.of()).content();
                byte[] big = Arrays.copyOf(good, Bounds.MANIFEST_BYTES + 1);
                yield new Signed(big, Packaging.sign(big, List.of(in.keys().release())));
            }
            case WRONG_BASE -> {
                Path delta = manifest.resolveSibling(WRONG_BASE_DELTA);
                ReleaseMedia.makeDelta(in.image(Fixture.CRASHING), in.image(Fixture.NEVER_READY), delta);
                yield ReleaseMedia.release(in, Fixture.NEVER_READY, factory, Optional.empty(),
                        List.of(new Packaging.DeltaInput(delta, DIR + "/" + dirName + "/" + WRONG_BASE_DELTA,
                                in.image(Fixture.CRASHING))));
            }
            case WRONG_COMPATIBLE -> Packaging.release(input(in, Fixture.HEALTHY, factory, OTHER_COMPATIBLE,
                    healthyFull, List.of()), List.of(in.keys().release()));
        };
        signed.writeTo(manifest);
        ReleaseMedia.writeText(manifest.resolveSibling("README"), readme());
        ReleaseMedia.writeText(manifest.resolveSibling("expected-code"), expected + "\n");
    }

    private static Packaging.ReleaseInput input(ReleaseMedia.Inputs in, Fixture f, Version minVersion, String compatible,
            Optional<String> fullPath, List<Packaging.DeltaInput> deltas) {
        return new Packaging.ReleaseInput(f.version(), minVersion, compatible,
                Packaging.systemIndexDigest(in.systemSet(f)), in.policy(), in.image(f), fullPath, deltas);
    }
}
