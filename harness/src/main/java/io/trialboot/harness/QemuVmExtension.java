package io.trialboot.harness;

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
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Boots one {@link QemuVm} per test that asks for it as a parameter, in
 * {@code <runs>/<TestClass>/<method>/} ({@code <runs>} is system property {@value #RUNS_PROPERTY},
 * else {@code target/qemu-runs}). After the test the VM is closed; when the test failed, the run
 * directory keeps serial.log, contract-report.txt and the overlay, and their place is printed;
 * when it passed, the overlay is deleted and serial.log kept (CI re-checks it offline).
 *
 * <p>System properties: {@value GuestImage#PROPERTY} (the image), {@value TimeoutScale#PROPERTY}
 * (or env {@value TimeoutScale#ENV}), {@value #QEMU_PROPERTY} and {@value #QEMU_IMG_PROPERTY}
 * (other binaries than those on PATH).
 */
public final class QemuVmExtension implements ParameterResolver, AfterEachCallback {
    public static final String RUNS_PROPERTY = "trialboot.runs";
    public static final String QEMU_PROPERTY = "trialboot.qemu";
    public static final String QEMU_IMG_PROPERTY = "trialboot.qemuImg";

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(QemuVmExtension.class);
    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();
    /** Run directories handed out in this JVM: a repeated or parameterized test gets -2, -3, ... */
    private static final Set<Path> USED = ConcurrentHashMap.newKeySet();

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.getParameter().getType() == QemuVm.class;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        ExtensionContext.Store store = ec.getStore(NS);
        QemuVm existing = store.get(QemuVm.class, QemuVm.class);
        if (existing != null) return existing;
        TimeoutScale scale = TimeoutScale.fromEnvironment();
        announce(scale);
        VmConfig config = config(ec, GuestImage.fromSystemProperty(), scale, runDir(ec));
        QemuVm vm = QemuVm.start(config);
        store.put(QemuVm.class, vm); // closed by afterEach; the store closes it too if afterEach never runs
        return vm;
    }

    @Override
    public void afterEach(ExtensionContext ec) {
        QemuVm vm = ec.getStore(NS).remove(QemuVm.class, QemuVm.class);
        if (vm == null) return;
        vm.close();
        Optional<Throwable> failure = ec.getExecutionException();
        if (failure.isPresent()) {
            String kept = Stream.of(vm.serialLog(), vm.reportFile(), vm.timelineFile(), vm.overlay())
                    .filter(Files::exists).map(p -> p.getFileName().toString()).reduce((a, b) -> a + ", " + b).orElse("nothing");
            System.out.println("trialboot: " + ec.getDisplayName() + " failed; kept in " + vm.runDir() + ": " + kept);
            ec.publishReportEntry("trialboot.run", vm.runDir().toString());
        } else {
            try {
                Files.deleteIfExists(vm.overlay());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + vm.overlay(), e);
            }
        }
    }

    static VmConfig config(ExtensionContext ec, GuestImage image, TimeoutScale scale, Path runDir) {
        Optional<QemuTest> a = ec.getTestMethod().flatMap(m -> AnnotationSupport.findAnnotation(m, QemuTest.class))
                .or(() -> ec.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, QemuTest.class)));
        VmConfig.Builder b = VmConfig.builder(image, runDir).scale(scale);
        String qemu = System.getProperty(QEMU_PROPERTY);
        if (qemu != null && !qemu.isBlank()) b.qemuBinary(qemu);
        String qemuImg = System.getProperty(QEMU_IMG_PROPERTY);
        if (qemuImg != null && !qemuImg.isBlank()) b.qemuImgBinary(qemuImg);
        a.ifPresent(t -> b.image(image.withExtraAppend(t.append()))
                .memory(t.memory())
                .smp(t.smp())
                .attachMedia(t.media() && image.media().isPresent())
                .hotplugPort(t.hotplugPort())
                .extraArgs(List.of(t.qemuArgs())));
        return b.build();
    }

    /** A fresh {@code <runs>/<TestClass>/<method>} (its old contents from an earlier build removed). */
    static Path runDir(ExtensionContext ec) {
        String runs = System.getProperty(RUNS_PROPERTY);
        Path root = Path.of(runs == null || runs.isBlank() ? "target/qemu-runs" : runs).toAbsolutePath();
        String cls = ec.getTestClass().map(Class::getSimpleName).orElse("unknown");
        String method = ec.getTestMethod().map(Method::getName).orElse("unknown");
        Path base = root.resolve(cls).resolve(method);
        Path dir = base;
        for (int n = 2; !USED.add(dir); n++) dir = base.resolveSibling(method + "-" + n);
        deleteTree(dir);
        return dir;
    }

    private static void announce(TimeoutScale scale) {
        if (!ANNOUNCED.compareAndSet(false, true)) return;
        System.out.println("trialboot: timeout scale " + scale);
        // The harness never passes -accel kvm: a riscv64 guest is emulated (TCG) on this host.
        System.out.println("trialboot: WARNING: QEMU runs without acceleration (TCG emulation on "
                + System.getProperty("os.arch") + "); on a slow host raise -D" + TimeoutScale.PROPERTY);
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
