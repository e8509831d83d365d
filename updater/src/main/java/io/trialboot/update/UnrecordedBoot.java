package io.trialboot.update;

import io.trialboot.bootctl.BootRecord;
import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.util.Objects;
import java.util.Set;

/**
 * {@link UpdateEngine#onBoot()} counted the boot in boot control but could not read the history, so
 * the boot runs without writing it: the log is damaged ({@link Code#LOG_TORN}, {@link
 * Code#LOG_CHAIN_BROKEN}, a line or the log over its bound, {@link Code#HOST_INPUT_OVERSIZE}, the
 * file gone, {@link Code#HOST_NOT_FOUND}) or cannot be read ({@link Code#HOST_IO_ERROR}). Carries the
 * read's code and message and the boot as boot control recorded it; bootctld says so and comes up,
 * so the console stays reachable for the repair (docs/operator-guide.md) instead of the services
 * failing at every start until stage 0 gives up on both slots.
 */
public final class UnrecordedBoot extends TrialbootException {
    /** The codes a whole read of the history gives for a log it cannot take (docs/formats.md, the reads). */
    private static final Set<Code> UNREADABLE = Set.of(Code.LOG_TORN, Code.LOG_CHAIN_BROKEN, Code.HOST_INPUT_OVERSIZE,
            Code.HOST_NOT_FOUND, Code.HOST_IO_ERROR);

    private final transient BootRecord boot;

    UnrecordedBoot(BootRecord boot, TrialbootException cause) {
        super(cause.code(), cause.detail(), cause);
        this.boot = Objects.requireNonNull(boot, "boot");
    }

    /** Whether {@code code}, from a read of the history, says the log cannot be taken (damaged or unreadable). */
    public static boolean unreadable(Code code) {
        return UNREADABLE.contains(code);
    }

    /** This boot, as boot control recorded it. */
    public BootRecord boot() {
        return boot;
    }
}
