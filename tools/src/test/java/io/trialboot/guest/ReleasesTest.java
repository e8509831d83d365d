package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.device.SlotImage;
import io.trialboot.format.Artifact;
import io.trialboot.format.ReleaseManifest;
import io.trialboot.trust.Fixture;
import io.trialboot.trust.KeyId;
import io.trialboot.verified.VerifiedRelease;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Binding a verified release to the engine: which artifact, which digests. */
class ReleasesTest {
    static Sha256 h(String s) {
        return Sha256.of(s.getBytes(StandardCharsets.UTF_8));
    }

    static final Sha256 IMAGE = h("image 1.2.0");
    static final Sha256 BASE = h("image 1.1.0");
    static final Artifact FULL = Artifact.full("releases/1.2.0/slot.img", IMAGE, 4096);
    static final Artifact DELTA = Artifact.delta("releases/1.2.0/from-1.1.0.nxdelta", h("delta"), 300,
            Artifact.image(BASE, 4096));

    static VerifiedRelease release(Artifact... artifacts) {
        KeyId signer = Fixture.key().keyId();
        ReleaseManifest m = new ReleaseManifest(Version.parse("1.2.0"), Version.parse("1.0.0"), Fixture.COMPATIBLE,
                signer, Artifact.image(IMAGE, 4096), h("index"), Fixture.POLICY, List.of(artifacts));
        return new VerifiedRelease(m, h("manifest"), Set.of(signer));
    }

    @Test
    void aDeltaFromTheActiveImageIsPreferredAndCarriesItsBase() {
        Releases.Chosen c = Releases.choose(release(FULL, DELTA), Optional.of(BASE));
        assertEquals(DELTA, c.artifact());
        assertEquals(io.trialboot.update.InstallPlan.Kind.DELTA, c.release().kind());
        assertEquals(Optional.of(new SlotImage(BASE, 4096)), c.release().base());
        assertEquals(new SlotImage(IMAGE, 4096), c.release().target());
        assertEquals(new SlotImage(h("delta"), 300), c.release().artifact());
        assertTrue(c.release().releaseId().startsWith("rel-1.2.0@"), c.release().releaseId());
    }

    @Test
    void theFullImageWhenNoDeltaAppliesOrTheActiveImageIsUnknown() {
        assertEquals(FULL, Releases.choose(release(FULL, DELTA), Optional.of(h("other"))).artifact());
        assertEquals(FULL, Releases.choose(release(FULL, DELTA), Optional.empty()).artifact());
        assertEquals(io.trialboot.update.InstallPlan.Kind.FULL,
                Releases.choose(release(FULL), Optional.of(BASE)).release().kind());
    }

    @Test
    void aDeltaOnlyReleaseForAnotherBaseIsABaseMismatch() {
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> Releases.choose(release(DELTA), Optional.of(h("other"))));
        assertEquals(Code.BASE_MISMATCH, e.code());
        assertEquals(Code.BASE_MISMATCH, assertThrows(TrialbootException.class,
                () -> Releases.choose(release(DELTA), Optional.empty())).code());
    }
}
