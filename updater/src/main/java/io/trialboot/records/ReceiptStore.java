package io.trialboot.records;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Slot;
import io.trialboot.core.StateFiles;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The receipts directory: {@code receipt-<attempt, 6 digits>.json}, one per install attempt. */
public final class ReceiptStore {
    private static final Pattern NAME = Pattern.compile("receipt-(\\d{6})\\.json");
    private final Path dir;
    private final StateWriter writer;

    public ReceiptStore(Path dir, StateWriter writer) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    /** The next attempt number: one past the highest receipt present. */
    public long nextAttempt() {
        long max = 0;
        for (long n : attempts()) {
            max = Math.max(max, n);
        }
        return max + 1;
    }

    private List<Long> attempts() {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(Long.parseLong(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot list receipts in " + dir + ": " + IoFailure.reason(e), e);
        }
        out.sort(null);
        return out;
    }

    public Path path(long attempt) {
        return dir.resolve(String.format("receipt-%06d.json", attempt));
    }

    public void write(UpdateReceipt r) {
        writer.write(path(r.attempt()), r.encode());
    }

    /**
     * The trial of {@code slot} ended: the latest receipt that put it on trial gets {@code outcome},
     * {@code reason} (when there is one) and the history line {@code seq} that recorded the end.
     */
    public void settleTrial(Slot slot, UpdateReceipt.SwitchOutcome outcome, Code reason, long seq) {
        List<UpdateReceipt> all = list();
        for (int i = all.size() - 1; i >= 0; i--) {
            UpdateReceipt r = all.get(i);
            if (r.switchOutcome() == UpdateReceipt.SwitchOutcome.TRIAL_SET && slot.letter().equals(r.targetSlot())) {
                write(r.withSwitch(outcome).withReasons(reason == null ? List.of() : List.of(reason)).withLogSeq(seq));
                return;
            }
        }
    }

    /** Current-contract receipts in attempt order; old-contract ones are skipped (see {@link UpdateReceipt#decode}). */
    public List<UpdateReceipt> list() {
        List<UpdateReceipt> out = new ArrayList<>();
        for (long n : attempts()) {
            read(n).ifPresent(out::add);
        }
        return out;
    }

    public Optional<UpdateReceipt> read(long attempt) {
        return UpdateReceipt.decode(StateFiles.read(path(attempt), Bounds.RECORD_BYTES, "receipt"));
    }
}
