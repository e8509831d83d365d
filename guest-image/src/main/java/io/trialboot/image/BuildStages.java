package io.trialboot.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Times the image assembly stage by stage: one line as each stage ends
 * ({@code stage 4/9 slot images: 61.3 s}) and a summary at the end, so a long build shows where
 * it is and where the time went, without a line per file. The clock is injected (nanoseconds).
 */
final class BuildStages {
    private record Done(String name, long nanos) {}

    private final int total;
    private final LongSupplier nanoTime;
    private final Consumer<String> log;
    private final List<Done> done = new ArrayList<>();

    BuildStages(int total, LongSupplier nanoTime, Consumer<String> log) {
        if (total < 1) {
            throw new IllegalArgumentException("a build has at least one stage: " + total);
        }
        this.total = total;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Runs one stage and logs its time; a stage that throws is reported as failed after its time. */
    <T> T run(String name, Supplier<T> stage) {
        if (done.size() == total) {
            throw new IllegalStateException("more than the " + total + " stages announced: " + name);
        }
        int index = done.size() + 1;
        long start = nanoTime.getAsLong();
        boolean ok = false;
        try {
            T result = stage.get();
            ok = true;
            return result;
        } finally {
            long nanos = nanoTime.getAsLong() - start;
            if (ok) {
                done.add(new Done(name, nanos));
            }
            log.accept(String.format(Locale.ROOT, "stage %d/%d %s: %s%s", index, total, name, seconds(nanos),
                    ok ? "" : " (FAILED)"));
        }
    }

    /** Runs a stage that returns nothing. */
    void run(String name, Runnable stage) {
        run(name, () -> {
            stage.run();
            return null;
        });
    }

    /** {@code assembled in 84.0 s: unpack 4.1 s, initramfs 0.9 s, ...} */
    String summary() {
        long all = done.stream().mapToLong(Done::nanos).sum();
        StringBuilder sb = new StringBuilder("assembled in " + seconds(all) + ":");
        for (int i = 0; i < done.size(); i++) {
            sb.append(i == 0 ? " " : ", ").append(done.get(i).name()).append(' ').append(seconds(done.get(i).nanos()));
        }
        return sb.toString();
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
