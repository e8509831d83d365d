package io.trialboot.image;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The demo bundle's payload jar: the sources under {@code src/main/bundles/demo} compiled with the
 * JDK's compiler ({@code --release 17}, against the updater jar that holds
 * {@code io.trialboot.guest.BundleService}) and packed as a reproducible jar (sorted entries, one
 * fixed timestamp), so the same sources give the same bytes.
 */
final class DemoBundle {
    /** The fully qualified service class the bundle manifests' start commands name. */
    static final String SERVICE_CLASS = "io.trialboot.demo.HelloService";
    /**
     * Every entry's time, as a DOS date and time only. Not 1980-01-01 00:00:00: the JDK takes exactly
     * that value for "before 1980" and then adds an extended timestamp computed in the default time
     * zone, so the jar's bytes would depend on TZ.
     */
    static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0, 2);

    private DemoBundle() {}

    /** Compiles every {@code .java} under {@code sources} into {@code work} and returns the jar's bytes. */
    static byte[] build(Path sources, List<Path> classpath, Path work) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new ImageBuildException("no Java compiler in " + System.getProperty("java.home")
                    + ": run the build with a JDK, not a JRE");
        }
        for (Path p : classpath) {
            if (!Files.exists(p)) {
                throw new ImageBuildException("the demo bundle compiles against " + p + ", which does not exist"
                        + " (the updater jar is copied to guest-jars in prepare-package)");
            }
        }
        try {
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<String> files = list(sources).stream().filter(p -> p.toString().endsWith(".java"))
                    .map(Path::toString).toList();
            if (files.isEmpty()) {
                throw new ImageBuildException("no bundle sources (*.java) under " + sources);
            }
            ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
            List<String> args = new ArrayList<>(List.of("--release", "17", "-encoding", "UTF-8", "-Xlint:all", "-Werror",
                    "-implicit:none", "-d", classes.toString(), "-cp",
                    String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList())));
            args.addAll(files);
            int status = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
            if (status != 0) {
                throw new ImageBuildException("the demo bundle in " + sources + " does not compile:\n"
                        + diagnostics.toString(StandardCharsets.UTF_8));
            }
            return jar(classes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A reproducible jar of every file under {@code dir}. */
    static byte[] jar(Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Path p : list(dir)) {
                ZipEntry e = new ZipEntry(dir.relativize(p).toString().replace(File.separatorChar, '/'));
                e.setTimeLocal(ENTRY_TIME);
                zip.putNextEntry(e);
                Files.copy(p, zip);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
