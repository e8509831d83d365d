package io.trialboot.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.delta.BaseImage;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.ForwardingDevice;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.device.SlotDevices;
import io.trialboot.device.SlotImage;
import io.trialboot.format.Artifact;
import io.trialboot.format.ReleaseManifest;
import io.trialboot.trust.KeyId;
import io.trialboot.verity.VerityParams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base a delta applies to (#17): the raw slot where it is not mapped; where it is, the mapping,
 * proven by the slot's kept manifest, with the signed tree on the raw slot. A mapping the kept
 * manifest does not describe is refused before anything is read from it, and closed.
 */
class ActiveBaseTest {
    private static final long DATA = 4 * VerityParams.BLOCK_SIZE;
    private static final Sha256 SALT = Sha256.of(new byte[] {1});

    @TempDir
    Path state;

    private final Tracked raw = new Tracked(DATA + VerityParams.BLOCK_SIZE);

    @Test
    void aSlotThatIsNotMappedIsReadRawAndHashed() {
        try (BaseImage base = ActiveBase.open((slot, writable) -> raw, state, Slot.A)) {
            assertSame(raw, base.device());
            assertEquals(Optional.empty(), base.signed());
            assertEquals(Optional.empty(), base.tree());
        }
    }

    @Test
    void aMappedSlotIsProvenByItsKeptManifestAndItsTreeIsTheRawSlots() throws IOException {
        VerityParams verity = VerityParams.of(DATA, SALT, Sha256.of(new byte[] {2}));
        ReleaseManifest kept = keep(Slot.B, Optional.of(verity));
        Tracked mapping = new Tracked(DATA);
        try (BaseImage base = ActiveBase.open(mapped(Slot.B, mapping), state, Slot.B)) {
            assertSame(mapping, base.device());
            assertEquals(Optional.of(kept.image()), base.signed());
            assertSame(raw, base.tree().orElseThrow().raw());
            assertEquals(verity, base.tree().orElseThrow().signed());
        }
    }

    @Test
    void aMappedSlotWithoutAKeptManifestIsUnverifiableAndTheMappingClosed() {
        Tracked mapping = new Tracked(DATA);
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> ActiveBase.open(mapped(Slot.A, mapping), state, Slot.A));
        assertEquals(Code.SLOT_UNVERIFIABLE, e.code());
        assertTrue(e.detail().startsWith("slot a is mapped through dm-verity but its kept manifest "), e.getMessage());
        assertTrue(mapping.closed);
    }

    @Test
    void aKeptManifestThatSignsNoTreeRightAfterTheDataIsUnverifiable() throws IOException {
        keep(Slot.A, Optional.empty());
        assertRefused(Code.SLOT_UNVERIFIABLE, new Tracked(DATA),
                "slot a is mapped through dm-verity but its kept manifest signs no verity tree right after the data");
        long gap = DATA + VerityParams.BLOCK_SIZE;
        keep(Slot.A, Optional.of(new VerityParams("sha256", VerityParams.BLOCK_SIZE, VerityParams.BLOCK_SIZE, DATA, gap,
                SALT, Sha256.of(new byte[] {2}))));
        assertRefused(Code.SLOT_UNVERIFIABLE, new Tracked(DATA),
                "slot a is mapped through dm-verity but its kept manifest signs no verity tree right after the data");
    }

    @Test
    void aMappingOfAnotherSizeIsNotTheKeptManifestsAndNothingIsRead() throws IOException {
        keep(Slot.A, Optional.of(VerityParams.of(DATA, SALT, Sha256.of(new byte[] {2}))));
        Tracked mapping = new Tracked(DATA + VerityParams.BLOCK_SIZE);
        assertRefused(Code.DELTA_BASE_MISMATCH, mapping, "the dm-verity mapping of slot a (");
        assertEquals(0, mapping.reads);
        assertEquals(0, raw.reads);
    }

    private void assertRefused(Code code, Tracked mapping, String messageStart) {
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> ActiveBase.open(mapped(Slot.A, mapping), state, Slot.A));
        assertEquals(code, e.code());
        assertTrue(e.detail().startsWith(messageStart), e.getMessage());
        assertTrue(mapping.closed, "the mapping is closed");
        assertFalse(raw.closed, "the raw slot was never opened for the base");
    }

    private SlotDevices mapped(Slot which, Tracked mapping) {
        return new SlotDevices() {
            @Override
            public BlockDevice open(Slot slot, boolean writable) {
                return raw;
            }

            @Override
            public Optional<BlockDevice> mapped(Slot slot) {
                return slot == which ? Optional.of(mapping) : Optional.empty();
            }
        };
    }

    /** Writes a manifest where the engine keeps {@code slot}'s, its image the data and the tree after it. */
    private ReleaseManifest keep(Slot slot, Optional<VerityParams> verity) throws IOException {
        long size = verity.map(v -> v.treeOffset() + v.treeSize()).orElse(DATA);
        SlotImage image = Artifact.image(Sha256.of(new byte[] {3}), size);
        ReleaseManifest m = new ReleaseManifest(Version.parse("1.1.0"), Version.parse("1.0.0"), "trialboot-test",
                new KeyId(new byte[8]), image, Sha256.of(new byte[] {4}), Sha256.of(new byte[] {5}),
                List.of(Artifact.full("images/1.1.0.img", image.digest(), image.size())), verity);
        Path file = SlotManifests.manifest(state, slot);
        Files.createDirectories(file.getParent());
        Files.write(file, m.encode());
        return m;
    }

    /** A device in memory that counts reads and remembers being closed. */
    private static final class Tracked extends ForwardingDevice {
        int reads;
        boolean closed;

        Tracked(long size) {
            super(new MemoryBlockDevice((int) size));
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
            reads++;
            super.read(offset, dst);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
