package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.format.BundleManifest;
import io.trialboot.markers.Marker;
import io.trialboot.update.Probe;
import java.io.PrintStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * One bundle's service in the guest JVM: its verified payload jar in its own class loader (parent:
 * the guest's, so {@link BundleService} is shared), the class the start command names, started on
 * its own thread. Readiness goes NOT_YET → READY when the service calls back, or FAILED when it
 * cannot be loaded or its start throws.
 */
final class BundleRunner {
    private final BundleManifest manifest;
    private final Path payload;
    private volatile Probe.Readiness readiness = Probe.Readiness.NOT_YET;

    BundleRunner(BundleManifest manifest, Path payload) {
        this.manifest = manifest;
        this.payload = payload;
    }

    String name() {
        return manifest.name();
    }

    Probe.Readiness readiness() {
        return readiness;
    }

    /** Starts the service on {@code threads} (in the guest a new daemon thread: a start may block). */
    void start(ClassLoader parent, PrintStream console, Executor threads) {
        List<String> words = Arrays.asList(manifest.start().strip().split(" +"));
        String className = words.get(0);
        List<String> args = List.copyOf(words.subList(1, words.size()));
        threads.execute(() -> run(parent, className, args, console));
    }

    private void run(ClassLoader parent, String className, List<String> args, PrintStream console) {
        try {
            URLClassLoader loader = new URLClassLoader("bundle-" + name(), new URL[] {payload.toUri().toURL()}, parent);
            Class<?> c = Class.forName(className, true, loader);
            if (!BundleService.class.isAssignableFrom(c)) {
                fail(console, Code.SCHEMA_VIOLATION, className + " does not implement " + BundleService.class.getName());
                return;
            }
            BundleService service = (BundleService) c.getDeclaredConstructor().newInstance();
            service.start(args, () -> {
                if (readiness == Probe.Readiness.NOT_YET) {
                    readiness = Probe.Readiness.READY;
                    console.println(Marker.BUNDLE_READY.line(name()));
                }
            });
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            fail(console, Code.HOST_NOT_FOUND, "class " + className + " is not in " + payload + ": " + e);
        } catch (MalformedURLException e) {
            fail(console, Code.HOST_IO_ERROR, "cannot load " + payload + ": " + e);
        } catch (Exception | LinkageError e) {
            fail(console, Code.HEALTH_PROBE_FAILED, "start of " + className + " threw " + e);
        }
    }

    private void fail(PrintStream console, Code code, String why) {
        readiness = Probe.Readiness.FAILED;
        console.println(Marker.BUNDLE_FAILED_WHY.line(name(), code.name(), Marker.oneLine(why)));
        console.println(Marker.BUNDLE_FAILED.line(name(), code.name()));
    }
}
