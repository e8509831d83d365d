package io.trialboot.apply;

import io.trialboot.core.Slot;
import io.trialboot.device.BlockDevice;
import io.trialboot.device.ForwardingDevice;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far a slot write has got: {@code written} of the {@code total} bytes of the target image.
 * The guest prints it as {@code update: progress slot=b written=<bytes> total=<bytes>} every
 * {@value #STEP_MIB} MiB and once at the end, for full and delta applies alike. It is a plain
 * console line, not a catalog marker: it reports no durable state (the bytes are not yet synced,
 * the slot is still invalid), so no contract step may wait for it; the harness reads it only to
 * time a power cut ({@link #parse}).
 */
public record Progress(Slot slot, long written, long total) {
    public static final int STEP_MIB = 8;
    /** Bytes between two progress lines. */
    public static final long STEP_BYTES = (long) STEP_MIB << 20;
    private static final Pattern LINE = Pattern.compile("update: progress slot=([ab]) written=(0|[1-9][0-9]{0,17})"
            + " total=([1-9][0-9]{0,17})");

    public Progress {
        Objects.requireNonNull(slot, "slot");
        if (total <= 0 || written < 0 || written > total) {
            throw new IllegalArgumentException("bad progress " + written + " of " + total);
        }
    }

    /** The console line. */
    public String line() {
        return "update: progress slot=" + slot.letter() + " written=" + written + " total=" + total;
    }

    /** The progress a whole console line reports, or empty when it is no progress line. */
    public static Optional<Progress> parse(String line) {
        Matcher m = LINE.matcher(line.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        long written = Long.parseLong(m.group(2));
        long total = Long.parseLong(m.group(3));
        return written > total ? Optional.empty()
                : Optional.of(new Progress(Slot.parse(m.group(1)), written, total));
    }

    /** Receives progress as a slot is written; called on the writing thread. */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = p -> { };

        void report(Progress p);
    }

    /**
     * {@code target}, counting the bytes written through it: {@code listener} hears each time the
     * count crosses a multiple of {@code step}, and once when it reaches {@code total}. Both appliers
     * write every byte of the image exactly once, in order, so the count is the image's progress.
     * The cost is an addition per write call (64 KiB or more) and a line per {@code step}.
     */
    public static BlockDevice reporting(BlockDevice target, Slot slot, long total, long step, Listener listener) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(listener, "listener");
        if (step <= 0) {
            throw new IllegalArgumentException("step must be positive: " + step);
        }
        new Progress(slot, 0, total); // validates slot and total once, up front
        return listener == Listener.NONE ? target : new Reporting(target, slot, total, step, listener);
    }

    private static final class Reporting extends ForwardingDevice {
        private final Slot slot;
        private final long total;
        private final long step;
        private final Listener listener;
        private long written;
        private long next;

        Reporting(BlockDevice target, Slot slot, long total, long step, Listener listener) {
            super(target);
            this.slot = slot;
            this.total = total;
            this.step = step;
            this.listener = listener;
            this.next = Math.min(step, total);
        }

        @Override
        public void write(long offset, ByteBuffer src) {
            int n = src.remaining();
            target.write(offset, src);
            written = Math.min(total, written + n);
            if (written >= next) {
                listener.report(new Progress(slot, written, total));
                next = written >= total ? Long.MAX_VALUE : Math.min(total, (written / step + 1) * step);
            }
        }
    }
}
