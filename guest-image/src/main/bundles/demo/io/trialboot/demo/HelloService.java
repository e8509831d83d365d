package io.trialboot.demo;

import io.trialboot.guest.BundleService;
import java.util.List;

/**
 * The demo bundle {@code hello}'s service, in every release fixture. Its start arguments choose how
 * it behaves, so one payload serves every scenario:
 * <ul>
 *   <li>{@code --ready}: serves at once (v1.0.0, v1.1.0: a healthy release);</li>
 *   <li>{@code --never-ready}: starts but never reports ready (v1.2.0: healthd's trial fails);</li>
 *   <li>{@code --crash}: halts the whole guest JVM with exit status 70 before healthd can run
 *       (v1.3.0: a crash loop that stage 0 ends by falling back).</li>
 * </ul>
 */
public final class HelloService implements BundleService {
    /** The exit status of {@code --crash} (EX_SOFTWARE). */
    static final int CRASH_STATUS = 70;

    @Override
    public void start(List<String> args, Runnable ready) {
        if (args.size() != 1) {
            throw new IllegalArgumentException("hello takes exactly one of --ready, --never-ready, --crash; got " + args);
        }
        switch (args.get(0)) {
            case "--ready" -> ready.run();
            case "--never-ready" -> { }
            // halt, not exit: no shutdown hook may run, as when a real service takes the JVM down.
            case "--crash" -> Runtime.getRuntime().halt(CRASH_STATUS);
            default -> throw new IllegalArgumentException(
                    "hello: unknown argument " + args.get(0) + " (expected --ready, --never-ready or --crash)");
        }
    }
}
