package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.guest.HostileDevice;
import io.trialboot.image.HostileCorpus.AttackClass;
import io.trialboot.image.HostileCorpus.Case;
import io.trialboot.image.HostileCorpus.EntryPoint;
import io.trialboot.records.HistoryEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of the hostile-input corpus, generated from fixture keys and (small, fake) slot
 * images as the image build generates them, goes through the guest's own services on a fresh
 * factory device ({@link HostileDevice}): each must be refused with exactly its expected code, no
 * other exception may escape, the active slot's bytes never change, and either nothing at all
 * changes but a {@code reject} line in the history (refused before writing) or the inactive slot is
 * left {@code invalid} with {@code stage} and {@code apply-failed} lines (refused during the apply).
 */
class HostileCorpusTest {
    static final long SLOT_BYTES = 1 << 20;
    @TempDir
    static Path dir;
    static Path state;
    static Path updates;
    static ReleaseMedia.Inputs in;

    @BeforeAll
    static void corpus() throws IOException {
        in = SmallFixtures.inputs(dir.resolve("fixtures"));
        state = SmallFixtures.factoryState(in, dir.resolve("state"));
        updates = dir.resolve("media/updates");
        ReleaseMedia.write(updates, in, line -> { });
        HostileCorpus.ALL.forEach(c -> c.write(updates, in));
    }

    @Test
    void everyCaseIsRefusedWithItsCodeAndLeavesTheSlotsAsTheyWere() throws IOException {
        List<String> failures = new ArrayList<>();
        Map<Code, Integer> codes = new TreeMap<>();
        int rejected = 0;
        int accepted = 0;
        int crashes = 0;
        int n = 0;
        for (Case c : HostileCorpus.ALL) {
            Path d = dir.resolve("device-" + (++n));
            Path st = d.resolve("state");
            FixtureCheck.copyTree(state, st);
            HostileDevice device = new HostileDevice(st, in.image(Fixture.FACTORY), SLOT_BYTES, updates, d);
            Sha256 slotA = FileDigests.sha256(device.slotA());
            Sha256 slotB = FileDigests.sha256(device.slotB());
            byte[] bootControl = Files.readAllBytes(device.bootControl());
            List<HistoryEntry> before = device.history();
            HostileDevice.Outcome out;
            try {
                out = run(device, c);
            } catch (RuntimeException e) {
                crashes++;
                failures.add(c.id() + ": crashed with " + e);
                continue;
            }
            if (out.code() == Code.HOST_OK) {
                accepted++;
                failures.add(c.id() + ": ACCEPTED (" + c.what() + ")");
                continue;
            }
            rejected++;
            codes.merge(out.code(), 1, Integer::sum);
            if (out.code() != c.expected()) {
                failures.add(c.id() + ": refused with " + out.code() + ", the corpus expects " + c.expected()
                        + "; console: " + device.console());
            }
            boolean applied = out.phase() == HostileDevice.Phase.APPLY;
            if (applied != c.duringApply()) {
                failures.add(c.id() + ": refused in phase " + out.phase() + ", the corpus says " + c.phase());
            }
            if (!FileDigests.sha256(device.slotA()).equals(slotA)) {
                failures.add(c.id() + ": the active slot a changed");
            }
            List<HistoryEntry> after = device.history();
            if (!after.subList(0, Math.min(before.size(), after.size())).equals(before)) {
                failures.add(c.id() + ": the history before the attempt changed");
            }
            List<String> added = after.subList(Math.min(before.size(), after.size()), after.size()).stream()
                    .map(HistoryEntry::event).toList();
            BootControlFile bc = BootControlFile.decode(Files.readAllBytes(device.bootControl()));
            if (applied) {
                if (bc.active() != Slot.A || bc.trial().isPresent() || bc.slotB() != SlotState.INVALID) {
                    failures.add(c.id() + ": after a failed apply boot control is " + bc + ", not a, no trial, b invalid");
                }
                expect(failures, c, added, List.of("stage", "apply-failed"));
            } else {
                if (!FileDigests.sha256(device.slotB()).equals(slotB)) {
                    failures.add(c.id() + ": the inactive slot b changed");
                }
                if (!java.util.Arrays.equals(Files.readAllBytes(device.bootControl()), bootControl)) {
                    failures.add(c.id() + ": the boot-control file changed");
                }
                expect(failures, c, added, switch (c.entry()) {
                    case INSTALL, FEED -> List.of("reject");
                    case FEED_INSTALL -> List.of("feed", "reject"); // the feed verified (audited), its entry refused
                    case SYSTEM_SET, ADMISSION -> List.of(); // at boot, before the engine logs anything
                    case ADMIT -> List.of("admission"); // the REJECTED admission, recorded
                });
            }
        }
        System.out.println("hostile corpus: " + HostileCorpus.ALL.size() + " cases, " + rejected + " rejected, "
                + accepted + " accepted, " + crashes + " crashes; codes " + codes + "; classes " + perClass());
        assertEquals(List.of(), failures, failures.size() + " of " + HostileCorpus.ALL.size() + " cases failed");
        assertEquals(HostileCorpus.ALL.size(), rejected);
    }

    private static void expect(List<String> failures, Case c, List<String> added, List<String> want) {
        if (!added.equals(want)) {
            failures.add(c.id() + ": history gained " + added + ", expected " + want);
        }
    }

    private static HostileDevice.Outcome run(HostileDevice device, Case c) {
        Path input = updates.resolve(c.inputPath());
        return switch (c.entry()) {
            case INSTALL -> device.install("pkg://updates/" + c.inputPath());
            case FEED -> device.feed(input);
            case FEED_INSTALL -> device.feedInstall(input);
            case SYSTEM_SET -> device.systemSet(input);
            case ADMISSION -> device.admission(input);
            case ADMIT -> device.admit("pkg://updates/" + HostileCorpus.DIR + "/" + c.id());
        };
    }

    static Map<AttackClass, Long> perClass() {
        return HostileCorpus.ALL.stream().collect(Collectors.groupingBy(Case::attack, TreeMap::new, Collectors.counting()));
    }

    @Test
    void theCatalogueHasSixtyDistinctCasesCoveringEveryClass() {
        assertTrue(HostileCorpus.ALL.size() >= 60, "cases: " + HostileCorpus.ALL.size());
        Set<String> ids = new HashSet<>();
        HostileCorpus.ALL.forEach(c -> assertTrue(ids.add(c.id()), "case id twice: " + c.id()));
        assertEquals(EnumSet.allOf(AttackClass.class), EnumSet.copyOf(perClass().keySet()));
        Set<AttackClass> installable = HostileCorpus.ALL.stream().filter(c -> c.entry() == EntryPoint.INSTALL)
                .map(Case::attack).collect(Collectors.toCollection(() -> EnumSet.noneOf(AttackClass.class)));
        Set<AttackClass> inGuest = HostileCorpus.inGuest().stream().map(Case::attack)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(AttackClass.class)));
        assertEquals(installable, inGuest, "every class an install can reach has a case in the guest");
    }

    @Test
    void eachCaseDirectoryHoldsItsInputAndItsMachineReadableExpectation() throws IOException {
        for (Case c : HostileCorpus.ALL) {
            Path d = updates.resolve(HostileCorpus.DIR).resolve(c.id());
            assertTrue(Files.isRegularFile(updates.resolve(c.inputPath())), c.id());
            assertEquals(c.properties(), Files.readString(d.resolve(HostileCorpus.CASE_FILE)));
            assertTrue(c.properties().contains("\nclass=" + c.attack() + "\nentry=" + c.entry() + "\nexpected="
                    + c.expected() + "\nphase=" + c.phase() + "\n"), c.properties());
        }
    }

    @Test
    void theCorpusIsTheSameBytesEveryTimeItIsGenerated() throws IOException {
        Path again = dir.resolve("again/updates");
        ReleaseMedia.write(again, in, line -> { });
        HostileCorpus.ALL.forEach(c -> c.write(again, in));
        Path first = updates.resolve(HostileCorpus.DIR);
        Path second = again.resolve(HostileCorpus.DIR);
        assertEquals(tree(first), tree(second));
    }

    private static Map<String, Sha256> tree(Path root) throws IOException {
        Map<String, Sha256> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    out.put(root.relativize(p).toString(), FileDigests.sha256(p));
                }
            }
        }
        return out;
    }
}
