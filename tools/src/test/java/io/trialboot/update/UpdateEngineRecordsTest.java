package io.trialboot.update;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.hoststate.AdmissionOutcome;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.HistoryEvent;
import io.trialboot.records.HistoryFields;
import io.trialboot.records.HostStatus;
import io.trialboot.records.RequestedInput;
import io.trialboot.records.UpdateReceipt;
import io.trialboot.records.UpdateReceipt.Decision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine records and checks beside an update's steps: the selfcheck's findings (a history
 * that disagrees with boot control, a broken chain), a rejected input's deny receipt and quarantine,
 * and the audit lines. The update's steps themselves: {@link UpdateEngineTest}.
 */
class UpdateEngineRecordsTest {
    @TempDir
    Path dir;
    Rig rig;
    UpdateEngine engine;

    @BeforeEach
    void device() throws IOException {
        rig = new Rig(dir);
        engine = rig.bootedEngine();
    }

    @Test
    void selfcheckFindsAHistoryThatDisagreesWithBootControlAndTheNextBootRecordsWhatWasLost() {
        Rig.installAndSwitch(engine, Rig.full("1.1.0", rig.v2), rig.v2);
        rig.reboot();
        engine = rig.engine();
        engine.onBoot(); // the trial boot of slot b
        assertTrue(engine.selfcheck(false).ok(), "a trial the history switched to");
        engine.bootControl().confirm(); // the confirm's commit, and the power goes before its history line
        HostStatus s = engine.selfcheck(false);
        assertEquals(List.of("history: boot control has no trial but the history (its last transition, or a boot after it) says"
                + " slot b is on trial"), s.failures());
        rig.reboot();
        engine = rig.engine();
        engine.onBoot();
        List<HistoryEntry> h = engine.history().read();
        HistoryEntry confirm = h.get(h.size() - 2);
        assertEquals("confirm", confirm.event());
        assertEquals("b", confirm.field("slot"));
        assertTrue(confirm.field("recovered").startsWith("at boot "), confirm.line());
        assertEquals("boot", h.get(h.size() - 1).event());
        assertTrue(engine.selfcheck(false).ok(), engine.selfcheck(false).failures().toString());
        assertEquals(UpdateReceipt.SwitchOutcome.CONFIRMED, engine.receipts().list().get(0).switchOutcome());
    }

    @Test
    void selfcheckFindsABrokenLogChain() throws IOException {
        engine.onBoot();
        Path log = rig.tree().system().historyLog();
        Files.writeString(log, Files.readString(log).replaceFirst("\"boot\"", "\"boat\""));
        HostStatus s = engine.selfcheck(false);
        assertTrue(s.failures().get(0).startsWith("log chain: LOG_CHAIN_BROKEN"), s.failures().toString());
    }

    @Test
    void rejectOfAnUnverifiedInputQuarantinesItLogsAndWritesADenyReceipt() throws IOException {
        byte[] bytes = "not a signed manifest".getBytes(StandardCharsets.UTF_8);
        BootControlFile before = rig.bootControl();
        UpdateReceipt r = engine.reject("hostile/bad-signature/manifest.nxm", Optional.of(bytes), Code.SIG_INVALID, "signature does not verify");
        assertEquals(Decision.DENY, r.decision());
        assertEquals(List.of(Code.SIG_INVALID), r.reasonCodes());
        assertEquals(null, r.releaseId(), "nothing in an unverified input is an identity");
        assertEquals(new RequestedInput("hostile/bad-signature/manifest.nxm", Sha256.of(bytes).hex()), r.input());
        assertEquals(Optional.of(r), engine.receipts().read(r.attempt()));
        HistoryEntry last = engine.history().read().get(engine.history().read().size() - 1);
        assertEquals("reject", last.event());
        assertEquals("SIG_INVALID", last.field("codes"));
        assertEquals("hostile/bad-signature/manifest.nxm", last.field("input"));
        assertEquals(null, last.field("release"));
        try (var q = Files.list(rig.tree().quarantine())) {
            assertArrayEquals(bytes, Files.readAllBytes(q.filter(p -> p.toString().endsWith("manifest.nxm")).findFirst().orElseThrow()));
        }
        assertEquals(before, rig.bootControl(), "boot control unchanged");
        assertThrows(IllegalArgumentException.class, () -> engine.reject("x", Optional.of(bytes), Code.HOST_OK, "no"));
    }

    @Test
    void auditAppendsAnOperationKeepsDomainJsonInLineAndSkipsASuspendedDomain() {
        HistoryEntry e = engine.audit(HistoryEvent.SELFCHECK, HistoryFields.of("status", "OK")).orElseThrow();
        assertEquals("selfcheck", e.event());
        assertEquals("OK", e.field("status"));
        assertEquals(e.seq(), rig.tree().system().descriptor().currentLogseq());
        assertTrue(engine.selfcheck(false).ok(), "domain.json follows the audit line");
        rig.tree().system().recordAdmission(AdmissionOutcome.SUSPENDED, "rootkey", "policy", null);
        assertEquals(Optional.empty(), engine.audit(HistoryEvent.REBOOT, HistoryFields.of("by", "test")));
        assertEquals(e.seq(), engine.history().lastSeq());
    }

    /**
     * Nothing would recover the line of a rollback without a trial (a transition boot control does
     * not tell from a start loop's), so it is refused, boot control untouched, when the history's end
     * cannot take it; a trial's rollback stands instead (DamagedHistoryVerdictTest).
     */
    @Test
    void aRollbackWithoutATrialIsRefusedBeforeBootControlMovesWhenTheHistoryCannotTakeItsLine() throws IOException {
        Rig.installAndSwitch(engine, Rig.full("1.1.0", rig.v2), rig.v2);
        rig.reboot();
        engine = rig.engine();
        engine.onBoot();
        engine.onHealth(new HealthVerdict(Code.HOST_OK, List.of("updated"), List.of(), List.of(), 1));
        // a floor slot a's 1.0.0 is not below, so that the rollback to it is allowed
        Files.writeString(rig.tree().system().snapshots().resolve("floor"), "1.0.0\n");
        Files.write(rig.tree().system().historyLog(), "{\"seq\":".getBytes(StandardCharsets.US_ASCII),
                java.nio.file.StandardOpenOption.APPEND);
        Path bc = rig.stateRoot.resolve(BootControlFile.PATH);
        byte[] before = Files.readAllBytes(bc);
        TrialbootException e = assertThrows(TrialbootException.class, () -> engine.rollback(Code.OPERATOR_ROLLBACK, "nx"));
        assertEquals(Code.LOG_TORN, e.code(), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(bc), "boot control unchanged");
    }
}
