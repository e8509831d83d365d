package io.trialboot.tools;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Inputs;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.Bundle;
import io.trialboot.format.SystemSet;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.tar.TarEntry;
import io.trialboot.format.tar.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Human-readable dumps: archives list their entries and dump their CBOR members; CBOR files are dumped whole. */
final class Inspect {
    private Inspect() {}

    static String dump(Path file) {
        return isArchive(file) ? archive(file) : Cbor.diagnostic(Cbor.decode(Inputs.read(file, Bounds.MANIFEST_BYTES))) + "\n";
    }

    static boolean isArchive(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".nxs") || name.endsWith(".nxb");
    }

    private static String archive(Path file) {
        StringBuilder sb = new StringBuilder();
        try (InputStream in = Files.newInputStream(file)) {
            Bounds.check(file.toString(), Files.size(file), Bounds.SYSTEM_SET_BYTES);
            TarReader tar = new TarReader(in, Bounds.SYSTEM_SET_BYTES, Bounds.BUNDLE_BYTES);
            sb.append(file.getFileName()).append(": ustar archive\n");
            for (Optional<TarEntry> e = tar.next(); e.isPresent(); e = tar.next()) {
                String name = e.get().name();
                boolean cbor = name.equals(SystemSet.INDEX_ENTRY) || name.equals(SystemSet.SIGNATURE_ENTRY)
                        || name.equals(Bundle.MANIFEST_ENTRY);
                if (cbor) {
                    byte[] bytes = tar.readContent(Bounds.MANIFEST_BYTES);
                    sb.append(String.format("  %-24s %10d  sha256 %s%n", name, bytes.length, Sha256.of(bytes)));
                    sb.append("    ").append(Cbor.diagnostic(Cbor.decode(bytes)).replace("\n", "\n    ")).append('\n');
                } else {
                    Inputs.Measured m = Inputs.measure(tar.content(), Bounds.BUNDLE_BYTES, name);
                    sb.append(String.format("  %-24s %10d  sha256 %s%n", name, m.size(), m.sha256()));
                }
            }
        } catch (IOException e) {
            throw IoFailure.reading(file, e);
        }
        return sb.toString();
    }
}
