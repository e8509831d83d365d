package io.trialboot.trust;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Inputs;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pinned root keys ({@code host/trusted-roots/*.pub}, PEM SPKI Ed25519). Roots sign admission
 * records; they are placed in the image at build time and never change at run time.
 */
public final class TrustStore {
    private final Map<KeyId, byte[]> roots;

    private TrustStore(Map<KeyId, byte[]> roots) {
        this.roots = roots;
    }

    public static TrustStore of(List<byte[]> rawKeys) {
        Bounds.check("trust store keys", rawKeys.size(), Bounds.TRUST_KEYS);
        Map<KeyId, byte[]> m = new TreeMap<>();
        for (byte[] raw : rawKeys) {
            m.put(KeyId.of(raw), raw.clone());
        }
        if (m.isEmpty()) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "the trust store pins no root key");
        }
        return new TrustStore(Collections.unmodifiableMap(m));
    }

    /** Loads every {@code *.pub} file of {@code dir}; any other file there is ignored. */
    public static TrustStore load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "trust store directory " + dir + " does not exist");
        }
        List<Path> files = new ArrayList<>();
        // A loop, not a stream: the boot's trust thread reads the anchor first thing, and a stream's
        // lambdas (and the sort's, which the class archive lacks) link at run time under emulation.
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                if (p.getFileName().toString().endsWith(".pub")) {
                    files.add(p);
                }
            }
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot list trust store " + dir + ": " + IoFailure.reason(e), e);
        }
        Bounds.check("trust store keys", files.size(), Bounds.TRUST_KEYS);
        Collections.sort(files);
        List<byte[]> keys = new ArrayList<>();
        for (Path p : files) {
            try {
                keys.add(Ed25519.rawFromPem(Inputs.read(p, Bounds.KEY_FILE_BYTES)));
            } catch (TrialbootException e) {
                throw new TrialbootException(e.code(), "trust store key " + p + ": " + e.getMessage(), e);
            }
        }
        if (keys.isEmpty()) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "trust store " + dir + " holds no *.pub root key");
        }
        return of(keys);
    }

    public boolean pins(KeyId id) {
        return roots.containsKey(id);
    }

    /** The raw key of a pinned root, or null. */
    byte[] key(KeyId id) {
        byte[] k = roots.get(id);
        return k == null ? null : k.clone();
    }

    public List<KeyId> ids() {
        return List.copyOf(roots.keySet());
    }
}
