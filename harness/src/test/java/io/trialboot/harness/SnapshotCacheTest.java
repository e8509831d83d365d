package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Version;
import io.trialboot.guest.MediaInputs;
import io.trialboot.image.ReleaseMedia;
import io.trialboot.markers.BootBoundary;
import io.trialboot.markers.Marker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot cache never hands out a state made from other inputs or a damaged one, and says why. */
class SnapshotCacheTest {
    @TempDir
    Path dir;

    private static SnapshotKey key(String qemu, String argv, String disk) {
        Map<String, String> in = new LinkedHashMap<>();
        in.put("qemu", qemu);
        in.put("argv", argv);
        in.put("kernel", "k".repeat(64));
        in.put("initrd", "i".repeat(64));
        in.put("disk", disk);
        in.put("media", "none");
        in.put("steps", "cold boot of the factory image\nfactory-at-console: first boot, prompt");
        return new SnapshotKey(in);
    }

    private static final SnapshotKey SAVED = key("QEMU emulator version 7.2.22", "qemu-system-riscv64 -m 1G -smp 2", "d".repeat(64));

    private SnapshotCache.Entry store(SnapshotCache cache, SnapshotKey k) throws IOException {
        Path work = cache.workDir("factory-at-console");
        Files.writeString(work.resolve("state"), "QEVM the guest's RAM and devices");
        Files.writeString(work.resolve("disk.qcow2"), "QFI the overlay");
        return cache.store("factory-at-console", k, work, Optional.empty(), List.of(), Optional.empty());
    }

    @Test
    void aStateMadeFromExactlyTheseInputsIsFound() throws IOException {
        SnapshotCache cache = SnapshotCache.at(dir);
        SnapshotCache.Entry e = store(cache, SAVED);
        SnapshotCache.Lookup found = cache.find("factory-at-console", SAVED);
        assertEquals(Optional.of(e), found.entry(), found.why());
        assertEquals(SAVED.hex(), e.key());
        assertTrue(Files.readString(e.dir().resolve(SnapshotCache.MANIFEST)).contains("state.sha256="));
    }

    @Test
    void theLinesTheStepsPrintedComeBackWithTheState() throws IOException {
        SnapshotCache cache = SnapshotCache.at(dir);
        Path work = cache.workDir("mid-apply");
        Files.writeString(work.resolve("state"), "QEVM paused at a line");
        Files.writeString(work.resolve("disk.qcow2"), "QFI half an apply");
        List<String> steps = List.of("nx update apply " + MediaInputs.pkg(ReleaseMedia.manifestPath(Version.parse("1.1.0"))), "",
                "update: progress slot=b written=8388608 total=92528640", "key=value \\ # : ! é", Marker.UPDATE_APPLY_OK.line("b", "full"));
        cache.store("mid-apply", SAVED, work, Optional.empty(), steps, Optional.empty());
        assertEquals(steps, cache.find("mid-apply", SAVED).entry().orElseThrow().steps());
    }

    @Test
    void aSecondSaveOfTheSameStateKeepsTheFirstWhichAVmMayBeUsing() throws IOException {
        SnapshotCache cache = SnapshotCache.at(dir);
        SnapshotCache.Entry first = store(cache, SAVED);
        Path work = cache.workDir("factory-at-console");
        Files.writeString(work.resolve("state"), "QEVM another fork's save of the same state");
        Files.writeString(work.resolve("disk.qcow2"), "QFI another overlay");
        assertEquals(first, cache.store("factory-at-console", SAVED, work, Optional.empty(), List.of(), Optional.empty()));
        assertEquals("QFI the overlay", Files.readString(first.disk()));
        assertTrue(Files.notExists(work), "the second save's files are gone");
    }

    @Test
    void aStateWhoseImageQemuOrCommandLineChangedIsNeverUsed() throws IOException {
        SnapshotCache cache = SnapshotCache.at(dir);
        store(cache, SAVED);
        Map<String, SnapshotKey> changed = Map.of(
                "disk changed", key("QEMU emulator version 7.2.22", "qemu-system-riscv64 -m 1G -smp 2", "e".repeat(64)),
                "qemu changed", key("QEMU emulator version 10.0.2", "qemu-system-riscv64 -m 1G -smp 2", "d".repeat(64)),
                "argv changed", key("QEMU emulator version 7.2.22", "qemu-system-riscv64 -m 512M -smp 2", "d".repeat(64)));
        for (Map.Entry<String, SnapshotKey> c : changed.entrySet()) {
            assertNotEquals(SAVED.hex(), c.getValue().hex(), c.getKey());
            SnapshotCache.Lookup found = cache.find("factory-at-console", c.getValue());
            assertEquals(Optional.empty(), found.entry(), c.getKey());
            assertTrue(found.why().startsWith("stale: " + c.getKey() + " (was '"), found.why());
        }
    }

    @Test
    void aStaleReasonComesFromTheEntryThatAgreesOnTheMostLeadingInputs() throws IOException {
        SnapshotCache cache = SnapshotCache.at(dir);
        store(cache, SAVED);
        store(cache, key("QEMU emulator version 7.2.22", "qemu-system-riscv64 -m 512M -smp 2", "d".repeat(64)));
        SnapshotCache.Lookup found = cache.find("factory-at-console",
                key("QEMU emulator version 7.2.22", "qemu-system-riscv64 -m 1G -smp 2", "e".repeat(64)));
        assertTrue(found.why().startsWith("stale: disk changed (was '"), "the entry with the same command line: " + found.why());
    }

    @Test
    void aDamagedStateIsNotUsedAndTheReasonNamesTheFile() throws IOException {
        SnapshotCache cache = SnapshotCache.at(dir);
        SnapshotCache.Entry e = store(cache, SAVED);
        Files.writeString(e.state(), "QEVM the guest's RAM and devicez"); // one byte flipped, same size
        Files.setLastModifiedTime(e.state(), FileTime.from(Instant.now().plusSeconds(5)));
        SnapshotCache.Lookup found = cache.find("factory-at-console", SAVED);
        assertEquals(Optional.empty(), found.entry());
        assertTrue(found.why().startsWith("damaged: " + e.state() + " has SHA-256 "), found.why());

        Files.writeString(e.state(), "QEVM the guest's RAM and devices");
        Files.setLastModifiedTime(e.state(), FileTime.from(Instant.now().plusSeconds(10)));
        assertTrue(cache.find("factory-at-console", SAVED).entry().isPresent(), "mended");
        Files.delete(e.disk());
        assertEquals("damaged: " + e.disk() + " is missing", cache.find("factory-at-console", SAVED).why());
    }

    @Test
    void noEntryAndSnapshotsOffSaySo() throws IOException {
        assertTrue(SnapshotCache.at(dir).find("factory-at-console", SAVED).why().startsWith("no snapshot yet in "));
        String old = System.getProperty(SnapshotCache.PROPERTY);
        System.setProperty(SnapshotCache.PROPERTY, "off");
        System.setProperty(SnapshotCache.DIR_PROPERTY, dir.toString());
        try {
            SnapshotCache off = SnapshotCache.fromEnvironment();
            store(SnapshotCache.at(dir), SAVED);
            assertEquals("snapshots are off (-Dtrialboot.snapshots=off)", off.find("factory-at-console", SAVED).why());
        } finally {
            System.clearProperty(SnapshotCache.DIR_PROPERTY);
            if (old == null) System.clearProperty(SnapshotCache.PROPERTY);
            else System.setProperty(SnapshotCache.PROPERTY, old);
        }
    }

    @Test
    void aRunDirectoryOrImagePathIsNoInputButTheirContentsAre() throws IOException {
        VmConfig a = FakeQemu.config(dir.resolve("a"), "banner\n").snapshots(SnapshotCache.at(dir.resolve("cache"))).build();
        VmConfig b = FakeQemu.config(dir.resolve("b"), "banner\n").snapshots(SnapshotCache.at(dir.resolve("cache"))).build();
        SnapshotRecipe r = SnapshotRecipe.fromColdBoot("s", "nothing", vm -> { });
        SnapshotKey ka = new Snapshots(a, null, null, null, null, null, VmClock.SYSTEM).key(r);
        assertEquals(ka.hex(), new Snapshots(b, null, null, null, null, null, VmClock.SYSTEM).key(r).hex(), "another run directory and image directory, same files");
        assertTrue(ka.inputs().get("argv").contains("-kernel <kernel> "), ka.inputs().get("argv"));
        assertTrue(ka.inputs().get("argv").contains("file=<run>/overlay.qcow2,"), ka.inputs().get("argv"));
        assertEquals("QEMU emulator version 0.0-fake", ka.inputs().get("qemu"));

        Files.write(b.image().disk(), new byte[] {1}, StandardOpenOption.APPEND);
        assertEquals("disk", new Snapshots(b, null, null, null, null, null, VmClock.SYSTEM).key(r).changedSince(ka).orElseThrow().split(" ")[0]);
        VmConfig c = FakeQemu.config(dir.resolve("c"), "banner\n").memory("512M").snapshots(SnapshotCache.at(dir)).build();
        String argv = new Snapshots(c, null, null, null, null, null, VmClock.SYSTEM).key(r).changedSince(ka).orElseThrow();
        assertTrue(argv.startsWith("argv changed (was '...") && argv.contains("-m 1G") && argv.contains("-m 512M"), argv);
        SnapshotRecipe longer = r.then("t", "more", vm -> { });
        assertTrue(new Snapshots(a, null, null, null, null, null, VmClock.SYSTEM).key(longer).changedSince(ka).orElseThrow().startsWith("steps changed"));
    }

    @Test
    void aDamagedSnapshotFallsBackToAColdBootAndPrintsWhy() throws IOException {
        SnapshotCache cache = SnapshotCache.at(dir.resolve("cache"));
        VmConfig config = FakeQemu.config(dir.resolve("vm"), "banner\nprint updated: ready\nprompt trialboot# \nhang\n")
                .snapshots(cache).scale(VmTerminalTest.NO_QMP).build(); // the save's QMP connect fails in 1 s, not 10
        SnapshotRecipe recipe = SnapshotRecipe.fromColdBoot("ready", "await updated: ready",
                vm -> vm.await(Marker.UPDATED_READY, Duration.ofSeconds(100)));
        SnapshotKey k = new Snapshots(config, null, null, null, null, null, VmClock.SYSTEM).key(recipe);
        Path work = cache.workDir("ready");
        Files.writeString(work.resolve("state"), "saved");
        Files.writeString(work.resolve("disk.qcow2"), "saved");
        SnapshotCache.Entry e = cache.store("ready", k, work, Optional.empty(), List.of(), Optional.empty());
        Files.writeString(e.state(), "broken!");

        String printed = printedBy(config, recipe, vm -> {
            assertEquals(1, vm.currentBoot(), "booted cold: the banner, no restore line");
            assertTrue(vm.lines().stream().noneMatch(l -> l.text().startsWith("trialboot-harness:")), vm.lines().toString());
        });
        assertTrue(printed.contains("trialboot: snapshot ready: cold path, damaged: " + e.state() + " has SHA-256 "), printed);
        assertTrue(printed.contains("trialboot: snapshot ready not saved"), "the fake QEMU has no QMP: " + printed);
    }

    @Test
    void aStateMadeOverAnotherEntrysDiskIsStaleOnceThatOneIsGoneOrChanged() throws IOException {
        SnapshotCache cache = SnapshotCache.at(dir.resolve("cache"));
        SnapshotCache.Entry parent = store(cache, SAVED);
        SnapshotCache.Entry child = storeOver(cache, "applied", parent.disk());
        SnapshotCache.Entry grandchild = storeOver(cache, "switched", child.disk());
        assertEquals(Optional.of(grandchild), cache.find("switched", SAVED).entry(), cache.find("switched", SAVED).why());
        Path raw = Files.writeString(dir.resolve("base.raw"), "the image's base disk");
        SnapshotCache.Entry cold = storeOver(cache, "cold", raw);
        assertTrue(!Files.readString(cold.dir().resolve(SnapshotCache.MANIFEST)).contains("backing"), "the base disk is a key input");

        Files.writeString(parent.disk(), "QFI the overlay, made again"); // another save of the parent's state
        Files.setLastModifiedTime(parent.disk(), FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals("stale: the state it was made from changed (" + parent.disk() + ")", cache.find("applied", SAVED).why());
        assertEquals("stale: the state it was made from changed (" + parent.disk() + ")", cache.find("switched", SAVED).why(),
                "down the chain");

        cache.evict(parent);
        assertTrue(Files.notExists(parent.dir()));
        assertEquals("stale: the state it was made from is gone (" + parent.disk() + ")", cache.find("applied", SAVED).why());
    }

    private SnapshotCache.Entry storeOver(SnapshotCache cache, String name, Path base) throws IOException {
        Path work = cache.workDir(name);
        Files.writeString(work.resolve("state"), "QEVM " + name);
        Files.writeString(work.resolve("disk.qcow2"), "QFI over " + base);
        return cache.store(name, SAVED, work, Optional.empty(), List.of(), Optional.of(base));
    }

    @Test
    void evictingLeavesAnEntryAnotherJvmHasSavedSinceInPlace() throws IOException {
        SnapshotCache cache = SnapshotCache.at(dir);
        SnapshotCache.Entry old = store(cache, SAVED);
        SnapshotCache.Entry replaced = new SnapshotCache.Entry(old.name(), "0".repeat(64), old.dir(), old.media(), old.steps());
        cache.evict(replaced);
        assertEquals(Optional.of(old), cache.find("factory-at-console", SAVED).entry(), "another key's entry is not evicted");
        cache.evict(old);
        assertTrue(cache.find("factory-at-console", SAVED).why().startsWith("no snapshot yet in "));
    }

    @Test
    void aSnapshotWhoseRestoreFailsIsEvictedWithTheReasonPrintedAndMadeAgain() throws IOException {
        SnapshotCache cache = SnapshotCache.at(dir.resolve("cache"));
        VmConfig config = FakeQemu.config(dir.resolve("vm"), "banner\nprint updated: ready\nprompt trialboot# \nhang\n")
                .snapshots(cache).scale(VmTerminalTest.NO_QMP).build(); // no QMP: the restore fails in 1 s
        SnapshotRecipe recipe = SnapshotRecipe.fromColdBoot("ready", "await updated: ready",
                vm -> vm.await(Marker.UPDATED_READY, Duration.ofSeconds(100)));
        SnapshotKey k = new Snapshots(config, null, null, null, null, null, VmClock.SYSTEM).key(recipe);
        Path work = cache.workDir("ready");
        Files.writeString(work.resolve("state"), "saved, whole, but QEMU cannot load it");
        Files.writeString(work.resolve("disk.qcow2"), "saved");
        SnapshotCache.Entry e = cache.store("ready", k, work, Optional.empty(), List.of(), Optional.empty());

        String printed = printedBy(config, recipe, vm -> {
            assertTrue(vm.lines().stream().anyMatch(l -> l.text().equals("updated: ready")), "the cold path ran: " + vm.lines());
            // The failed restore opened no boot: the cold boot is boot 1, as on a run that had no snapshot.
            assertTrue(vm.lines().stream().noneMatch(l -> BootBoundary.restore(l.text()).isPresent()), vm.lines().toString());
            assertEquals(1, vm.lines().stream().filter(l -> l.text().equals("updated: ready")).findFirst().orElseThrow().boot(),
                    vm.lines().toString());
        });
        assertTrue(printed.contains("trialboot: snapshot ready: cold path, the restore failed (evicted " + e.dir() + "): "),
                printed);
        assertTrue(Files.notExists(e.dir()), "evicted: the next run does not try it again");
        assertTrue(cache.find("ready", k).why().startsWith("no snapshot yet in "), cache.find("ready", k).why());
    }

    @Test
    void aStateIsMadeOnFromItsParentAsTheGuestIsOnlyWhileNothingMovedTheGuestSince() throws IOException {
        VmConfig config = FakeQemu.config(dir.resolve("vm"), "banner\nprint updated: ready\nprompt trialboot# \nhang\n")
                .snapshots(SnapshotCache.at(dir.resolve("cache"))).scale(VmTerminalTest.NO_QMP).build();
        SnapshotRecipe ready = SnapshotRecipe.fromColdBoot("ready", "await updated: ready",
                vm -> vm.await(Marker.UPDATED_READY, Duration.ofSeconds(100)));
        String printed = printedBy(config, ready, vm -> {
            vm.reachOnward(ready.then("next", "nothing more", v -> { }));
            assertEquals(1, vm.currentBoot(), "no cold boot for the parent: " + vm.lines());
            vm.type("echo moved");
            vm.reachOnward(ready.then("other", "nothing more", v -> { }));
            assertEquals(2, vm.currentBoot(), "typed since: the parent is reached again, cold here: " + vm.lines());
        });
        assertTrue(printed.contains("trialboot: snapshot next: made on from ready as the guest is, not restored first"), printed);
        assertTrue(!printed.contains("snapshot other: made on from"), printed);
    }

    /** What starting a VM at {@code recipe} and running {@code test} on it printed. */
    private static String printedBy(VmConfig config, SnapshotRecipe recipe, Consumer<QemuVm> test) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream was = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try (QemuVm vm = QemuVm.start(config, recipe)) {
            test.accept(vm);
        } finally {
            System.setOut(was);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
