package io.trialboot.delta.maker;

import io.trialboot.apply.FullApply;
import io.trialboot.core.Sha256;
import io.trialboot.core.TrialbootException;
import io.trialboot.delta.DeltaApplier;
import io.trialboot.delta.DeltaHeader;
import io.trialboot.device.FileBlockDevice;
import io.trialboot.device.SlotDigests;
import io.trialboot.device.SlotImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A plain command line over the delta maker and the appliers, for {@code scripts/bench-delta} and
 * for building update media before the packaging CLI binds it. Prints one {@code key=value} line.
 *
 * <pre>
 * make  SOURCE.img TARGET.img OUT.nxdelta
 * apply DELTA.nxdelta SOURCE.img OUT.img     (writes OUT.img like the guest writes a slot)
 * full  IMAGE.img OUT.img                    (streams IMAGE into OUT.img like a full apply)
 * </pre>
 */
public final class DeltaCli {
    private DeltaCli() {}

    public static void main(String[] args) throws IOException {
        try {
            System.out.println(run(args));
        } catch (TrialbootException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        } catch (IllegalArgumentException e) {
            System.err.println("usage: make SRC TGT OUT | apply DELTA SRC OUT | full IMAGE OUT (" + e.getMessage() + ")");
            System.exit(2);
        }
    }

    static String run(String[] a) throws IOException {
        if (a.length != 4 && !(a.length == 3 && a[0].equals("full"))) {
            throw new IllegalArgumentException("wrong number of arguments");
        }
        long start = System.nanoTime();
        switch (a[0]) {
            case "make" -> {
                DeltaMaker.Stats s;
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(Path.of(a[3])), 1 << 16)) {
                    s = new DeltaMaker().make(Path.of(a[1]), Path.of(a[2]), out);
                }
                return "delta_bytes=" + Files.size(Path.of(a[3])) + " copy_ops=" + s.copyOps() + " copy_bytes="
                        + s.copyBytes() + " add_ops=" + s.addOps() + " add_bytes=" + s.addBytes() + " literal_ops="
                        + s.literalOps() + " literal_bytes=" + s.literalBytes() + " zero_bytes=" + s.zeroBytes()
                        + " ms=" + ms(start);
            }
            case "apply" -> {
                Path delta = Path.of(a[1]);
                DeltaHeader h;
                try (InputStream in = Files.newInputStream(delta)) {
                    h = DeltaHeader.read(in);
                }
                Path out = sized(Path.of(a[3]), h.target().size());
                start = System.nanoTime();
                try (InputStream in = Files.newInputStream(delta);
                        FileBlockDevice src = FileBlockDevice.openWhole(Path.of(a[2]), false);
                        FileBlockDevice dst = FileBlockDevice.openWhole(out, true)) {
                    DeltaApplier.apply(in, new SlotImage(digest(delta), Files.size(delta)), src, dst, h.source(),
                            h.target(), Optional.empty());
                }
                return "applied_bytes=" + h.target().size() + " ms=" + ms(start) + " peak_heap_bytes=" + peakHeap();
            }
            case "full" -> {
                Path image = Path.of(a[1]);
                SlotImage expected = new SlotImage(digest(image), Files.size(image));
                Path out = sized(Path.of(a[2]), expected.size());
                start = System.nanoTime();
                Sha256 got;
                try (InputStream in = Files.newInputStream(image);
                        FileBlockDevice dst = FileBlockDevice.openWhole(out, true)) {
                    got = FullApply.write(in, dst, expected);
                }
                return "applied_bytes=" + expected.size() + " sha256=" + got + " ms=" + ms(start) + " peak_heap_bytes="
                        + peakHeap();
            }
            default -> throw new IllegalArgumentException("unknown command " + a[0]);
        }
    }

    private static Sha256 digest(Path file) throws IOException {
        try (FileBlockDevice d = FileBlockDevice.openWhole(file, false)) {
            return SlotDigests.digest(d, d.size());
        }
    }

    private static Path sized(Path p, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    private static long ms(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** The sum over heap pools of their peak use since start-up. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
