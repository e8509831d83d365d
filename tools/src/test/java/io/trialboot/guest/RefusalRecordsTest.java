package io.trialboot.guest;

import static io.trialboot.guest.GuestServicesTest.nx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Json;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.UpdateReceipt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every refusal of {@code nx update apply}, whatever refused it (the input's path, its form, a
 * missing file, the pre-check, the version floor), leaves what docs/operator-guide.md promises: an
 * {@code update: rejected} console line, a DENY receipt and a {@code reject} history line; and the
 * message says what to do. {@code nx receipts} and {@code nx status} read as tables, {@code --json}
 * keeps the machine form.
 */
@ExtendWith(GuestRigExtension.class)
class RefusalRecordsTest {
    GuestRig rig;

    @BeforeEach
    void device(GuestRig rig) throws Exception {
        this.rig = rig;
        rig.boot();
        assertEquals(0, nx(rig, "selfcheck").rc(), "an install needs an OK host status first");
    }

    /** The refusal's three records; returns nx's output. */
    private List<String> assertRefused(String input, Code code, boolean quarantined) throws Exception {
        long keptBefore = quarantineCount();
        GuestServicesTest.Nx r = nx(rig, "update", "apply", input);
        assertEquals(1, r.rc(), r.lines().toString());
        assertEquals("nx: update apply " + input + " failed: " + code, r.lines().get(r.lines().size() - 1));
        List<String> console = rig.lines();
        assertTrue(console.contains(Marker.UPDATE_REJECTED.line(code, input)), console.toString());
        List<UpdateReceipt> receipts = rig.engine().receipts().list();
        UpdateReceipt receipt = receipts.get(receipts.size() - 1);
        assertEquals(UpdateReceipt.Decision.DENY, receipt.decision());
        assertEquals(List.of(code), receipt.reasonCodes());
        List<HistoryEntry> history = rig.engine().history().read();
        HistoryEntry last = history.get(history.size() - 1);
        assertEquals("reject", last.event());
        assertEquals(receipt.logSeq(), last.seq(), "the receipt names its history line");
        assertEquals(code.name(), last.field("codes"));
        assertEquals(quarantined ? keptBefore + 1 : keptBefore, quarantineCount());
        if (!quarantined) assertEquals("none", last.field("quarantined"));
        return r.lines();
    }

    private long quarantineCount() throws Exception {
        try (Stream<Path> s = Files.list(rig.tree().quarantine())) {
            return s.count();
        }
    }

    @Test
    void aPathOutsideTheMediaIsRefusedOnTheRecord() throws Exception {
        List<String> out = assertRefused("pkg://updates/../../etc/passwd", Code.MALFORMED_INPUT, false);
        assertTrue(out.get(0).startsWith("MALFORMED_INPUT: 'pkg://updates/../../etc/passwd' is not a media path"), out.toString());
    }

    @Test
    void anInputOfNeitherFormIsRefusedOnTheRecord() throws Exception {
        List<String> out = assertRefused("updates/releases/1.1.0/manifest.nxm", Code.MALFORMED_INPUT, false);
        assertTrue(out.get(0).contains("is neither pkg://updates/<path> nor an absolute path"), out.toString());
    }

    @Test
    void anInstallRequestWithoutItsInputIsRefusedOnTheRecord() {
        Rpc.Reply reply = new NxClient(rig.paths.socket()).call(RpcOperation.STAGE_SYSTEM.wire());
        assertEquals(Code.MALFORMED_INPUT, reply.code(), reply.lines().toString());
        assertTrue(rig.lines().contains(Marker.UPDATE_REJECTED.line("MALFORMED_INPUT", "(none)")), rig.lines().toString());
        List<UpdateReceipt> receipts = rig.engine().receipts().list();
        assertEquals(UpdateReceipt.Decision.DENY, receipts.get(receipts.size() - 1).decision());
    }

    @Test
    void aMissingFileIsRefusedButNotQuarantinedAsEmptyBytes() throws Exception {
        List<String> out = assertRefused("/nonexistent", Code.HOST_NOT_FOUND, false);
        assertTrue(out.get(0).startsWith("HOST_NOT_FOUND: no such file: /nonexistent"), out.toString());
        try (Stream<Path> s = Files.list(rig.tree().quarantine())) {
            assertEquals(List.of(), s.toList(), "nothing kept for a file that does not exist");
        }
    }

    @Test
    void aFailedPrecheckSaysToRunSelfcheck() throws Exception {
        try (Stream<Path> s = Files.list(rig.tree().statusDir())) {
            for (Path p : s.toList()) Files.delete(p);
        }
        List<String> out = assertRefused(UpdateRpcTest.V110, Code.UPDATE_PRECHECK_FAILED, true);
        assertTrue(out.get(0).contains("run nx selfcheck, then install again"), out.toString());
        assertTrue(rig.lines().stream().anyMatch(l -> l.startsWith(Marker.UPDATE_WHY.line("UPDATE_PRECHECK_FAILED",
                "release 1.1.0 denied [UPDATE_PRECHECK_FAILED]: ")) && l.contains("run nx selfcheck")), rig.lines().toString());
    }

    @Test
    void theRunningVersionAgainIsAlreadyInstalled() throws Exception {
        Path image = GuestRig.write(rig.paths.media().resolve("updates/releases/1.0.0/slot.img"), rig.v100);
        rig.release("1.0.0", image, Optional.of("releases/1.0.0/slot.img"), List.of(), rig.keys.k1);
        List<String> out = assertRefused("pkg://updates/releases/1.0.0/manifest.nxm", Code.UPDATE_VERSION_FLOOR, true);
        assertTrue(out.get(0).startsWith("UPDATE_VERSION_FLOOR: release 1.0.0 denied [UPDATE_VERSION_FLOOR]: 1.0.0 is already installed"
                + " (the running version): nothing to install (receipt "), out.toString());
    }

    @Test
    void receiptsReadAsATableAndAsJsonLines() throws Exception {
        nx(rig, "update", "apply", "pkg://updates/../x");
        GuestServicesTest.Nx table = nx(rig, "receipts");
        assertEquals(0, table.rc());
        assertEquals("receipt 1: DENY MALFORMED_INPUT", table.lines().get(0));
        assertEquals(List.of("  input             ../x", "  input sha256      -", "  release           -"),
                table.lines().subList(1, 4), "a refused input's name, never a release id");
        GuestServicesTest.Nx json = nx(rig, "receipts", "--json");
        assertEquals(0, json.rc());
        Map<String, Object> r = Json.parseObject(json.lines().get(0));
        assertEquals("DENY", r.get("decision"));
        assertEquals(1, json.lines().size(), "one JSON line per receipt");
    }

    @Test
    void statusReadsAsLinesAndAsOneJsonObject() {
        GuestServicesTest.Nx lines = nx(rig, "status");
        assertEquals("slot=a", lines.lines().get(0));
        GuestServicesTest.Nx json = nx(rig, "status", "--json");
        assertEquals(0, json.rc());
        Map<String, Object> s = Json.parseObject(json.lines().get(0));
        assertEquals("a", s.get("slot"));
        assertEquals("1.0.0", s.get("version"));
        assertTrue(s.get("boot_count") instanceof Number, s.toString());
        assertEquals("FULL", s.get("domain"), "the domain's admission state (nx admit), in --json too");
        assertEquals("none", s.get("verity_a"), "the rig's factory image carries no verity tree");
        assertEquals(StatusReply.parse(lines.lines()).lines(), lines.lines());
        assertEquals("domain=FULL", lines.lines().get(lines.lines().size() - 1));
    }
}
