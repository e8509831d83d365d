package io.trialboot.harness;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Brings a VM to a saved state, making the state once per cache whatever the threads and JVMs that
 * need it ({@link Snapshots#reach}): a usable entry is restored; on a miss the state's lock is taken
 * ({@link StateLock}: the JVM that misses first makes it, another that needs it waits), the cache is
 * looked up again under it, and the entry another maker stored meanwhile is restored, else the state
 * is made here and saved before the lock is let go. A maker that fails or dies lets the lock go
 * without an entry: the waiter then makes the state itself, saying whom it waited for. A missing,
 * stale or damaged entry, or one whose restore fails (evicted), takes the cold path with the reason
 * printed, as before; so do snapshots turned off, with no lock (nothing is shared). The lock file
 * goes once its state is stored ({@link StateLock.Held#dropFile}); a make that stored nothing leaves it.
 */
final class MadeOnce {
    /**
     * How long a maker waits for another to make the state it needs (times the timeout scale): the
     * longest chain of states, factory image to the last campaign state, took about 3 minutes at load 7.
     */
    static final Duration WAIT = Duration.ofMinutes(20);

    private final SnapshotCache cache;
    private final Duration bound;
    private final String who;
    private final Consumer<String> say;

    /**
     * @param bound the longest wait for another maker
     * @param who   this maker, for the lock file (the run directory's test and method)
     * @param say   where the lines go ({@code trialboot: } lines in the tests' output)
     */
    MadeOnce(SnapshotCache cache, Duration bound, String who, Consumer<String> say) {
        this.cache = cache;
        this.bound = bound;
        this.who = who;
        this.say = say;
    }

    /**
     * Restores the state of {@code name} and {@code key} from the cache, or makes it (see the class
     * comment). {@code depth}: how many states lie between it and the cold boot (its lock's place in
     * the order, {@link StateLock}); {@code restore}: restores an entry, false when that failed (said,
     * and evicted); {@code make}: makes the state (reaching its parent first, which may take that one's
     * lock) and saves it.
     */
    void reach(String name, SnapshotKey key, int depth, Predicate<SnapshotCache.Entry> restore, Runnable make) {
        SnapshotCache.Lookup found = cache.find(name, key);
        boolean told = false;
        if (found.entry().isPresent()) {
            if (restore.test(found.entry().get())) return;
            told = true; // the restore's failure is said
        }
        if (cache.off().isPresent()) {
            say.accept("snapshot " + name + ": cold path, " + found.why());
            make.run();
            return;
        }
        try (StateLock.Held held = StateLock.claim(cache.lockFile(name, key), name, depth, bound, who,
                line -> say.accept("snapshot " + name + ": " + line))) {
            found = cache.find(name, key);
            if (found.entry().isPresent()) {
                if (!held.waited().isZero()) {
                    held.waitedFor().ifPresent(h -> say.accept("snapshot " + name + ": made by " + h + " while this one waited "
                            + StateLock.seconds(held.waited())));
                }
                if (restore.test(found.entry().get())) return;
                told = true;
            }
            if (!told) say.accept("snapshot " + name + ": cold path, " + found.why() + after(held));
            make.run();
            if (held.locked() && cache.find(name, key).entry().isPresent()) held.dropFile();
        }
    }

    /** What the cold path line adds about the lock: whom it waited for, who let it go without an entry, or why it goes on without it. */
    private static String after(StateLock.Held held) {
        if (held.without().isPresent()) return "; " + held.without().get();
        return held.waitedFor().map(h -> "; " + held.holderFate() + " let its lock go after " + StateLock.seconds(held.waited())
                + " without saving it: made here").orElse("");
    }
}
