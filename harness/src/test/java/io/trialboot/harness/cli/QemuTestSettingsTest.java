package io.trialboot.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.markers.Contract;
import io.trialboot.markers.ContractException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** scripts/qemu-test.sh's CONTRACT= takes a built-in contract name or a contract file, as its header says. */
class QemuTestSettingsTest {
    private static final Path FILE = Path.of("..", "markers", "contracts", "first-boot.contract");

    @Test
    void aContractFileIsTakenAsMarkersCheckTakesIt() {
        QemuTestCli.Settings s = QemuTestCli.Settings.read(new Knobs(Map.of("CONTRACT", FILE.toString())));
        assertEquals(Contract.load(FILE), s.contract());
        assertEquals(FILE.toString(), s.contractArg(), "the verdict's markers check gets the same argument");
    }

    @Test
    void aBuiltInNameStillWorksAndAnUnknownOneIsRefusedWithItsCode() {
        assertEquals(Contract.builtIn("ota-cycle"), QemuTestCli.Settings.read(new Knobs(Map.of())).contract());
        ContractException e = assertThrows(ContractException.class,
                () -> QemuTestCli.Settings.read(new Knobs(Map.of("CONTRACT", "no-such-contract"))));
        assertEquals(ContractException.Code.CONTRACT_NOT_FOUND, e.code());
        assertTrue(e.getMessage().startsWith("CONTRACT_NOT_FOUND: "), e.getMessage());
    }
}
