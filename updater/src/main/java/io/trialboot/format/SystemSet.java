package io.trialboot.format;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.Inputs;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.tar.TarEntry;
import io.trialboot.format.tar.TarReader;
import io.trialboot.format.tar.TarWriter;
import io.trialboot.trust.KeyId;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.Trust;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A system set {@code .nxs}: a deterministic tar of {@code system.nxsindex} ({@link SystemIndex}),
 * {@code system.sig.ed25519} (a {@link io.trialboot.trust.SignatureFile} over the exact index
 * bytes) and one {@code <name>.nxb} per bundle. bundlemgrd calls {@link #verify(Path, Trust)}
 * before it publishes a slot's bundles.
 */
public final class SystemSet {
    private SystemSet() {}

    public static final String INDEX_ENTRY = "system.nxsindex";
    public static final String SIGNATURE_ENTRY = "system.sig.ed25519";

    /** A system set whose index signature, bundle digests and sizes all verified. */
    public record Verified(SystemIndex index, Sha256 indexSha256, Set<KeyId> signers) {
        public Verified {
            Objects.requireNonNull(index, "index");
            Objects.requireNonNull(indexSha256, "indexSha256");
            signers = Set.copyOf(signers);
        }

        public List<SystemIndex.BundleRef> bundles() {
            return index.bundles();
        }
    }

    /** Packs index, signature file and bundles (file name {@code <name>.nxb} each) into the archive bytes. */
    public static byte[] pack(byte[] index, byte[] signatureFile, Map<String, byte[]> bundlesByName) {
        Map<String, byte[]> entries = new TreeMap<>();
        bundlesByName.forEach((name, bytes) -> entries.put(name + ".nxb", bytes));
        entries.put(INDEX_ENTRY, index);
        entries.put(SIGNATURE_ENTRY, signatureFile);
        return TarWriter.write(entries);
    }

    /**
     * A system set read to its end, each bundle measured (and extracted, when asked) as it streamed
     * past; nothing in it is authenticated yet: {@link #verify(Trust)} decides. Reading needs no
     * trust, so bundlemgrd reads while the trust is still being established.
     */
    public static final class Unverified {
        private final byte[] index;
        private final byte[] signature;
        private final Map<String, Inputs.Measured> bundles;

        private Unverified(byte[] index, byte[] signature, Map<String, Inputs.Measured> bundles) {
            this.index = index;
            this.signature = signature;
            this.bundles = bundles;
        }

        /** The index signature by the trust's witness mode, then every indexed bundle's size and digest. */
        public Verified verify(Trust trust) {
            // Authenticate the index bytes before parsing them.
            return check(trust.verify("system-set index", index, signature));
        }

        /**
         * {@link #verify} for the system set of the slot {@code booted} that the guest runs from
         * ({@link Trust#verifyFromBootedSlot}): when stage 0 verified and mapped that slot under the
         * trust's record, the index's signers are judged without checking their signatures again;
         * every bundle's size and digest are checked as always.
         */
        public Verified verifyFromBootedSlot(Trust trust, Slot booted) {
            return check(trust.verifyFromBootedSlot("system-set index", index, SignatureFile.decode(signature), booted));
        }

        private Verified check(Set<KeyId> signers) {
            SystemIndex parsed = SystemIndex.decode(index);
            Map<String, Inputs.Measured> unlisted = new LinkedHashMap<>(bundles);
            for (SystemIndex.BundleRef ref : parsed.bundles()) {
                Inputs.Measured m = unlisted.remove(ref.fileName());
                if (m == null) {
                    throw new TrialbootException(Code.BUNDLE_MISSING, "bundle " + ref.fileName()
                            + " is listed in the index but absent from the system set");
                }
                if (m.size() != ref.size()) {
                    throw new TrialbootException(Code.SIZE_MISMATCH, "bundle " + ref.fileName() + " is " + m.size()
                            + " bytes, the signed index says " + ref.size());
                }
                if (!m.sha256().equals(ref.sha256())) {
                    throw new TrialbootException(Code.DIGEST_MISMATCH, "bundle " + ref.fileName() + " has sha256 "
                            + m.sha256() + ", the signed index says " + ref.sha256());
                }
            }
            if (!unlisted.isEmpty()) {
                throw new TrialbootException(Code.BUNDLE_NOT_INDEXED, "system set holds bundle(s) " + unlisted.keySet()
                        + " that the signed index does not list");
            }
            return new Verified(parsed, Sha256.of(index), signers);
        }
    }

    public static Verified verify(Path nxs, Trust trust) {
        return read(nxs, Optional.empty()).verify(trust);
    }

    /**
     * Verifies and writes each bundle to {@code dir/<name>.nxb} as it streams past. The files are
     * trustworthy only when this returns; on an exception delete {@code dir}.
     */
    public static Verified verifyAndExtract(Path nxs, Trust trust, Path dir) {
        return read(nxs, Optional.of(dir)).verify(trust);
    }

    /**
     * Reads {@code nxs} and measures (and extracts to {@code extractTo}) its bundles; the extracted
     * files are trustworthy only once {@link Unverified#verify} returns: on an exception delete them.
     */
    public static Unverified read(Path nxs, Optional<Path> extractTo) {
        try (InputStream in = Files.newInputStream(nxs)) {
            Bounds.check("system set " + nxs, Files.size(nxs), Bounds.SYSTEM_SET_BYTES);
            return read(in, extractTo);
        } catch (NoSuchFileException e) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "no system set at " + nxs);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot read system set " + nxs + ": " + IoFailure.reason(e), e);
        }
    }

    /** Verifies a system set read from {@code in}: see {@link #verify(Path, Trust)}. */
    public static Verified verify(InputStream in, Trust trust, Optional<Path> extractTo) {
        return read(in, extractTo).verify(trust);
    }

    private static Unverified read(InputStream in, Optional<Path> extractTo) {
        TarReader tar = new TarReader(in, Bounds.SYSTEM_SET_BYTES, Bounds.BUNDLE_BYTES);
        byte[] index = null;
        byte[] signature = null;
        Map<String, Inputs.Measured> bundles = new LinkedHashMap<>();
        for (Optional<TarEntry> e = tar.next(); e.isPresent(); e = tar.next()) {
            String name = e.get().name();
            if (name.equals(INDEX_ENTRY)) {
                index = tar.readContent(Bounds.INDEX_BYTES);
            } else if (name.equals(SIGNATURE_ENTRY)) {
                signature = tar.readContent(Bounds.SIGNATURE_BYTES);
            } else if (name.endsWith(".nxb") && !name.contains("/")) {
                bundles.put(name, measure(tar, name, extractTo));
            } else {
                throw new TrialbootException(Code.BUNDLE_NOT_INDEXED, "system set holds an unexpected entry '" + name
                        + "' (only " + INDEX_ENTRY + ", " + SIGNATURE_ENTRY + " and <name>.nxb)");
            }
        }
        if (index == null) {
            throw new TrialbootException(Code.SCHEMA_VIOLATION, "system set has no " + INDEX_ENTRY);
        }
        if (signature == null) {
            throw new TrialbootException(Code.SIG_MISSING, "system set has no " + SIGNATURE_ENTRY + " (unsigned)");
        }
        return new Unverified(index, signature, bundles);
    }

    private static Inputs.Measured measure(TarReader tar, String name, Optional<Path> extractTo) {
        if (extractTo.isEmpty()) {
            return Inputs.measure(tar.content(), Bounds.BUNDLE_BYTES, "bundle " + name);
        }
        Path target = extractTo.get().resolve(name);
        try (OutputStream out = Files.newOutputStream(target)) {
            return Inputs.measure(new TeeInput(tar.content(), out), Bounds.BUNDLE_BYTES, "bundle " + name);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot write " + target + ": " + IoFailure.reason(e), e);
        }
    }

    /** Copies what is read to a sink: hash and extract in one pass. */
    private static final class TeeInput extends InputStream {
        private final InputStream in;
        private final OutputStream sink;

        TeeInput(InputStream in, OutputStream sink) {
            this.in = in;
            this.sink = sink;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                sink.write(b);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                sink.write(b, off, n);
            }
            return n;
        }
    }
}
