package io.trialboot.harness;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lock a saved state is made under ({@link MadeOnce}), one per state (name and key), across the
 * threads of a JVM and across JVMs (Failsafe's forks share the cache): a lock file in the cache
 * taken with {@link FileChannel#tryLock}, behind a lock per file for this JVM's
 * threads (a JVM's file lock is its own, and closing any channel of the file may drop it, so only
 * the thread holding the file's JVM lock opens it). The holder writes who it is into the file
 * ({@code pid <pid> (<test>/<method>)}, emptied as it lets go), so a waiter can say whom it waited
 * for and whether that process still runs. A process that dies holding the lock loses it to the OS; the waiter then gets it.
 *
 * <p><b>Why no two makers deadlock.</b> A state's lock is one lock taken in two layers, always this
 * JVM's first, and it has the state's depth (how many states lie between it and the cold boot,
 * {@link SnapshotRecipe#depth}). A thread <em>waits</em> for a lock only when its depth is below the
 * depth of every state lock it holds; otherwise it takes the lock only if it is free at once, and else
 * makes the state without it (a second make, as before these locks: the first store is kept). The
 * recursion of {@link Snapshots#reach} holds a state's lock while it reaches the parent, so it always
 * asks for a shallower lock than it holds and always may wait. A cycle of waiters T1 → T2 → … → T1
 * cannot form: if Ti waits for a lock Ti+1 holds, the lowest depth Ti+1 holds is at most that lock's,
 * which is below the lowest depth Ti holds, so the lowest depths fall strictly around the cycle. A
 * recipe's steps that reached an unrelated state at the same or a greater depth (none does) would not
 * wait for it. And no wait is unbounded: after {@code bound} the waiter makes the state itself.
 */
final class StateLock {
    private static final Duration POLL = Duration.ofMillis(100);
    /** This JVM's side of each lock file, by its absolute path. */
    private static final Map<Path, InJvm> THREADS = new ConcurrentHashMap<>();
    /** The state locks this thread holds, innermost first. */
    private static final ThreadLocal<Deque<Held>> HELD = ThreadLocal.withInitial(ArrayDeque::new);

    private StateLock() {}

    /**
     * What a claim got: the lock ({@link #locked}), or why it goes on without it ({@link #without}),
     * and whom it waited for; closing it releases the lock.
     */
    static final class Held implements AutoCloseable {
        private final Path file;
        private final String state;
        private final int depth;
        private final Optional<String> holder;
        private final long waitedNanos;
        private final Optional<String> without;
        private final FileChannel channel;
        private final FileLock fileLock;
        private boolean closed;

        private Held(Path file, String state, int depth, Optional<String> holder, long waitedNanos, Optional<String> without,
                FileChannel channel, FileLock fileLock) {
            this.file = file;
            this.state = state;
            this.depth = depth;
            this.holder = holder;
            this.waitedNanos = waitedNanos;
            this.without = without;
            this.channel = channel;
            this.fileLock = fileLock;
        }

        boolean locked() {
            return without.isEmpty();
        }

        /** Why the state is made without its lock; empty when it is held. */
        Optional<String> without() {
            return without;
        }

        /** Whom this claim waited for (as the lock file or this JVM named it), when it waited. */
        Optional<String> waitedFor() {
            return holder;
        }

        Duration waited() {
            return Duration.ofNanos(waitedNanos);
        }

        /** What became of the holder waited for: whether its process still runs. */
        String holderFate() {
            return holder.map(h -> h + Holder.alive(h).map(a -> a ? " (its process still runs)" : " (its process has ended)").orElse(""))
                    .orElse("");
        }

        /**
         * Deletes the lock file while this holds it: the state is stored, so a later claimant finds its
         * entry and takes no lock, and one waiting on this file takes it once let go and finds the entry.
         * (A maker that opened the file just before and a newcomer that finds the entry gone again, as
         * after an eviction, may make the state side by side: the first store is kept, as ever.)
         */
        void dropFile() {
            if (channel == null || closed) return; // a nested claim of this thread: the outer one holds the file
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // an empty file left beside the entries is harmless
            }
        }

        @Override
        public void close() {
            if (closed || !locked()) return;
            closed = true;
            HELD.get().remove(this);
            InJvm threads = THREADS.get(file);
            try {
                if (channel != null) {
                    channel.truncate(0); // a reader that finds the file locked reads its holder, not the last one
                    fileLock.release();
                    channel.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot release the lock " + file, e);
            } finally {
                threads.release();
            }
        }

        @Override
        public String toString() {
            return state + " (depth " + depth + ")";
        }
    }

    /**
     * Takes the lock of {@code state} ({@code file}, at {@code depth}) for {@code who}, waiting at most
     * {@code bound} for another holder (saying so through {@code say}), or goes on without it (see the
     * class comment).
     */
    static Held claim(Path file, String state, int depth, Duration bound, String who, Consumer<String> say) {
        Path f = file.toAbsolutePath().normalize();
        InJvm threads = THREADS.computeIfAbsent(f, k -> new InJvm());
        String me = Holder.me(who);
        String meHere = "thread " + Thread.currentThread().getName() + " of this JVM (" + me + ")";
        boolean again = threads.heldByMe();
        Optional<String> holder = threads.tryTake(meHere);
        if (again) return push(new Held(f, state, depth, Optional.empty(), 0, Optional.empty(), null, null));
        Optional<Held> shallowest = HELD.get().stream().min((a, b) -> Integer.compare(a.depth, b.depth));
        boolean mayWait = shallowest.map(h -> depth < h.depth).orElse(true);
        long t0 = System.nanoTime();
        long deadline = t0 + (mayWait ? bound.toNanos() : 0);
        try {
            if (holder.isPresent()) {
                if (!mayWait) return notWaiting(f, state, depth, holder.get(), shallowest.get());
                say.accept(holder.get() + " is making it; waiting up to " + seconds(bound) + " for it");
                if (!threads.take(meHere, deadline)) return timedOut(f, state, depth, holder.get(), bound, t0);
            }
            FileChannel channel = null;
            try {
                Files.createDirectories(f.getParent());
                channel = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = tryLock(channel);
                if (lock == null) {
                    String other = Holder.read(channel).orElse("another JVM");
                    holder = Optional.of(other);
                    if (mayWait) say.accept(other + " is making it; waiting up to " + seconds(bound) + " for it");
                    while (lock == null && System.nanoTime() < deadline) {
                        Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                        lock = tryLock(channel);
                    }
                    if (lock == null) {
                        channel.close();
                        threads.release();
                        return mayWait ? timedOut(f, state, depth, other, bound, t0) : notWaiting(f, state, depth, other, shallowest.get());
                    }
                }
                Holder.write(channel, me);
                return push(new Held(f, state, depth, holder, System.nanoTime() - t0, Optional.empty(), channel, lock));
            } catch (IOException | RuntimeException | InterruptedException e) {
                if (channel != null) channel.close();
                threads.release();
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException(HarnessCode.SNAPSHOT_FAILED, "interrupted while waiting for the lock of " + state + " (" + f + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take the lock of " + state + " in " + f, e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // this JVM holds it through a cache object of another path spelling: as good as another holder
        }
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
    }

    private static Held push(Held h) {
        HELD.get().push(h);
        return h;
    }

    private static Held notWaiting(Path f, String state, int depth, String holder, Held shallowest) {
        return new Held(f, state, depth, Optional.of(holder), 0, Optional.of(holder + " is making it, and this thread holds the lock of "
                + shallowest + ", no deeper than it: it does not wait (so no two makers wait for each other) and makes it too,"
                + " the first store kept"), null, null);
    }

    private static Held timedOut(Path f, String state, int depth, String holder, Duration bound, long t0) {
        return new Held(f, state, depth, Optional.of(holder), System.nanoTime() - t0, Optional.of(holder + " was still making it after "
                + seconds(bound) + ": made here too, the first store kept"), null, null);
    }

    /** This JVM's side of a lock file: one thread at a time (again and again), known by who it is. */
    private static final class InJvm {
        private Thread owner;
        private String ownerText;
        private int holds;

        synchronized boolean heldByMe() {
            return owner == Thread.currentThread();
        }

        /** Takes it for {@code me} when no other thread holds it; else says who does. */
        synchronized Optional<String> tryTake(String me) {
            if (owner != null && owner != Thread.currentThread()) return Optional.of(ownerText);
            owner = Thread.currentThread();
            if (holds++ == 0) ownerText = me;
            return Optional.empty();
        }

        /** Takes it for {@code me}, waiting until {@code deadline} ({@link System#nanoTime}) at most; false when another still holds it. */
        synchronized boolean take(String me, long deadline) throws InterruptedException {
            while (owner != null && owner != Thread.currentThread()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                wait(Math.max(1, left / 1_000_000));
            }
            owner = Thread.currentThread();
            if (holds++ == 0) ownerText = me;
            return true;
        }

        synchronized void release() {
            if (--holds == 0) {
                owner = null;
                ownerText = null;
                notifyAll();
            }
        }
    }

    /** The text a holder writes into the lock file: {@code pid <pid> (<who>)}. */
    private static final class Holder {
        private static final Pattern PID = Pattern.compile("pid (\\d+)");

        private Holder() {}

        static String me(String who) {
            return "pid " + ProcessHandle.current().pid() + " (" + who + ")";
        }

        static void write(FileChannel channel, String text) throws IOException {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
        }

        static Optional<String> read(FileChannel channel) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(1024);
            int n = channel.read(buf, 0);
            String text = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.UTF_8).strip();
            return PID.matcher(text).lookingAt() ? Optional.of(text) : Optional.empty();
        }

        /** Whether the process a holder's text names still runs; empty when it names none. */
        static Optional<Boolean> alive(String text) {
            Matcher m = PID.matcher(text);
            if (!m.find()) return Optional.empty();
            return Optional.of(ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false));
        }
    }
}
