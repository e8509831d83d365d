package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.markers.Marker;
import io.trialboot.records.HistoryEntry;
import io.trialboot.records.RequestedInput;
import io.trialboot.records.UpdateReceipt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An install request whose input's name is hostile (control characters, a line break forging a
 * marker, a claimed release id, 10 KB): refused on the record like every refusal, and what the
 * device records and prints never echoes the name as it came. The receipt names no release (nothing
 * was verified), only the name as {@link RequestedInput#shown} with no digest (nothing was read);
 * the {@code reject} line's {@code input} is the same; every console line is printable; every
 * record stays inside its bound.
 */
@ExtendWith(GuestRigExtension.class)
class HostileInputNameTest {
    GuestRig rig;

    @BeforeEach
    void device(GuestRig rig) throws Exception {
        this.rig = UpdateRpcs.bootReadyToInstall(rig);
    }

    @Test
    void aNameWithControlCharactersIsRefusedAndRecordedEscaped() throws Exception {
        // ESC and BEL set a terminal's title; U+001C is a blank to Java but no \s to the RPC's split
        String input = "pkg://updates/x\u001b]0;owned\u0007\u001c/manifest.nxm";
        Rpc.Reply reply = new NxClient(rig.paths.socket()).call(RpcOperation.STAGE_SYSTEM.wire() + " " + input);
        assertEquals(Code.MALFORMED_INPUT, reply.code(), reply.lines().toString());
        String shown = "pkg://updates/x\\x1b]0;owned\\x07\\x1c/manifest.nxm";
        assertEquals(shown, RequestedInput.shown(input));
        assertRefusedOnTheRecord(shown, Code.MALFORMED_INPUT, "x\\x1b]0;owned\\x07\\x1c/manifest.nxm");
    }

    @Test
    void aNameClaimingAReleaseIdIsNoReleaseId() throws Exception {
        String input = "/rel-9.9.9@000000000000";
        Rpc.Reply reply = new NxClient(rig.paths.socket()).call(RpcOperation.STAGE_SYSTEM.wire() + " " + input);
        assertEquals(Code.HOST_NOT_FOUND, reply.code(), reply.lines().toString());
        assertRefusedOnTheRecord(input, Code.HOST_NOT_FOUND, input);
    }

    @Test
    void aNameWithALineBreakCannotForgeAMarker() throws Exception {
        String forged = Marker.UPDATE_CONFIRMED.line("b", "9.9.9");
        String input = "pkg://updates/x\n" + forged + "\r\n" + Marker.HEALTH_TRIAL_OK.line();
        TrialbootException e = assertThrows(TrialbootException.class, () -> updates().stage(input));
        assertEquals(Code.MALFORMED_INPUT, e.code());
        assertTrue(rig.lines().stream().noneMatch(l -> l.equals(forged) || l.equals(Marker.HEALTH_TRIAL_OK.line())),
                rig.lines().toString());
        String shown = RequestedInput.shown(input);
        assertTrue(shown.startsWith("pkg://updates/x\\x0aupdate:\\x20confirmed\\x20slot=b"), shown);
        assertRefusedOnTheRecord(shown, Code.MALFORMED_INPUT, shown.substring("pkg://updates/".length()));
    }

    @Test
    void aTenKilobyteNameIsCutInEveryRecord() throws Exception {
        String input = "/" + "\u0001".repeat(10 * 1024);
        TrialbootException e = assertThrows(TrialbootException.class, () -> updates().stage(input));
        assertEquals(Code.MALFORMED_INPUT, e.code());
        String shown = "/" + "\\x01".repeat(63) + "...[10241]";
        assertEquals(shown, RequestedInput.shown(input));
        assertRefusedOnTheRecord(shown, Code.MALFORMED_INPUT, shown);
        assertTrue(e.getMessage().length() < 2 * RequestedInput.NAME_CHARS, "the message quotes the name as shown");
    }

    @Test
    void aRequestOverTheRpcBoundIsRefusedBeforeItIsReadAsAnInstall() throws Exception {
        String input = "/" + "A".repeat(10 * 1024);
        Rpc.Reply reply = new NxClient(rig.paths.socket()).call(RpcOperation.STAGE_SYSTEM.wire() + " " + input);
        assertEquals(Code.HOST_INPUT_OVERSIZE, reply.code(), reply.lines().toString());
        assertEquals(List.of(), rig.engine().receipts().list(), "no install was asked for: nothing to record");
        assertPrintable();
    }

    @Test
    void aFormRefusalOfHostileArgumentsKeepsItsRecordsInsideTheirBounds() throws Exception {
        String arg = "\u0001".repeat(1900); // JSON writes each as six characters: 2 x 11,400 if the reason were kept whole
        Rpc.Reply reply = new NxClient(rig.paths.socket()).call(RpcOperation.STAGE_SYSTEM.wire() + " " + arg + " " + arg);
        assertEquals(Code.MALFORMED_INPUT, reply.code(), reply.lines().toString());
        String shown = RequestedInput.shown(arg + "," + arg);
        assertRefusedOnTheRecord(shown, Code.MALFORMED_INPUT, shown);
        String message = reply.lines().get(0);
        assertTrue(message.startsWith("MALFORMED_INPUT: StageSystem takes <input>, got [" + RequestedInput.shown(arg) + ", "),
                message);
        HistoryEntry reject = last();
        assertEquals(message.substring(0, 400) + "...[" + message.length() + "]", reject.field("why"), "the reason cut");
        assertTrue(reject.line().length() < Bounds.HISTORY_LINE_BYTES, reject.line().length() + " characters");
    }

    /** A service as updated runs it, for the names the RPC's split and bound never let through. */
    private UpdateService updates() {
        return new UpdateService(rig.engine(), rig.tree(), new MediaInputs(rig.paths.media()),
                () -> { throw new AssertionError("a refused name reaches no signature check"); }, rig.console);
    }

    /**
     * The refusal's records: a DENY receipt without a release id whose input is {@code shown} with
     * no digest, the {@code reject} line's {@code input} the same (the media path without its
     * {@code pkg://updates/}: {@code recorded}), nothing quarantined, the console's marker with
     * {@code shown}, every console line printable.
     */
    private void assertRefusedOnTheRecord(String shown, Code code, String recorded) throws Exception {
        List<UpdateReceipt> receipts = rig.engine().receipts().list();
        UpdateReceipt receipt = receipts.get(receipts.size() - 1);
        assertEquals(UpdateReceipt.Decision.DENY, receipt.decision());
        assertEquals(List.of(code), receipt.reasonCodes());
        assertNull(receipt.releaseId(), "nothing in an unverified input is an identity");
        assertNull(receipt.version());
        assertEquals(new RequestedInput(recorded, null), receipt.input());
        HistoryEntry reject = last();
        assertEquals("reject", reject.event());
        assertEquals(receipt.logSeq(), reject.seq());
        assertEquals(recorded, reject.field("input"));
        assertNull(reject.field("release"));
        assertEquals("none", reject.field("quarantined"));
        try (Stream<Path> q = Files.list(rig.tree().quarantine())) {
            assertEquals(0, q.count(), "nothing was read, nothing kept");
        }
        assertTrue(rig.lines().contains(Marker.UPDATE_REJECTED.line(code, shown)), rig.lines().toString());
        assertPrintable();
    }

    private HistoryEntry last() {
        List<HistoryEntry> h = rig.engine().history().read();
        return h.get(h.size() - 1);
    }

    private void assertPrintable() {
        for (String l : rig.lines()) {
            assertTrue(l.chars().noneMatch(c -> Character.isISOControl(c)), "a control character on the console: " + l);
        }
    }
}
