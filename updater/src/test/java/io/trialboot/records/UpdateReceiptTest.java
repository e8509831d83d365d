package io.trialboot.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateReceiptTest {
    @TempDir
    Path dir;

    private static UpdateReceipt denied(long attempt) {
        return new UpdateReceipt(attempt, "build-1", new RequestedInput("releases/1.1.0/manifest.nxm", "cd".repeat(32)),
                "rel-1.1.0", "1.1.0", "full", "b", "ab".repeat(32), null,
                null, UpdateReceipt.Decision.DENY, List.of(Code.UPDATE_VERSION_FLOOR), UpdateReceipt.InstallStatus.NOT_STARTED,
                UpdateReceipt.SwitchOutcome.NOT_ATTEMPTED, 4);
    }

    @Test
    void roundTripsThroughTheStoreInAttemptOrder() {
        ReceiptStore store = new ReceiptStore(dir, StateWriter.DURABLE);
        assertEquals(1, store.nextAttempt());
        store.write(denied(1));
        store.write(denied(2));
        assertEquals(3, store.nextAttempt());
        assertEquals(List.of(denied(1), denied(2)), store.list());
    }

    @Test
    void receiptWithoutSchemaVersionOrBuildIdIsAnOldContract() throws Exception {
        byte[] old = "{\"attempt\":1,\"decision\":\"ALLOW\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(Optional.empty(), UpdateReceipt.decode(old));
        Files.write(dir.resolve("receipt-000001.json"), old);
        ReceiptStore store = new ReceiptStore(dir, StateWriter.DURABLE);
        assertEquals(List.of(), store.list());
        assertEquals(2, store.nextAttempt());
    }

    @Test
    void denyWithoutReasonIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new UpdateReceipt(1, "b", null, "r", "1.0.0", "full", "b", null,
                null, null, UpdateReceipt.Decision.DENY, List.of(), UpdateReceipt.InstallStatus.NOT_STARTED,
                UpdateReceipt.SwitchOutcome.NOT_ATTEMPTED, 0));
    }

    @Test
    void aRefusedInputHasNoReleaseIdOnlyItsNameAsShownAndTheDigestOfWhatWasRead() {
        byte[] read = "not a manifest".getBytes(StandardCharsets.UTF_8);
        UpdateReceipt r = UpdateReceipt.refused(1, "build-1", RequestedInput.of("x\nrel-9.9.9\u001b", Optional.of(read)),
                Code.SIG_INVALID, 3);
        String json = new String(r.encode(), StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\"schemaVersion\":\"UpdateReceipt/2\",\"buildId\":\"build-1\",\"attempt\":1,"
                + "\"inputName\":\"x\\\\x0arel-9.9.9\\\\x1b\",\"inputSha256\":\"" + Sha256.of(read).hex()
                + "\",\"releaseId\":null,\"version\":null,"), json);
        assertEquals(Optional.of(r), UpdateReceipt.decode(r.encode()));
        assertThrows(IllegalArgumentException.class, () -> new UpdateReceipt(1, "b", null, null, "1.0.0", "full", "b",
                null, null, null, UpdateReceipt.Decision.DENY, List.of(Code.UPDATE_VERSION_FLOOR),
                UpdateReceipt.InstallStatus.NOT_STARTED, UpdateReceipt.SwitchOutcome.NOT_ATTEMPTED, 0),
                "a receipt with a release's fields names the release");
    }

    @Test
    void aReceiptWithAControlCharacterInItsInputNameIsMalformed() {
        assertMalformedWith("releases/1.1.0/", "releases/\\u001b/");
    }

    /** {@link #denied}'s receipt with {@code from} replaced by {@code to} does not decode: {@code MALFORMED_INPUT}. */
    private static void assertMalformedWith(String from, String to) {
        String text = new String(denied(1).encode(), StandardCharsets.UTF_8).replace(from, to);
        TrialbootException e = assertThrows(TrialbootException.class,
                () -> UpdateReceipt.decode(text.getBytes(StandardCharsets.UTF_8)));
        assertEquals(Code.MALFORMED_INPUT, e.code());
        assertTrue(e.getMessage().startsWith("MALFORMED_INPUT: receipt: "), e.getMessage());
    }

    @Test
    void aVersion1ReceiptIsReadItsRefusedInputsNameNoLongerAReleaseId() {
        String refused = "{\"schemaVersion\":\"UpdateReceipt/1\",\"buildId\":\"b\",\"attempt\":2,"
                + "\"releaseId\":\"../../etc/passwd\\u001b\",\"version\":null,\"kind\":null,\"targetSlot\":null,"
                + "\"expectedSha256\":null,\"verityRootHash\":null,\"observedSha256\":null,\"decision\":\"DENY\","
                + "\"reasonCodes\":[\"MALFORMED_INPUT\"],\"installStatus\":\"NOT_STARTED\","
                + "\"switchOutcome\":\"NOT_ATTEMPTED\",\"logSeq\":7}\n";
        UpdateReceipt r = UpdateReceipt.decode(refused.getBytes(StandardCharsets.UTF_8)).orElseThrow();
        assertEquals(UpdateReceipt.refused(2, "b", new RequestedInput("../../etc/passwd\\x1b", null), Code.MALFORMED_INPUT, 7), r);
        String installed = new String(denied(1).encode(), StandardCharsets.UTF_8).replace("UpdateReceipt/2", "UpdateReceipt/1")
                .replaceFirst("\"inputName\":\"[^\"]*\",\"inputSha256\":\"[0-9a-f]*\",", "");
        assertEquals(Optional.of(new UpdateReceipt(1, "build-1", null, "rel-1.1.0", "1.1.0", "full", "b", "ab".repeat(32),
                null, null, UpdateReceipt.Decision.DENY, List.of(Code.UPDATE_VERSION_FLOOR),
                UpdateReceipt.InstallStatus.NOT_STARTED, UpdateReceipt.SwitchOutcome.NOT_ATTEMPTED, 4)),
                UpdateReceipt.decode(installed.getBytes(StandardCharsets.UTF_8)), "a release's receipt keeps its id, no input");
    }

    @Test
    void unknownReasonCodeIsMalformed() {
        assertMalformedWith("UPDATE_VERSION_FLOOR", "NOPE");
    }

    @Test
    void hostStatusLatestIsTheHighestNumber() {
        new HostStatus(2, "b", List.of(), List.of()).write(dir, StateWriter.DURABLE);
        new HostStatus(10, "b", List.of("log chain: LOG_TORN"), List.of("slot a: verity root hash 00 (signed)")).write(dir, StateWriter.DURABLE);
        Path latest = HostStatus.latest(dir).orElseThrow();
        assertEquals("host_status_10.json", latest.getFileName().toString());
        HostStatus s = HostStatus.read(latest);
        assertEquals(List.of("log chain: LOG_TORN"), s.failures());
        assertEquals(false, s.ok());
    }
}
