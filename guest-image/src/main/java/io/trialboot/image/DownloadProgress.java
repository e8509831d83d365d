package io.trialboot.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Progress of a package download, measured on disk rather than parsed from apt's output: every
 * {@link #INTERVAL} a line such as {@code apt: downloading 3/7 packages (54.2 MiB of 151.0 MiB)}
 * (only when something moved), so a slow mirror shows as numbers, not silence. A package counts as
 * done when its file has its full size; bytes of a file still arriving are counted whether apt
 * writes it in place or under {@code partial/}.
 */
final class DownloadProgress implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofSeconds(5);

    /** One package being fetched: the file it becomes and its size from the signed index. */
    record Expected(Path file, long size) {
        Expected {
            Objects.requireNonNull(file, "file");
            if (size < 0) {
                throw new IllegalArgumentException("size must be >= 0: " + size);
            }
        }

        long bytesOnDisk() {
            long whole = sizeOf(file);
            return whole > 0 ? whole : sizeOf(file.resolveSibling("partial").resolve(file.getFileName()));
        }
    }

    private final List<Expected> expected;
    private final Consumer<String> log;
    private final ScheduledExecutorService ticker;
    private String last = "";

    private DownloadProgress(List<Expected> expected, Consumer<String> log) {
        this.expected = List.copyOf(expected);
        this.log = log;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "download-progress");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts reporting every {@link #INTERVAL} until {@link #close()}, which reports once more. */
    static DownloadProgress start(List<Expected> expected, Consumer<String> log) {
        DownloadProgress p = new DownloadProgress(expected, log);
        p.ticker.scheduleAtFixedRate(p::report, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return p;
    }

    /** The progress line for what is on disk now. */
    static String line(List<Expected> expected) {
        int done = 0;
        long bytes = 0;
        long total = 0;
        for (Expected e : expected) {
            long have = Math.min(e.bytesOnDisk(), e.size());
            bytes += have;
            total += e.size();
            if (have == e.size() && Files.isRegularFile(e.file())) {
                done++;
            }
        }
        return String.format(Locale.ROOT, "apt: downloading %d/%d packages (%.1f MiB of %.1f MiB)", done,
                expected.size(), bytes / (double) DiskImage.MIB, total / (double) DiskImage.MIB);
    }

    private synchronized void report() {
        String now = line(expected);
        if (!now.equals(last)) {
            log.accept(now);
            last = now;
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        report();
    }

    private static long sizeOf(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0; // the file moved between the check and the size: the next tick sees it
        }
    }
}
