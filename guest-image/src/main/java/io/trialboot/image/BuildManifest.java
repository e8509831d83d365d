package io.trialboot.image;

import io.trialboot.core.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code build-manifest.json}: the exact Debian package versions and SHA-256 of every input and
 * output of an image build, and of every file on the update media. Written by hand (stable field
 * order, no library needed).
 */
final class BuildManifest {
    private BuildManifest() {}

    private static List<Path> files(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String key, List<DebianPackage> packages, List<BuildCache.Input> inputs, Path outDir,
            List<String> outputs, Path mediaRoot) {
        StringBuilder sb = new StringBuilder("{\n  \"schema\": \"trialboot.build-manifest/1\",\n");
        sb.append("  \"key\": \"").append(key).append("\",\n");
        sb.append("  \"debian\": {\"suite\": \"").append(DebianPackages.SUITE).append("\", \"arch\": \"")
                .append(DebianPackages.ARCH).append("\"},\n  \"packages\": [\n");
        for (int i = 0; i < packages.size(); i++) {
            DebianPackage p = packages.get(i);
            sb.append(String.format("    {\"name\": \"%s\", \"version\": \"%s\", \"sha256\": \"%s\", \"size\": %d}%s%n",
                    p.name(), p.version(), p.sha256(), p.size(), i + 1 < packages.size() ? "," : ""));
        }
        sb.append("  ],\n  \"inputs\": [\n");
        for (int i = 0; i < inputs.size(); i++) {
            BuildCache.Input in = inputs.get(i);
            sb.append(String.format("    {\"name\": \"%s\", \"sha256\": \"%s\"}%s%n", in.name(), in.sha256(),
                    i + 1 < inputs.size() ? "," : ""));
        }
        List<Path> media = files(mediaRoot);
        Map<Path, Sha256> digests = FileDigests.sha256All(Stream.concat(outputs.stream().map(outDir::resolve), media.stream())
                .toList());
        sb.append("  ],\n  \"outputs\": [\n");
        for (int i = 0; i < outputs.size(); i++) {
            Path p = outDir.resolve(outputs.get(i));
            try {
                sb.append(String.format("    {\"name\": \"%s\", \"sha256\": \"%s\", \"size\": %d}%s%n", outputs.get(i),
                        digests.get(p), Files.size(p), i + 1 < outputs.size() ? "," : ""));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        sb.append("  ],\n  \"media\": [\n");
        for (int i = 0; i < media.size(); i++) {
            Path p = media.get(i);
            try {
                sb.append(String.format("    {\"name\": \"%s\", \"sha256\": \"%s\", \"size\": %d}%s%n",
                        mediaRoot.relativize(p), digests.get(p), Files.size(p), i + 1 < media.size() ? "," : ""));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        sb.append("  ]\n}\n");
        try {
            Files.writeString(file, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
