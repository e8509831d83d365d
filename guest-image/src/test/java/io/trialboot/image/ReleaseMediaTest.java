package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.Artifact;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.Trust;
import io.trialboot.verified.VerifiedRelease;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole fixture pipeline on small fake slot images: releases, delta, feed, hostile inputs, host check. */
class ReleaseMediaTest {
    static final long SLOT_BYTES = 1 << 20;
    @TempDir
    Path dir;
    Path state;
    Path updates;
    ReleaseMedia.Inputs in;
    List<String> log = new java.util.ArrayList<>();

    @BeforeEach
    void buildFixtures() throws Exception {
        in = SmallFixtures.inputs(dir);
        state = SmallFixtures.factoryState(in, dir.resolve("state"));
        updates = dir.resolve("media/updates");
        ReleaseMedia.write(updates, in, log::add);
        for (HostileCorpus.Case h : HostileCorpus.inGuest()) {
            h.write(updates, in);
        }
    }

    FixtureCheck check() {
        return new FixtureCheck(state, updates, in.image(Fixture.FACTORY), SLOT_BYTES, dir.resolve("check"));
    }

    /** The media's paths the ITs name (ReleaseMedia's, RogueRoot's) are where the build writes the files. */
    @Test
    void thePublicMediaPathsNameTheWrittenFiles() {
        RogueRoot.write(updates, in);
        List<String> signed = List.of(ReleaseMedia.manifestPath(Fixture.HEALTHY.version()),
                ReleaseMedia.manifestPath(Fixture.NEVER_READY.version()), ReleaseMedia.manifestPath(Fixture.CRASHING.version()),
                RogueRoot.ADMISSION, RogueRoot.MANIFEST);
        for (String p : signed) {
            assertTrue(Files.isRegularFile(updates.resolve(p)) && Files.isRegularFile(SignatureFile.beside(updates.resolve(p))), p);
        }
        for (String p : List.of(ReleaseMedia.fullPath(Fixture.HEALTHY.version()), ReleaseMedia.fullPath(Fixture.CRASHING.version()),
                ReleaseMedia.deltaPath(Fixture.NEVER_READY.version(), Fixture.HEALTHY.version()), RogueRoot.KEY, RogueRoot.image())) {
            assertTrue(Files.isRegularFile(updates.resolve(p)), p);
        }
        assertEquals("releases/1.1.0/slot.img", RogueRoot.image());
        assertEquals("rogue-root/manifest.nxm", RogueRoot.MANIFEST);
    }

    @Test
    void goodReleasesAreAllowedAndEachGuestCaseOfTheCorpusGetsItsOwnCode() {
        List<String> report = check().run(in);
        List<HostileCorpus.Case> guest = HostileCorpus.inGuest();
        assertEquals(3 + guest.size(), report.size(), report.toString());
        assertTrue(report.get(0).startsWith("v1.1.0 ALLOW: [full releases/1.1.0/slot.img"), report.get(0));
        assertTrue(report.get(1).startsWith("v1.2.0 ALLOW: [delta releases/1.2.0/from-1.1.0.nxdelta"), report.get(1));
        assertEquals(guest.stream().map(h -> h.id() + " DENY " + h.expected()).toList(), report.subList(3, report.size()));
        assertTrue(report.contains("endless-full DENY APPLY_SIZE_MISMATCH"), "the check reaches the apply: " + report);
        assertTrue(log.get(0).startsWith("delta 1.1.0 -> 1.2.0: "), log.toString());
    }

    @Test
    void eachHostileDirectorySaysWhatItIsAndItsExpectedCode() throws Exception {
        for (HostileCorpus.Case h : HostileCorpus.inGuest()) {
            Path d = updates.resolve("hostile/" + h.id());
            assertTrue(Files.readString(d.resolve(HostileCorpus.CASE_FILE)).contains("\nexpected=" + h.expected() + "\n"),
                    h.id());
            String readme = Files.readString(d.resolve("README"));
            assertTrue(readme.startsWith(h.id() + ": ") && readme.endsWith("; expected " + h.expected() + "\n"), readme);
            assertTrue(Files.isRegularFile(d.resolve("manifest.nxm.sig")), h.id());
        }
        assertEquals(65_537, Files.size(updates.resolve("hostile/oversize/manifest.nxm")));
    }

    @Test
    void theDeltaReleaseInstallsOnlyOverTheHealthyRelease() {
        VerifiedRelease r = VerifiedRelease.load(updates.resolve("releases/1.2.0/manifest.nxm"),
                Trust.load(state, HostStateTree.SYSTEM_DOMAIN));
        assertTrue(r.full().isEmpty());
        Artifact delta = r.deltaFrom(FileDigests.sha256(in.image(Fixture.HEALTHY)));
        assertEquals("releases/1.2.0/from-1.1.0.nxdelta", delta.path());
        assertEquals(Fixture.HEALTHY.version(), r.manifest().minVersion());
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> r.deltaFrom(FileDigests.sha256(in.image(Fixture.FACTORY))));
        assertEquals(Code.BASE_MISMATCH, e.code());
    }

    @Test
    void aHostileInputThatStopsBeingRefusedFailsTheBuild() throws Exception {
        // A stale fixture: the revoked-key case now holds the good v1.1.0 release.
        Path good = updates.resolve("releases/1.1.0/manifest.nxm");
        Path bad = updates.resolve("hostile/revoked-key/manifest.nxm");
        Files.copy(good, bad, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(good.resolveSibling("manifest.nxm.sig"), bad.resolveSibling("manifest.nxm.sig"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ImageBuildException e = assertThrows(ImageBuildException.class, () -> check().run(in));
        assertEquals("hostile input hostile/revoked-key/manifest.nxm is answered with HOST_OK, not the expected"
                + " KEY_REVOKED (" + HostileCorpus.ALL.stream().filter(h -> h.id().equals("revoked-key")).findFirst()
                        .orElseThrow().what() + ")", e.getMessage());
    }

    @Test
    void aCorruptedArtifactOnTheMediaFailsTheBuild() throws Exception {
        Path image = updates.resolve("releases/1.3.0/slot.img");
        Files.delete(image); // the media holds a link to the build's image: replace it, do not write through it
        byte[] bytes = Files.readAllBytes(in.image(Fixture.CRASHING));
        bytes[7] ^= 1;
        Files.write(image, bytes);
        TrialbootException e = assertThrows(TrialbootException.class, () -> check().run(in));
        assertEquals(Code.DIGEST_MISMATCH, e.code());
    }
}
