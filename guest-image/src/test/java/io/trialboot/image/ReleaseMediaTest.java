package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.Artifact;
import io.trialboot.format.VerifiedRelease;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.trust.Trust;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
        FixtureKeys keys = FixtureKeys.generate(dir.resolve("keys"));
        Sha256 policy = Sha256.of("policy".getBytes(StandardCharsets.UTF_8));
        Map<Fixture, Path> images = new LinkedHashMap<>();
        Map<Fixture, Path> sets = new LinkedHashMap<>();
        byte[] image = new byte[96 * 1024];
        new Random(5).nextBytes(image);
        for (Fixture f : Fixture.ALL) {
            sets.put(f, f.systemSet(new byte[] {1, 2, 3}, keys.release(), dir.resolve("system/" + f.version())));
            byte[] v = image.clone();
            v[1000 * Fixture.ALL.indexOf(f)] ^= 0x55; // each release's image differs a little from the others
            images.put(f, Files.write(dir.resolve(f.imageName()), v));
        }
        state = Files.createDirectories(dir.resolve("state"));
        Path factory = images.get(Fixture.FACTORY);
        FactoryState.write(state, "test-host", keys, policy, Fixture.FACTORY.version(), DebianPackages.sha256(factory),
                Files.size(factory));
        in = new ReleaseMedia.Inputs(images, sets, keys, policy);
        updates = dir.resolve("media/updates");
        ReleaseMedia.write(updates, in, log::add);
        for (HostileCorpus.Case h : HostileCorpus.inGuest()) {
            h.write(updates, in);
        }
    }

    FixtureCheck check() {
        return new FixtureCheck(state, updates, in.image(Fixture.FACTORY), SLOT_BYTES, dir.resolve("check"));
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
        Artifact delta = r.deltaFrom(DebianPackages.sha256(in.image(Fixture.HEALTHY)));
        assertEquals("releases/1.2.0/from-1.1.0.nxdelta", delta.path());
        assertEquals(Fixture.HEALTHY.version(), r.manifest().minVersion());
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> r.deltaFrom(DebianPackages.sha256(in.image(Fixture.FACTORY))));
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
