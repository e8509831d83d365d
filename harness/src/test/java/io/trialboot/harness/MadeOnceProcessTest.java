package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A saved state is made once per cache across JVMs, as Failsafe's forks share it: another JVM that
 * makes it first is waited for and its entry restored; one that dies while making it loses its lock
 * to the OS, and the waiter makes the state, saying so. The other JVM is {@link #main}, started here.
 */
class MadeOnceProcessTest {
    @TempDir
    Path dir;

    private final List<String> said = Collections.synchronizedList(new ArrayList<>());
    private Process other;

    @AfterEach
    void stopTheOtherJvm() {
        if (other != null) other.destroyForcibly();
    }

    /**
     * The other JVM: {@code <make|die> <cache dir> <state> <signal dir>}. Reaches the state; its make
     * writes {@code making} in the signal directory once it holds the state's lock, then either waits
     * for {@code go} there and saves the state ({@code make}) or never ends ({@code die}).
     */
    public static void main(String[] args) throws IOException {
        SnapshotCache cache = SnapshotCache.at(Path.of(args[1]));
        Path signals = Path.of(args[3]);
        new MadeOnce(cache, Duration.ofSeconds(60), "other-jvm", System.out::println).reach(args[2], MadeOnceFixture.key(args[2]), 0,
                e -> touch(signals.resolve("restored")), () -> {
                    touch(signals.resolve("making"));
                    if (args[0].equals("die")) sleep(Duration.ofMinutes(10));
                    for (int i = 0; i < 600 && Files.notExists(signals.resolve("go")); i++) sleep(Duration.ofMillis(100));
                    MadeOnceFixture.store(cache, args[2], "the other JVM");
                    touch(signals.resolve("made"));
                });
    }

    private static boolean touch(Path p) {
        try {
            Files.writeString(p, "");
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the other JVM ({@link #main}) and returns once it holds the lock of {@code state} and is making it. */
    private Path startOther(String mode, SnapshotCache cache, String state) throws IOException {
        Path signals = Files.createDirectories(dir.resolve("signals"));
        other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), MadeOnceProcessTest.class.getName(), mode, cache.dir().toString(), state,
                signals.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("other.log").toFile()).start();
        for (int i = 0; i < 600 && Files.notExists(signals.resolve("making")); i++) {
            assertTrue(other.isAlive(), () -> "the other JVM ended: " + log());
            sleep(Duration.ofMillis(100));
        }
        assertTrue(Files.exists(signals.resolve("making")), () -> "the other JVM is not making the state within 60 s: " + log());
        return signals;
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("other.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Test
    void aStateAnotherJvmIsMakingIsWaitedForAndRestoredNotMadeAgain() throws Exception {
        SnapshotCache cache = SnapshotCache.at(dir.resolve("cache"));
        Path signals = startOther("make", cache, "factory-at-console");
        AtomicInteger made = new AtomicInteger();
        AtomicInteger restored = new AtomicInteger();
        new MadeOnce(cache, Duration.ofSeconds(60), "this-jvm", line -> {
            said.add(line);
            if (line.contains("is making it; waiting")) touch(signals.resolve("go"));
        }).reach("factory-at-console", MadeOnceFixture.key("factory-at-console"), 0, e -> restored.incrementAndGet() > 0, made::incrementAndGet);
        assertTrue(other.waitFor(60, TimeUnit.SECONDS), log());
        assertEquals(0, other.exitValue(), log());
        assertEquals(0, made.get(), said.toString());
        assertEquals(1, restored.get(), said.toString());
        assertTrue(Files.exists(signals.resolve("made")) && Files.notExists(signals.resolve("restored")), log());
        String pid = "pid " + other.pid() + " (other-jvm)";
        assertEquals(List.of("snapshot factory-at-console: " + pid + " is making it; waiting up to 60.0 s for it"), said.subList(0, 1));
        assertTrue(said.get(1).matches("snapshot factory-at-console: made by \\Q" + pid + "\\E while this one waited \\d+\\.\\d s"),
                said.toString());
        assertEquals(2, said.size(), said.toString());
    }

    @Test
    void aJvmThatDiesMakingAStateLosesItsLockAndTheWaiterMakesItSayingSo() throws Exception {
        SnapshotCache cache = SnapshotCache.at(dir.resolve("cache"));
        startOther("die", cache, "factory-at-console");
        AtomicInteger made = new AtomicInteger();
        new MadeOnce(cache, Duration.ofSeconds(60), "this-jvm", line -> {
            said.add(line);
            if (line.contains("is making it; waiting")) {
                other.destroyForcibly();
                try {
                    other.waitFor(30, TimeUnit.SECONDS); // reaped: its pid no longer names a process
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).reach("factory-at-console", MadeOnceFixture.key("factory-at-console"), 0, e -> false, () -> {
            made.incrementAndGet();
            MadeOnceFixture.store(cache, "factory-at-console", "this JVM");
        });
        assertEquals(1, made.get(), said.toString());
        assertTrue(said.get(1).matches("snapshot factory-at-console: cold path, no snapshot yet in \\Q" + cache.dir() + "\\E; pid "
                + other.pid() + " \\(other-jvm\\) \\(its process has ended\\) let its lock go after \\d+\\.\\d s without saving it:"
                + " made here"), said.toString());
        try (Stream<Path> s = Files.list(cache.dir())) {
            assertEquals(1, s.filter(p -> p.getFileName().toString().startsWith("factory-at-console-")).count());
        }
    }
}
