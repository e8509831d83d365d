package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trialboot.core.Sha256;
import io.trialboot.core.Version;
import io.trialboot.format.Bundle;
import io.trialboot.format.BundleManifest;
import io.trialboot.format.SystemSet;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.trust.Trust;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FixtureTest {
    @TempDir
    static Path dir;
    static FixtureKeys keys;
    static Trust trust;
    static final byte[] PAYLOAD = "not really a jar".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void trust() throws Exception {
        keys = FixtureKeys.generate(dir.resolve("keys"));
        Path state = Files.createDirectories(dir.resolve("state"));
        FactoryState.write(state, "test-host", keys, Sha256.of(new byte[0]), Version.parse("1.0.0"),
                Sha256.of(new byte[1]), 1);
        trust = Trust.load(state, HostStateTree.SYSTEM_DOMAIN);
    }

    @Test
    void everyReleaseShipsHelloWithItsBehaviour() {
        assertEquals(List.of("1.0.0", "1.1.0", "1.2.0", "1.3.0"),
                Fixture.ALL.stream().map(f -> f.version().toString()).toList());
        assertEquals(List.of("--ready", "--ready", "--never-ready", "--crash"),
                Fixture.ALL.stream().map(Fixture::helloArgument).toList());
        assertEquals("io.trialboot.demo.HelloService --never-ready", Fixture.NEVER_READY.startCommand());
        assertEquals(List.of("slot-a.img", "slot-1.1.0.img"), List.of(Fixture.FACTORY.imageName(),
                Fixture.HEALTHY.imageName()));
    }

    @Test
    void systemSetVerifiesAgainstTheFactoryTrustAndHoldsHello() throws Exception {
        Path nxs = Fixture.CRASHING.systemSet(PAYLOAD, keys.release(), dir.resolve("crashing"));
        SystemSet.Verified v = SystemSet.verifyAndExtract(nxs, trust, Files.createDirectories(dir.resolve("out")));
        assertEquals(Version.parse("1.3.0"), v.index().version());
        assertEquals(List.of("hello"), v.bundles().stream().map(b -> b.name()).toList());
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        BundleManifest m = Bundle.read(Files.newInputStream(dir.resolve("out/hello.nxb")), payload);
        assertEquals("io.trialboot.demo.HelloService --crash", m.start());
        assertEquals(Version.parse("1.3.0"), m.version());
        assertEquals(new String(PAYLOAD, StandardCharsets.UTF_8), payload.toString(StandardCharsets.UTF_8));
    }

    @Test
    void systemSetSignedByTheRevokedKeyIsRefused() {
        Path nxs = Fixture.HEALTHY.systemSet(PAYLOAD, keys.revoked(), dir.resolve("revoked"));
        var e = assertThrows(io.trialboot.core.TrialbootException.class, () -> SystemSet.verify(nxs, trust));
        assertEquals(io.trialboot.core.Code.KEY_REVOKED, e.code());
    }

    @Test
    void unknownBundleBehaviourIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Fixture(Version.parse("2.0.0"), "--slow"));
        assertEquals("hello takes --ready, --never-ready or --crash, not --slow", e.getMessage());
    }
}
