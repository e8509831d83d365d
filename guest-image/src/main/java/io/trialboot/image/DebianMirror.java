package io.trialboot.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Debian mirror the guest packages come from: {@code TRIALBOOT_DEBIAN_MIRROR} when set,
 * otherwise the host's own apt configuration (deb822 {@code URIs:} or {@code sources.list}),
 * skipping security suites. No mirror name is written into the repository.
 */
final class DebianMirror {
    static final String ENV = "TRIALBOOT_DEBIAN_MIRROR";

    private DebianMirror() {}

    static String find(Path aptEtc) {
        String override = System.getenv(ENV);
        if (override != null && !override.isBlank()) {
            return override.strip();
        }
        return fromAptConfig(aptEtc).orElseThrow(() -> new ImageBuildException(
                "no Debian mirror found in " + aptEtc + "/sources.list(.d): set " + ENV + " to a Debian mirror URI"));
    }

    static Optional<String> fromAptConfig(Path aptEtc) {
        List<Path> files = new ArrayList<>();
        Path dir = aptEtc.resolve("sources.list.d");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".sources") || p.toString().endsWith(".list")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        files.add(aptEtc.resolve("sources.list"));
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            try {
                Optional<String> uri = f.toString().endsWith(".sources") ? fromDeb822(Files.readString(f)) : fromOneLine(Files.readString(f));
                if (uri.isPresent()) {
                    return uri;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Optional.empty();
    }

    /** deb822 stanzas: the first {@code URIs:} of a stanza whose suites are not security ones. */
    static Optional<String> fromDeb822(String text) {
        for (String stanza : text.split("\\n\\s*\\n")) {
            String uris = null;
            String suites = "";
            boolean enabled = true;
            for (String line : stanza.split("\\n")) {
                if (line.startsWith("URIs:")) {
                    uris = line.substring(5).strip().split("\\s+")[0];
                } else if (line.startsWith("Suites:")) {
                    suites = line.substring(7);
                } else if (line.startsWith("Enabled:") && line.contains("no")) {
                    enabled = false;
                }
            }
            if (uris != null && enabled && !suites.contains("security") && uris.startsWith("http")) {
                return Optional.of(uris);
            }
        }
        return Optional.empty();
    }

    /** One-line form: {@code deb [opts] URI suite components}. */
    static Optional<String> fromOneLine(String text) {
        for (String line : text.split("\\n")) {
            String l = line.strip().replaceAll("\\[[^]]*]", " ");
            String[] f = l.split("\\s+");
            if (f.length >= 3 && f[0].equals("deb") && f[1].startsWith("http") && !f[2].contains("security")) {
                return Optional.of(f[1]);
            }
        }
        return Optional.empty();
    }
}
