package io.trialboot.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.records.HostStatus;
import io.trialboot.records.UpdateReceipt;
import io.trialboot.records.UpdateReceipt.Decision;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
import io.trialboot.verity.VerityTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signed dm-verity root hash in the records: the receipt and the slot's snapshot record name it,
 * {@code selfcheck} shows it, and {@code selfcheck --deep} recomputes it from the slot's data and
 * reports {@code VERITY_ROOT_MISMATCH} when one data byte is flipped, {@code VERITY_TREE_MISMATCH}
 * when a byte of the tree is.
 */
class VerityRecordsTest {
    @TempDir
    Path dir;
    Rig rig;
    UpdateEngine engine;
    VerityParams verity;
    byte[] image;

    @BeforeEach
    void installAReleaseWhoseImageCarriesItsTree() throws IOException {
        rig = new Rig(dir);
        engine = rig.engine();
        engine.onBoot();
        assertTrue(engine.selfcheck(false).ok(), "the precheck an install needs");
        ByteArrayOutputStream tree = new ByteArrayOutputStream();
        verity = VerityTree.build(new ByteArrayInputStream(rig.v2), rig.v2.length, rig.v2.length, VerityImage.SALT, tree);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        whole.writeBytes(rig.v2);
        tree.writeTo(whole);
        image = whole.toByteArray();
        InstallPlan full = Rig.full("1.1.0", image);
        InstallPlan plan = Rig.keeping(InstallPlan.full(full.releaseId(), full.version(), full.minVersion(),
                full.target(), Optional.of(verity)), image);
        UpdateReceipt allowed = engine.admit(plan, "manifest", new byte[] {1});
        assertEquals(Decision.ALLOW, allowed.decision(), allowed.toString());
        engine.switchSlot(engine.apply(allowed, plan, new ByteArrayInputStream(image)));
    }

    /** A plan that signs a tree but keeps no manifest would leave a slot stage 0 cannot map: refused before any write. */
    @Test
    void aPlanWithATreeButNoKeptManifestIsRefusedWithItsCode() throws IOException {
        UpdateEngine engine = new Rig(Files.createDirectories(dir.resolve("fresh"))).engine();
        engine.onBoot();
        assertTrue(engine.selfcheck(false).ok(), "the precheck an install needs");
        InstallPlan unkept = InstallPlan.full("rel-1.2.0", Version.parse("1.2.0"), Rig.ANY, Rig.image(image),
                Optional.of(verity));
        UpdateReceipt allowed = engine.admit(unkept, "manifest", new byte[] {1});
        assertEquals(Decision.ALLOW, allowed.decision(), allowed.toString());
        BootControlFile before = engine.bootControl().read();
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> engine.apply(allowed, unkept, new ByteArrayInputStream(image)));
        assertEquals(Code.SLOT_UNVERIFIABLE, e.code(), e.getMessage());
        assertEquals(before, engine.bootControl().read(), "boot control untouched: the slot was not even marked invalid");
    }

    @Test
    void theReceiptAndTheSnapshotRecordNameTheSignedRootHash() {
        assertEquals(verity.rootHash().hex(), engine.receipts().list().get(0).verityRootHash());
        assertEquals(Optional.of(verity), rig.tree().system().snapshot(Slot.B).orElseThrow().verity());
        assertEquals(Optional.empty(), rig.tree().system().snapshot(Slot.A).orElseThrow().verity());
        assertEquals(Version.parse("1.1.0"), rig.tree().system().snapshot(Slot.B).orElseThrow().version());
    }

    @Test
    void selfcheckShowsEachSlotsRootAndDeepRecomputesIt() {
        HostStatus shallow = engine.selfcheck(false);
        assertTrue(shallow.ok(), shallow.failures().toString());
        assertEquals(List.of("slot a: no verity root hash (its image carries no tree)",
                "slot b: verity root hash " + verity.rootHash().hex() + " (signed)"), shallow.checked());
        HostStatus deep = engine.selfcheck(true);
        assertTrue(deep.ok(), deep.failures().toString());
        assertEquals("slot b: verity root hash " + verity.rootHash().hex() + ", recomputed from the slot's data: equal",
                deep.checked().get(1), "and the tree on the slot is that data's");
    }

    @Test
    void aFlippedDataByteIsAVerityRootMismatch() {
        flip(rig.devices.get(Slot.B), 5 * VerityParams.BLOCK_SIZE + 17);
        assertTrue(engine.selfcheck(false).ok(), "the shallow check reads no slot data");
        HostStatus deep = engine.selfcheck(true);
        assertFalse(deep.ok());
        assertEquals(1, deep.failures().size(), deep.failures().toString());
        assertTrue(deep.failures().get(0).startsWith("slot b: VERITY_ROOT_MISMATCH: "), deep.failures().toString());
        assertTrue(deep.failures().get(0).endsWith("the signed one is " + verity.rootHash().hex()), deep.failures().toString());
        assertEquals(1, deep.checked().size(), "slot b's root is not reported as checked");
    }

    @Test
    void aFlippedTreeByteIsAVerityTreeMismatch() {
        flip(rig.devices.get(Slot.B), rig.v2.length + 3);
        HostStatus deep = engine.selfcheck(true);
        assertEquals(1, deep.failures().size(), deep.failures().toString());
        assertTrue(deep.failures().get(0).startsWith("slot b: VERITY_TREE_MISMATCH: "), deep.failures().toString());
    }

    @Test
    void aSlotWithoutATreeIsReHashedAgainstItsDigest() {
        flip(rig.devices.get(Slot.A), 100);
        HostStatus deep = engine.selfcheck(true);
        assertEquals(1, deep.failures().size(), deep.failures().toString());
        assertTrue(deep.failures().get(0).startsWith("slot a: APPLY_DIGEST_MISMATCH: "), deep.failures().toString());
    }

    private static void flip(MemoryBlockDevice device, long offset) {
        ByteBuffer one = ByteBuffer.allocate(1);
        device.read(offset, one);
        one.flip();
        one.put(0, (byte) (one.get(0) ^ 1));
        device.write(offset, one);
        device.sync();
    }
}
