package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.guest.BundleService;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real demo sources, compiled as the image build compiles them, loaded as bundlemgrd loads them. */
class DemoBundleTest {
    static final Path SOURCES = Path.of("src/main/bundles/demo");
    @TempDir
    static Path dir;
    static byte[] jar;
    static BundleService service;

    @BeforeAll
    static void build() throws Exception {
        jar = DemoBundle.build(SOURCES, List.of(updaterClasses()), dir.resolve("first"));
        Path file = dir.resolve("payload.jar");
        Files.write(file, jar);
        ClassLoader loader = new URLClassLoader(new URL[] {file.toUri().toURL()}, BundleService.class.getClassLoader());
        service = (BundleService) Class.forName(DemoBundle.SERVICE_CLASS, true, loader).getDeclaredConstructor()
                .newInstance();
    }

    static Path updaterClasses() throws Exception {
        return Path.of(BundleService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void sameSourcesGiveTheSamePayloadBytes() throws Exception {
        assertArrayEquals(jar, DemoBundle.build(SOURCES, List.of(updaterClasses()), dir.resolve("second")));
    }

    /** The jar must not carry an extended timestamp computed in the builder's time zone. */
    @Test
    void theJarIsTheSameInEveryTimeZone() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("tz/classes/io"));
        Files.writeString(classes.resolve("A.class"), "not really a class");
        java.util.TimeZone saved = java.util.TimeZone.getDefault();
        try {
            java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
            byte[] utc = DemoBundle.jar(dir.resolve("tz/classes"));
            java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("Pacific/Kiritimati"));
            byte[] kiritimati = DemoBundle.jar(dir.resolve("tz/classes"));
            assertArrayEquals(utc, kiritimati);
        } finally {
            java.util.TimeZone.setDefault(saved);
        }
    }

    @Test
    void readyArgumentReportsReadyAtOnce() throws Exception {
        AtomicBoolean ready = new AtomicBoolean();
        service.start(List.of("--ready"), () -> ready.set(true));
        assertTrue(ready.get());
    }

    @Test
    void neverReadyArgumentStartsWithoutReportingReady() throws Exception {
        AtomicBoolean ready = new AtomicBoolean();
        service.start(List.of("--never-ready"), () -> ready.set(true));
        assertFalse(ready.get());
    }

    @Test
    void unknownArgumentFailsTheStartNamingTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> service.start(List.of("--slow"), () -> { }));
        assertTrue(e.getMessage().startsWith("hello: unknown argument --slow (expected --ready"), e.getMessage());
    }

    @Test
    void aMissingUpdaterJarIsNamed() {
        ImageBuildException e = assertThrows(ImageBuildException.class,
                () -> DemoBundle.build(SOURCES, List.of(dir.resolve("updater.jar")), dir.resolve("no-jar")));
        assertTrue(e.getMessage().startsWith("the demo bundle compiles against " + dir.resolve("updater.jar")
                + ", which does not exist"), e.getMessage());
    }

    @Test
    void brokenSourcesFailTheBuildWithTheCompilerMessage() throws Exception {
        Path broken = Files.createDirectories(dir.resolve("broken/io/x"));
        Files.writeString(broken.resolve("X.java"), "package io.x; class X { int f() { return \"s\"; } }");
        ImageBuildException e = assertThrows(ImageBuildException.class,
                () -> DemoBundle.build(dir.resolve("broken"), List.of(), dir.resolve("broken-out")));
        assertTrue(e.getMessage().startsWith("the demo bundle in "), e.getMessage());
        assertTrue(e.getMessage().contains("incompatible types"), e.getMessage());
    }
}
