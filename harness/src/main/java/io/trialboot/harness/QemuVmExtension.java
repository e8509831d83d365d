package io.trialboot.harness;

import io.trialboot.harness.error.HarnessException;

import io.trialboot.harness.error.HarnessCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Boots a {@link QemuVm} for tests that ask for one as a parameter: one per test in
 * {@code <runs>/<TestClass>/<method>/}, or with {@link QemuTest#perClass()} one for the whole class
 * in {@code <runs>/<TestClass>/} ({@code <runs>} is system property {@value #RUNS_PROPERTY}, else
 * {@code target/qemu-runs}). The VM lives in the extension store of its test or class and is closed
 * at the end of it; when a test failed, the run directory keeps serial.log, contract-report.txt,
 * timeline.html and the overlay, and their place is printed; otherwise the overlay is deleted and
 * serial.log kept (CI re-checks it offline). With {@value KeptVm#PROPERTY} (a JUnit configuration
 * parameter or system property) a failed test's VM keeps running for a person until it is quit
 * ({@link KeptVm}).
 *
 * <p>System properties: {@value GuestImage#PROPERTY} (the image), {@value TimeoutScale#PROPERTY}
 * (or env {@value TimeoutScale#ENV}), {@value #QEMU_PROPERTY} and {@value #QEMU_IMG_PROPERTY}
 * (other binaries than those on PATH).
 */
public final class QemuVmExtension implements ParameterResolver, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    public static final String RUNS_PROPERTY = "trialboot.runs";
    public static final String QEMU_PROPERTY = "trialboot.qemu";
    public static final String QEMU_IMG_PROPERTY = "trialboot.qemuImg";

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(QemuVmExtension.class);
    private static final String FAILED = "failed";
    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();
    /** Run directories handed out in this JVM: a repeated or parameterized test gets -2, -3, ... */
    private static final Set<Path> USED = ConcurrentHashMap.newKeySet();

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.getParameter().getType() == QemuVm.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        boolean perClass = classAnnotation(ec).map(QemuTest::perClass).orElse(false);
        ExtensionContext owner = perClass ? classContext(ec) : ec;
        ExtensionContext.Store store = owner.getStore(NS);
        QemuVm existing = store.get(QemuVm.class, QemuVm.class);
        if (existing != null) return existing;
        if (perClass && methodAnnotation(ec).isPresent()) {
            throw new HarnessException(HarnessCode.CONFIG_INVALID, "a per-class VM is configured on the class only: "
                    + "remove @QemuTest from " + ec.getRequiredTestMethod().getName());
        }
        TimeoutScale scale = TimeoutScale.fromEnvironment();
        Optional<QemuTest> settings = settings(ec, perClass);
        VmConfig config = config(settings, GuestImage.fromSystemProperty(), scale, runDir(ec, perClass));
        QemuVm vm = switch (settings.map(QemuTest::start).orElse(QemuTest.Start.COLD_BOOT)) {
            case COLD_BOOT -> QemuVm.start(config);
            case FACTORY_AT_CONSOLE -> QemuVm.start(config, SnapshotRecipe.FACTORY_AT_CONSOLE);
            case FIRST_REACH -> QemuVm.prepare(config);
        };
        announce(scale, vm.accelerated());
        store.put(QemuVm.class, vm); // closed in afterEach/afterAll; the store closes it too if those never run
        return vm;
    }

    /**
     * A container test without a container runner is aborted here, as an assumption with the reason:
     * thrown from parameter resolution it would count as a failure.
     */
    @Override
    public void beforeEach(ExtensionContext ec) {
        boolean perClass = classAnnotation(ec).map(QemuTest::perClass).orElse(false);
        if (!settings(ec, perClass).map(QemuTest::container).orElse(false)) return;
        ContainerImage image = ContainerImage.get();
        if (image.tag().isEmpty()) {
            System.out.println("trialboot: SKIPPED " + ec.getDisplayName() + ": " + image.skipReason());
            Assumptions.abort("no container runner: " + image.skipReason());
        }
    }

    private static Optional<QemuTest> settings(ExtensionContext ec, boolean perClass) {
        return perClass ? classAnnotation(ec) : methodAnnotation(ec).or(() -> classAnnotation(ec));
    }

    @Override
    public void afterEach(ExtensionContext ec) {
        QemuVm vm = ec.getStore(NS).remove(QemuVm.class, QemuVm.class);
        if (vm != null) {
            finish(vm, ec.getExecutionException().isPresent(), ec.getDisplayName(), ec);
        } else if (ec.getExecutionException().isPresent()) {
            classContext(ec).getStore(NS).put(FAILED, Boolean.TRUE); // decides what the class VM keeps
        }
    }

    @Override
    public void afterAll(ExtensionContext ec) {
        ExtensionContext.Store store = ec.getStore(NS);
        QemuVm vm = store.remove(QemuVm.class, QemuVm.class);
        if (vm != null) {
            boolean failed = Boolean.TRUE.equals(store.get(FAILED, Boolean.class)) || ec.getExecutionException().isPresent();
            finish(vm, failed, ec.getDisplayName(), ec);
        }
    }

    private static void finish(QemuVm vm, boolean failed, String name, ExtensionContext ec) {
        if (failed && vm.isRunning() && ec.getConfigurationParameter(KeptVm.PROPERTY, Boolean::parseBoolean).orElse(false)) {
            KeptVm.serve(vm, name, System.out);
        }
        vm.close();
        if (failed) {
            String kept = Stream.of(vm.serialLog(), vm.reportFile(), vm.timelineFile(), vm.contractsFile(), vm.overlay())
                    .filter(Files::exists).map(p -> p.getFileName().toString()).reduce((a, b) -> a + ", " + b).orElse("nothing");
            System.out.println("trialboot: " + name + " failed; kept in " + vm.runDir() + ": " + kept
                    + "; report: " + vm.timelineFile().toUri()
                    + (Files.exists(vm.overlay()) ? "; its device: scripts/vm --from " + vm.runDir() : ""));
            ec.publishReportEntry("trialboot.run", vm.runDir().toString());
        } else {
            try {
                Files.deleteIfExists(vm.overlay());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + vm.overlay(), e);
            }
        }
    }

    static VmConfig config(Optional<QemuTest> settings, GuestImage image, TimeoutScale scale, Path runDir) {
        VmConfig.Builder b = VmConfig.builder(image, runDir).scale(scale);
        String qemu = System.getProperty(QEMU_PROPERTY);
        if (qemu != null && !qemu.isBlank()) b.qemuBinary(qemu);
        String qemuImg = System.getProperty(QEMU_IMG_PROPERTY);
        if (qemuImg != null && !qemuImg.isBlank()) b.qemuImgBinary(qemuImg);
        settings.filter(t -> t.smp() > 0).ifPresent(t -> b.smp(t.smp()));
        settings.ifPresent(t -> b.image(image.withExtraAppend(t.append()))
                .memory(t.memory())
                .attachMedia(t.media() && image.media().isPresent())
                .hotplugPort(t.hotplugPort())
                .extraArgs(List.of(t.qemuArgs())));
        settings.filter(QemuTest::container).ifPresent(t -> b.containerImage(ContainerImage.get().tag().orElseThrow()));
        return b.build();
    }

    private static Optional<QemuTest> methodAnnotation(ExtensionContext ec) {
        return ec.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, QemuTest.class));
    }

    private static Optional<QemuTest> classAnnotation(ExtensionContext ec) {
        return ec.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, QemuTest.class));
    }

    /** The context of the test class (the test's parent, or the class context itself). */
    private static ExtensionContext classContext(ExtensionContext ec) {
        return ec.getTestMethod().isPresent() ? ec.getParent().orElseThrow() : ec;
    }

    /** A fresh {@code <runs>/<TestClass>[/<method>]} (its old contents from an earlier build removed). */
    static Path runDir(ExtensionContext ec, boolean perClass) {
        String runs = System.getProperty(RUNS_PROPERTY);
        Path root = Path.of(runs == null || runs.isBlank() ? "target/qemu-runs" : runs).toAbsolutePath();
        String cls = ec.getTestClass().map(Class::getSimpleName).orElse("unknown");
        String leaf = perClass ? cls : ec.getTestMethod().map(Method::getName).orElse("unknown");
        Path base = perClass ? root.resolve(cls) : root.resolve(cls).resolve(leaf);
        Path dir = base;
        for (int n = 2; !USED.add(dir); n++) dir = base.resolveSibling(leaf + "-" + n);
        deleteTree(dir);
        return dir;
    }

    /** Once per JVM: the scale, and a warning when QEMU is emulating (each run's timeline.html says it too). */
    private static void announce(TimeoutScale scale, boolean accelerated) {
        if (!ANNOUNCED.compareAndSet(false, true)) return;
        System.out.println("trialboot: timeout scale " + scale);
        if (!accelerated) {
            System.out.println("trialboot: WARNING: QEMU runs without acceleration (TCG emulation on "
                    + System.getProperty("os.arch") + "); on a slow host raise -D" + TimeoutScale.PROPERTY
                    + " or " + TimeoutScale.ENV);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear run directory " + dir, e);
        }
    }
}
