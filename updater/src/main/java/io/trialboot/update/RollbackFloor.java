package io.trialboot.update;

import io.trialboot.core.Code;
import io.trialboot.core.Slot;
import io.trialboot.core.StateFiles;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.hoststate.Domain;
import io.trialboot.hoststate.SlotSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The anti-rollback floor, {@code snapshots/floor} (one version and a newline): no release below it
 * is installed, even with a signed downgrade. It rises with each confirm and never falls.
 */
final class RollbackFloor {
    private static final String FILE = "floor";

    private final Path file;
    private final StateWriter writer;

    RollbackFloor(Domain domain, StateWriter writer) {
        this.file = domain.snapshots().resolve(FILE);
        this.writer = writer;
    }

    /** The floor; 0.0.0 before the first confirm. */
    Version read() {
        if (!Files.exists(file)) {
            return new Version(0, 0, 0);
        }
        String text = new String(StateFiles.read(file, 64, "anti-rollback floor"), StandardCharsets.US_ASCII);
        if (!text.endsWith("\n")) {
            throw new TrialbootException(Code.MALFORMED_INPUT, file + " must end with a newline");
        }
        return Version.parse(text.substring(0, text.length() - 1));
    }

    /**
     * A rollback without a trial may go back to {@code slot} only when what it holds is not below the
     * floor ({@link Code#UPDATE_VERSION_FLOOR}): a confirmed release is only left by a newer one.
     */
    void requireRollbackTo(Slot slot, Optional<SlotSnapshot> holds) {
        Version floor = read();
        if (holds.isPresent() && holds.get().version().isBelow(floor)) {
            throw new TrialbootException(Code.UPDATE_VERSION_FLOOR, "slot " + slot + " holds "
                    + holds.get().version() + ", below the anti-rollback floor " + floor
                    + "; a confirmed release is only left by installing a newer one");
        }
    }

    /** Raises the floor to {@code to}; a lower or equal version leaves it as it is. */
    void raise(Version to) {
        if (read().isBelow(to)) {
            writer.write(file, (to + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }
}
