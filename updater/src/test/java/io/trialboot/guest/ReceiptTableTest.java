package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trialboot.core.Code;
import io.trialboot.records.RequestedInput;
import io.trialboot.records.UpdateReceipt;
import io.trialboot.records.UpdateReceipt.Decision;
import io.trialboot.records.UpdateReceipt.InstallStatus;
import io.trialboot.records.UpdateReceipt.SwitchOutcome;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReceiptTableTest {
    private static final String SHA = "ab".repeat(32);
    private static final String ROOT = "cd".repeat(32);

    @Test
    void oneBlockPerReceiptWithAlignedFieldsAndDashesForWhatIsNotKnown() {
        UpdateReceipt installed = new UpdateReceipt(1, "build-7", new RequestedInput("releases/1.1.0/manifest.nxm", SHA),
                "trialboot-1.1.0", "1.1.0", "full", "b", SHA, ROOT, SHA,
                Decision.ALLOW, List.of(), InstallStatus.INSTALLED, SwitchOutcome.CONFIRMED, 4);
        UpdateReceipt refused = UpdateReceipt.refused(2, "build-7", RequestedInput.of("../../etc/\u001b[2Jpasswd",
                Optional.empty()), Code.MALFORMED_INPUT, 9);
        assertEquals(List.of(
                "receipt 1: ALLOW",
                "  input             releases/1.1.0/manifest.nxm",
                "  input sha256      " + SHA,
                "  release           trialboot-1.1.0",
                "  version           1.1.0",
                "  kind              full",
                "  target slot       b",
                "  install           INSTALLED",
                "  switch            CONFIRMED",
                "  expected sha256   " + SHA,
                "  observed sha256   " + SHA,
                "  verity root hash  " + ROOT,
                "  history line      4",
                "  build             build-7",
                "",
                "receipt 2: DENY MALFORMED_INPUT",
                "  input             ../../etc/\\x1b[2Jpasswd",
                "  input sha256      -",
                "  release           -",
                "  version           -",
                "  kind              -",
                "  target slot       -",
                "  install           NOT_STARTED",
                "  switch            NOT_ATTEMPTED",
                "  expected sha256   -",
                "  observed sha256   -",
                "  verity root hash  -",
                "  history line      9",
                "  build             build-7"), ReceiptTable.lines(List.of(installed, refused)));
    }

    @Test
    void noReceiptsSaysSo() {
        assertEquals(List.of("no receipts: nothing was installed or refused yet"), ReceiptTable.lines(List.of()));
    }

    @Test
    void everyReasonCodeOfADenialIsOnItsFirstLine() {
        UpdateReceipt r = new UpdateReceipt(3, "b", null, "r", "1.0.0", "full", "b", SHA, null, null, Decision.DENY,
                List.of(Code.UPDATE_VERSION_FLOOR, Code.UPDATE_PRECHECK_FAILED), InstallStatus.NOT_STARTED,
                SwitchOutcome.NOT_ATTEMPTED, 5);
        assertEquals("receipt 3: DENY UPDATE_VERSION_FLOOR, UPDATE_PRECHECK_FAILED", ReceiptTable.lines(List.of(r)).get(0));
    }
}
