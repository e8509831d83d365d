package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.hoststate.DomainState;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.tools.Packaging;
import io.trialboot.trust.Trust;
import io.trialboot.trust.WitnessMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactoryStateTest {
    @TempDir
    static Path dir;
    static FixtureKeys keys;
    static Path state;
    static final Sha256 POLICY = Sha256.of("policy".getBytes(StandardCharsets.UTF_8));
    static final Sha256 IMAGE = Sha256.of("factory image".getBytes(StandardCharsets.UTF_8));

    @BeforeAll
    static void writeState() throws Exception {
        keys = FixtureKeys.generate(dir.resolve("keys"));
        state = Files.createDirectories(dir.resolve("state"));
        FactoryState.write(state, "test-host", keys, POLICY, Version.parse("1.0.0"), IMAGE, 4096);
    }

    @Test
    void trustLoadsFromTheStateTreeAsTheGuestDoes() {
        Trust trust = Trust.load(state, HostStateTree.SYSTEM_DOMAIN);
        assertEquals(FactoryState.COMPATIBLE, trust.admission().compatible());
        assertEquals(POLICY, trust.admission().policy());
        assertEquals(WitnessMode.SINGLE, trust.admission().witness());
        assertEquals(List.of(keys.release().keyId()), List.copyOf(trust.admission().keys().keySet()));
        assertEquals(List.of(keys.revoked().keyId()), List.copyOf(trust.admission().revoked()));
        assertTrue(Files.isRegularFile(state.resolve(Trust.ROOTS_DIR).resolve(FixtureKeys.ROOT + ".pub")));
    }

    @Test
    void releaseKeySignaturesAreAcceptedAndTheRevokedKeysAreNot() {
        Trust trust = Trust.load(state, HostStateTree.SYSTEM_DOMAIN);
        byte[] content = "a manifest".getBytes(StandardCharsets.UTF_8);
        assertEquals(java.util.Set.of(keys.release().keyId()),
                trust.verify("test", content, Packaging.sign(content, List.of(keys.release()))));
        TrialbootException revoked = assertThrows(TrialbootException.class,
                () -> trust.verify("test", content, Packaging.sign(content, List.of(keys.revoked()))));
        assertEquals(Code.KEY_REVOKED, revoked.code());
        TrialbootException root = assertThrows(TrialbootException.class,
                () -> trust.verify("test", content, Packaging.sign(content, List.of(keys.root()))));
        assertEquals(Code.KEY_NOT_ADMITTED, root.code());
    }

    @Test
    void domainIsAdmittedAndTheFactoryImageIsSlotAsSnapshot() {
        HostStateTree tree = HostStateTree.open(state);
        assertEquals(DomainState.FULL, tree.system().descriptor().state());
        assertEquals(keys.root().keyId().hex(), tree.system().descriptor().rootKeyFingerprint());
        var snapshot = tree.system().snapshot(Slot.A).orElseThrow();
        assertEquals(Version.parse("1.0.0"), snapshot.version());
        assertEquals(IMAGE, snapshot.imageDigest());
        assertEquals(4096, snapshot.imageSize());
        assertTrue(tree.system().snapshot(Slot.B).isEmpty());
    }

    @Test
    void keysAreWrittenWithPrivateKeysOwnerOnly() throws Exception {
        for (String f : FixtureKeys.FILES) {
            assertTrue(Files.isRegularFile(dir.resolve("keys").resolve(f)), f);
        }
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("keys/" + FixtureKeys.RELEASE + ".key"))));
    }
}
