package io.trialboot.guest;

import java.util.List;

/**
 * A bundle's service: a class in the bundle's payload jar, named by the bundle manifest's start
 * command, that bundlemgrd loads and starts in the guest JVM once the bundle's digest verified
 * (a JVM per bundle would cost seconds of start-up under emulation). healthd counts a bundle
 * ready only after {@code ready} was called.
 */
public interface BundleService {
    /**
     * Starts the service. Calls {@code ready.run()} once it serves — possibly later, from its own
     * thread, or never. Throwing means the bundle failed to start.
     *
     * @param args the start command's arguments after the class name
     */
    void start(List<String> args, Runnable ready) throws Exception;
}
