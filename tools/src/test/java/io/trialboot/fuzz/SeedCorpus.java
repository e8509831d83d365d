package io.trialboot.fuzz;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.StateWriter;
import io.trialboot.core.Version;
import io.trialboot.delta.maker.DeltaMaker;
import io.trialboot.device.SlotImage;
import io.trialboot.format.Artifact;
import io.trialboot.format.Bundle;
import io.trialboot.format.BundleManifest;
import io.trialboot.format.Feed;
import io.trialboot.format.ReleaseManifest;
import io.trialboot.format.SystemIndex;
import io.trialboot.format.SystemSet;
import io.trialboot.records.HistoryLog;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.KeyId;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.WitnessMode;
import io.trialboot.verity.VerityImage;
import io.trialboot.verity.VerityParams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The valid half of the regression corpus: inputs made by the real writers, deterministic (fixed
 * keys, digests of fixed strings), a few KiB each. {@link SeedCorpusTest} checks that the files
 * under {@code src/test/resources/io/trialboot/fuzz/<Target>Inputs/<method>/seed-*} are exactly
 * these, so a format change cannot leave the corpus stale; findings ({@code crash-*} and the like)
 * sit beside them and are not generated.
 */
final class SeedCorpus {
    private SeedCorpus() {}

    /** Target class -> its fuzz method -> seed file name -> bytes. */
    record Target(Class<?> fuzzTest, String method, Map<String, byte[]> seeds) {}

    static List<Target> all() throws IOException {
        return List.of(
                new Target(ReleaseManifestFuzzTest.class, "decode", releaseManifests()),
                new Target(SignatureFileFuzzTest.class, "decode", signatureFiles()),
                new Target(FeedFuzzTest.class, "decode", Map.of("seed-feed", feed().encode())),
                new Target(SystemIndexFuzzTest.class, "decode", Map.of("seed-index", systemIndex().encode())),
                new Target(BundleManifestFuzzTest.class, "decode", Map.of("seed-bundle-manifest", bundleManifest().encode())),
                new Target(AdmissionRecordFuzzTest.class, "decode", admissionRecords()),
                new Target(BootControlFileFuzzTest.class, "decode", bootControlFiles()),
                new Target(TarReaderFuzzTest.class, "read", archives()),
                new Target(HistoryLogFuzzTest.class, "read", historyLogs()),
                new Target(DeltaApplierFuzzTest.class, "apply", deltas()));
    }

    /** The base image every delta seed applies to (and {@link DeltaApplierFuzzTest} holds in its source slot). */
    static byte[] deltaBase() {
        byte[] base = new byte[2 * 4096]; // two blocks: the base has a leaf level a data-only delta takes digests from
        for (int i = 0; i < base.length; i++) {
            base[i] = (byte) (i * 31 + (i >> 7));
        }
        return base;
    }

    private static Sha256 digest(String of) {
        return Sha256.of(of.getBytes(StandardCharsets.UTF_8));
    }

    /** A fixed stand-in for an Ed25519 public key: the decoders check its length, not its curve point. */
    private static byte[] publicKey(int n) {
        return Arrays.copyOf(digest("key " + n).bytes(), 32);
    }

    private static Map<String, byte[]> releaseManifests() {
        SlotImage image = Artifact.image(digest("image 1.1.0"), 4096);
        SlotImage base = Artifact.image(digest("image 1.0.0"), 4096);
        ReleaseManifest full = new ReleaseManifest(Version.parse("1.1.0"), Version.parse("1.0.0"), "trialboot-riscv64-virt",
                KeyId.of(publicKey(1)), image, digest("index"), digest("policy"),
                List.of(Artifact.full("images/1.1.0.img", image.digest(), image.size())));
        ReleaseManifest both = new ReleaseManifest(Version.parse("1.1.0"), Version.parse("0.9.0"), "trialboot-riscv64-virt",
                KeyId.of(publicKey(1)), image, digest("index"), digest("policy"),
                List.of(Artifact.full("images/1.1.0.img", image.digest(), image.size()),
                        Artifact.delta("deltas/1.0.0-1.1.0.nxdelta", digest("delta"), 812, base)));
        ReleaseManifest verity = new ReleaseManifest(Version.parse("1.1.0"), Version.parse("1.0.0"), "trialboot-riscv64-virt",
                KeyId.of(publicKey(1)), image, digest("index"), digest("policy"),
                List.of(Artifact.full("images/1.1.0.img", image.digest(), image.size())),
                Optional.of(VerityParams.of(4096, digest("salt"), digest("root"))));
        return seeds("seed-full", full.encode(), "seed-full-and-delta", both.encode(), "seed-verity", verity.encode());
    }

    private static Map<String, byte[]> signatureFiles() {
        byte[] sig = new byte[64];
        Arrays.fill(sig, (byte) 0x5a);
        SignatureFile one = new SignatureFile(List.of(new SignatureFile.Entry(KeyId.of(publicKey(1)), sig)));
        SignatureFile three = new SignatureFile(List.of(new SignatureFile.Entry(KeyId.of(publicKey(1)), sig),
                new SignatureFile.Entry(KeyId.of(publicKey(2)), sig), new SignatureFile.Entry(KeyId.of(publicKey(3)), sig)));
        return seeds("seed-one", one.encode(), "seed-three", three.encode());
    }

    private static Feed feed() {
        return new Feed("stable", List.of(
                new Feed.Entry(Version.parse("1.1.0"), "releases/1.1.0.manifest", digest("m 1.1.0"), 612),
                new Feed.Entry(Version.parse("1.2.0"), "releases/1.2.0.manifest", digest("m 1.2.0"), 790)));
    }

    private static SystemIndex systemIndex() {
        return new SystemIndex(Version.parse("1.1.0"), "trialboot-dev", List.of(
                new SystemIndex.BundleRef("hello", Version.parse("1.0.0"), digest("hello"), 2048),
                new SystemIndex.BundleRef("metrics", Version.parse("0.3.1"), digest("metrics"), 4096)));
    }

    private static BundleManifest bundleManifest() {
        return new BundleManifest("hello", Version.parse("1.0.0"), "trialboot-dev", List.of("console", "net"),
                "java -jar payload.jar", digest("payload"), 3);
    }

    private static Map<String, byte[]> admissionRecords() {
        Map<KeyId, byte[]> keys = new LinkedHashMap<>();
        for (int n = 1; n <= 3; n++) {
            keys.put(KeyId.of(publicKey(n)), publicKey(n));
        }
        AdmissionRecord single = new AdmissionRecord("system", "trialboot-riscv64-virt", digest("policy"),
                WitnessMode.SINGLE, 1, Map.of(KeyId.of(publicKey(1)), publicKey(1)), Set.of(KeyId.of(publicKey(4))));
        AdmissionRecord quorum = new AdmissionRecord("system", "trialboot-riscv64-virt", digest("policy"),
                WitnessMode.QUORUM, 2, keys, Set.of());
        return seeds("seed-single", single.encode(), "seed-quorum", quorum.encode());
    }

    private static Map<String, byte[]> bootControlFiles() {
        BootControlFile trial = BootControlFile.factory().withState(Slot.B, SlotState.VERIFIED).withTrial(Slot.B, 3)
                .withBoot(7, Slot.A);
        return seeds("seed-factory", BootControlFile.factory().encode(), "seed-trial", trial.encode());
    }

    private static Map<String, byte[]> archives() {
        byte[] bundle = Bundle.pack("hello", Version.parse("1.0.0"), "trialboot-dev", List.of("console"),
                "java -jar payload.jar", "payload".getBytes(StandardCharsets.UTF_8));
        byte[] systemSet = SystemSet.pack(systemIndex().encode(), new byte[] {1, 2, 3}, Map.of("hello", bundle));
        return seeds("seed-bundle", bundle, "seed-system-set", systemSet);
    }

    private static Map<String, byte[]> historyLogs() throws IOException {
        Path dir = Files.createTempDirectory("history-seed");
        try {
            Path file = dir.resolve("history.jsonl");
            Files.write(file, new byte[0]);
            HistoryLog log = new HistoryLog(file, StateWriter.DURABLE);
            log.append("stage", new TreeMap<>(Map.of("version", "1.1.0", "slot", "b")));
            byte[] one = Files.readAllBytes(file);
            log.append("switch", new TreeMap<>(Map.of("slot", "b", "tries", 3L)));
            log.append("confirm", new TreeMap<>(Map.of("slot", "b", "version", "1.1.0", "floor", "1.1.0")));
            return seeds("seed-one", one, "seed-three", Files.readAllBytes(file));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    private static Map<String, byte[]> deltas() throws IOException {
        byte[] base = deltaBase();
        byte[] moved = new byte[4096 + 300];
        System.arraycopy(base, 1000, moved, 0, 2000); // data that moved
        Arrays.fill(moved, 2000, 2600, (byte) 0); // a zero run
        System.arraycopy("a literal that is nowhere in the base".getBytes(StandardCharsets.UTF_8), 0, moved, 2600, 37);
        System.arraycopy(base, 0, moved, 2700, 1596);
        byte[] edited = base.clone();
        for (int i = 1000; i < 1040; i += 3) { // a third of the bytes changed: an ADD, not a literal
            edited[i]++;
        }
        return seeds("seed-identity", delta(base, base), "seed-moved", delta(base, moved), "seed-edited",
                delta(base, edited), "seed-verity-data", delta(base, squashfsLike(edited, moved)));
    }

    /**
     * {@code first} and {@code second} (two blocks, so the tree is not empty) posing as a squashfs
     * image (magic, {@code bytes_used}) with its dm-verity tree appended: the maker makes a data-only
     * delta (kind 2) to it.
     */
    private static byte[] squashfsLike(byte[] first, byte[] second) throws IOException {
        byte[] b = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, b, first.length, second.length);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0x73717368).putLong(40, b.length);
        Path p = Files.createTempFile("verity-seed", ".img");
        try {
            Files.write(p, b);
            VerityImage.append(p);
            return Files.readAllBytes(p);
        } finally {
            Files.delete(p);
        }
    }

    /** A delta made by the real maker, with LZMA2 preset 0 (a 256 KiB dictionary keeps each replay cheap). */
    private static byte[] delta(byte[] source, byte[] target) throws IOException {
        Path dir = Files.createTempDirectory("delta-seed");
        Path s = dir.resolve("source.img");
        Path t = dir.resolve("target.img");
        try {
            Files.write(s, source);
            Files.write(t, target);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new DeltaMaker(16, 0).make(s, t, out);
            return out.toByteArray();
        } finally {
            Files.delete(s);
            Files.delete(t);
            Files.delete(dir);
        }
    }

    private static Map<String, byte[]> seeds(Object... nameThenBytes) {
        Map<String, byte[]> out = new TreeMap<>();
        for (int i = 0; i < nameThenBytes.length; i += 2) {
            out.put((String) nameThenBytes[i], (byte[]) nameThenBytes[i + 1]);
        }
        return out;
    }
}
