package io.trialboot.update;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Code;
import io.trialboot.core.FastStateWriter;
import io.trialboot.core.PowerCuts;
import io.trialboot.core.PowerCuts.Faults;
import io.trialboot.core.PowerCuts.PowerCut;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.MemoryBlockDevice;
import io.trialboot.hoststate.SlotSnapshot;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HostStatus;
import io.trialboot.records.UpdateReceipt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cuts the power at every I/O point of a whole update (admit, apply, switch, reboot, trial boot,
 * confirm): at the Nth state-file step ({@link PowerCuts}: a half-written temp file left behind, as
 * a cut inside the durable write would; half a history line appended; half an append intent over
 * the last) or the Nth slot write or fsync (dropping unsynced slot writes).
 * After each cut the device reboots; it must boot a verified slot with consistent boot control and
 * an intact log chain, and a retried update must then go all the way to a confirmed slot b. Every
 * slot stage 0 may boot (verified or good) must have the signed manifest of the image it holds kept
 * beside it ({@link SlotManifests}): stage 0 verifies a slot only from that.
 */
class PowerCutTest {
    @TempDir
    Path base;

    private static BlockDevice faulty(MemoryBlockDevice d, Faults f) {
        return new BlockDevice() {
            public long size() { return d.size(); }
            public void read(long offset, ByteBuffer dst) { d.read(offset, dst); }
            public void write(long offset, ByteBuffer src) {
                if (f.due()) {
                    throw new PowerCut(f.count());
                }
                d.write(offset, src);
            }
            public void sync() {
                if (f.due()) {
                    throw new PowerCut(f.count());
                }
                d.sync();
            }
            public void close() {}
        };
    }

    private static final HealthVerdict HEALTHY = new HealthVerdict(Code.HOST_OK, List.of("updated"), List.of(),
            List.of(), 1);

    /** The whole update, as the guest runs it across two boots (also FullDiskTest's retry). */
    static void update(Rig rig, InstallPlan r, byte[] artifact) {
        UpdateEngine engine = rig.engine();
        UpdateReceipt allowed = engine.admit(r, "manifest", new byte[] {1});
        assertEquals(UpdateReceipt.Decision.ALLOW, allowed.decision(), allowed.toString());
        engine.switchSlot(engine.apply(allowed, r, new ByteArrayInputStream(artifact)));
        rig.reboot();
        engine = rig.engine();
        engine.onBoot();
        engine.onHealth(HEALTHY);
    }

    private int run(boolean delta) throws IOException {
        int points = 0;
        Rig template = new Rig(base.resolve("template"));
        template.engine().onBoot();
        template.engine().selfcheck(false);
        for (int n = 1; ; n++) {
            Rig rig = template.copy(base.resolve("cut" + n));
            byte[][] d = new byte[1][];
            InstallPlan r = delta ? rig.delta("1.1.0", rig.factory, rig.v3, d) : Rig.full("1.1.0", rig.v2);
            r = Rig.keeping(r, delta ? rig.v3 : rig.v2);
            byte[] artifact = delta ? d[0] : rig.v2;
            InstallPlan plan = r;
            UpdateEngine engine = cutAt(rig, n, x -> update(x, plan, artifact));
            if (engine == null) {
                return points; // ran to the end without reaching point n: every point was tried
            }
            points++;
            // Finish or redo the update from wherever the cut left it.
            BootControlFile bc = rig.bootControl();
            if (bc.trial().equals(bc.booted())) {
                engine.onHealth(HEALTHY);
            } else if (bc.active() == Slot.A) {
                engine.selfcheck(false);
                update(rig, plan, artifact);
            }
            BootControlFile end = rig.bootControl();
            assertEquals(Slot.B, end.active(), "after cut " + n);
            assertEquals(SlotState.GOOD, end.slotB(), "after cut " + n);
            byte[] want = delta ? rig.v3 : rig.v2;
            assertArrayEquals(want, rig.devices.get(Slot.B).prefix(want.length), "after cut " + n);
            assertEquals(io.trialboot.core.Version.parse("1.1.0"), rig.engine().floor(), "after cut " + n);
            HostStatus s = rig.engine().selfcheck(true);
            assertTrue(s.ok(), "after cut " + n + ": " + s.failures());
            assertHistoryAgreesWithBootControl(rig, rig.engine(), "after cut " + n);
            assertEquals(Optional.of(Rig.keptText(want)), rig.kept(Slot.B), "after cut " + n);
            List<String> events = rig.engine().history().read().stream().map(HistoryEntry::event)
                    .filter(e -> e.equals("switch") || e.equals("confirm")).toList();
            assertEquals("confirm", events.get(events.size() - 1), "after cut " + n + ": the confirm is recorded: " + events);
        }
    }

    @Test
    void everyPowerCutDuringAHealthRollbackLeavesTheHistoryInStepWithBootControl() throws IOException {
        Rig template = new Rig(base.resolve("rollback-template"));
        template.engine().onBoot();
        template.engine().selfcheck(false);
        InstallPlan r = Rig.keeping(Rig.full("1.1.0", template.v2), template.v2);
        UpdateEngine first = template.engine();
        first.switchSlot(first.apply(first.admit(r, "manifest", new byte[] {1}), r, new ByteArrayInputStream(template.v2)));
        template.reboot();
        template.engine().onBoot(); // the trial boot of slot b, whose health check fails next
        HealthVerdict timedOut = new HealthVerdict(Code.HEALTH_TIMEOUT, List.of(), List.of(), List.of("bundle hello"), 30_000);
        int points = 0;
        for (int n = 1; cutAt(template.copy(base.resolve("rollback" + n)), n, x -> x.engine().onHealth(timedOut)) != null; n++) {
            points++;
        }
        System.out.println("power-cut points tried (health rollback): " + points);
        assertTrue(points >= 3, "only " + points + " I/O points");
    }

    /**
     * Runs {@code operation} with the power cut at its Nth I/O point. Null when it ended before
     * that point; else the device has rebooted ({@code onBoot}) and been checked: a verified slot
     * boots, and the history agrees with boot control. Returns that boot's engine.
     */
    private static UpdateEngine cutAt(Rig rig, int n, java.util.function.Consumer<Rig> operation) {
        Faults faults = new Faults(n);
        rig.writer = PowerCuts.writer(faults, FastStateWriter.INSTANCE);
        rig.wrap = dev -> faulty(dev, faults);
        try {
            operation.accept(rig);
            return null;
        } catch (PowerCut expected) {
            // the power went at point n
        }
        rig.writer = FastStateWriter.INSTANCE;
        rig.wrap = dev -> dev;
        rig.reboot();
        UpdateEngine engine = rig.engine();
        engine.onBoot();
        assertBootsVerifiedSlot(rig, engine, n);
        assertHistoryAgreesWithBootControl(rig, engine, "cut " + n);
        return engine;
    }

    /**
     * The history says what boot control did: a trial is pending exactly when the history's last
     * switch, confirm, mark-bad or rollback is a switch to that slot.
     */
    static void assertHistoryAgreesWithBootControl(Rig rig, UpdateEngine engine, String when) {
        List<HistoryEntry> h = engine.history().read();
        Optional<String> pending = Optional.empty();
        for (int i = h.size() - 1; i >= 0; i--) {
            String ev = h.get(i).event();
            if (List.of("switch", "confirm", "mark-bad", "rollback").contains(ev)) {
                if (ev.equals("switch")) pending = Optional.of(h.get(i).field("slot"));
                break;
            }
        }
        assertEquals(rig.bootControl().trial().map(Slot::letter), pending,
                when + ": boot control's trial against the history's last transition: " + h.stream().map(HistoryEntry::line).toList());
    }

    private static void assertBootsVerifiedSlot(Rig rig, UpdateEngine engine, int n) {
        BootControlFile bc = rig.bootControl();
        Slot booted = bc.booted().orElseThrow();
        assertTrue(bc.state(booted).bootable(), "cut " + n + ": booted " + booted + " which is " + bc.state(booted));
        assertEquals(SlotState.GOOD, bc.state(bc.active()), "cut " + n + ": active slot must stay good");
        bc.trial().ifPresent(t -> assertTrue(bc.state(t).bootable(), "cut " + n + ": trial of unverified " + t));
        SlotSnapshot snap = rig.tree().system().snapshot(booted).orElseThrow();
        MemoryBlockDevice dev = rig.devices.get(booted);
        assertEquals(snap.imageDigest(), Sha256.of(dev.prefix((int) snap.imageSize())),
                "cut " + n + ": slot " + booted + " does not hold its recorded image");
        engine.history().read(); // throws LOG_TORN / LOG_CHAIN_BROKEN if the chain is not intact
        assertEveryBootableSlotKeepsItsManifest(rig, "cut " + n);
    }

    /**
     * Stage 0 may boot any verified or good slot (active, trial, or the slot it falls back to); each
     * must hold the image its snapshot records and have that image's manifest and signature kept.
     */
    static void assertEveryBootableSlotKeepsItsManifest(Rig rig, String when) {
        BootControlFile bc = rig.bootControl();
        for (Slot slot : Slot.values()) {
            if (!bc.state(slot).bootable()) {
                continue;
            }
            SlotSnapshot snap = rig.tree().system().snapshot(slot).orElseThrow(() -> new AssertionError(
                    when + ": bootable slot " + slot + " has no snapshot record"));
            byte[] image = rig.devices.get(slot).prefix((int) snap.imageSize());
            assertEquals(snap.imageDigest(), Sha256.of(image), when + ": slot " + slot + " does not hold its recorded image");
            assertEquals(Optional.of(Rig.keptText(image)), rig.kept(slot),
                    when + ": slot " + slot + " is " + bc.state(slot) + " without its own kept manifest and signature");
        }
    }

    /**
     * The second update goes into slot a, whose kept manifest is still the factory release's: a cut
     * at any point must never leave a bootable slot a beside a manifest of another image (stage 0
     * would refuse the slot it falls back to) nor a bootable slot b without its own.
     */
    @Test
    void everyPowerCutDuringAnUpdateOverAnOlderReleaseKeepsEachBootableSlotsManifest() throws IOException {
        Rig template = new Rig(base.resolve("second-template"));
        template.engine().onBoot();
        template.engine().selfcheck(false);
        update(template, Rig.keeping(Rig.full("1.1.0", template.v2), template.v2), template.v2);
        template.engine().selfcheck(false);
        assertEquals(Optional.of(Rig.keptText(template.factory)), template.kept(Slot.A), "slot a keeps the factory's");
        InstallPlan second = Rig.keeping(Rig.full("1.2.0", template.v3), template.v3);
        int points = 0;
        for (int n = 1; cutAt(template.copy(base.resolve("second" + n)), n,
                x -> update(x, second, template.v3)) != null; n++) {
            points++;
        }
        System.out.println("power-cut points tried (second update, over the factory's manifest): " + points);
        assertTrue(points > 20, "only " + points + " I/O points");
        Rig done = template.copy(base.resolve("second-done"));
        update(done, second, template.v3);
        assertEquals(Slot.A, done.bootControl().active());
        assertEveryBootableSlotKeepsItsManifest(done, "after the second update");
        assertEquals(Optional.of(Rig.keptText(template.v3)), done.kept(Slot.A));
    }

    @Test
    void everyPowerCutDuringAFullUpdateRecovers() throws IOException {
        int points = run(false);
        System.out.println("power-cut points tried (full update): " + points);
        assertTrue(points > 20, "only " + points + " I/O points");
    }

    @Test
    void everyPowerCutDuringADeltaUpdateRecovers() throws IOException {
        int points = run(true);
        System.out.println("power-cut points tried (delta update): " + points);
        assertTrue(points > 20, "only " + points + " I/O points");
    }
}
