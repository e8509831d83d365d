package io.trialboot.hoststate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which applied admission is in force, read from the admission directory alone (the guest's trust thread does). */
class AdmissionLedgerTest {
    @TempDir
    Path dir;

    @Test
    void onlyDirectoriesOfExactlySixDigitsAreAppliedAdmissions() throws Exception {
        assertEquals(Optional.empty(), AdmissionLedger.latest(dir), "the factory's record alone");
        Files.write(dir.resolve("dam.cbor"), new byte[] {1});
        for (String notOne : new String[] {"2", "0000003", "00000a", "99999x", "９９９９９９", "tmp"}) {
            Files.createDirectory(dir.resolve(notOne));
        }
        Files.write(dir.resolve("000009"), new byte[] {1}); // a file, not a directory
        assertEquals(Optional.empty(), AdmissionLedger.latest(dir));
        Files.createDirectory(dir.resolve("000001"));
        Files.createDirectory(dir.resolve("000010"));
        Files.createDirectory(dir.resolve("000002"));
        assertEquals(Optional.of(dir.resolve("000010")), AdmissionLedger.latest(dir));
    }

    @Test
    void sixAsciiDigits() {
        assertTrue(AdmissionLedger.isSequence("000000"));
        assertTrue(AdmissionLedger.isSequence("999999"));
        for (String no : new String[] {"", "00000", "0000000", "00000a", "/00000", "٠٠٠٠٠٠"}) {
            assertFalse(AdmissionLedger.isSequence(no), no);
        }
    }

    @Test
    void anUnlistableDirectoryIsAnIoError() {
        TrialbootException e = org.junit.jupiter.api.Assertions.assertThrows(TrialbootException.class,
                () -> AdmissionLedger.latest(dir.resolve("missing")));
        assertEquals(Code.HOST_IO_ERROR, e.code());
    }
}
