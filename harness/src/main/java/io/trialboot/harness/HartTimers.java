package io.trialboot.harness;

import io.trialboot.harness.error.HarnessCode;
import io.trialboot.harness.error.HarnessException;
import io.trialboot.harness.qmp.QmpClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Wakes the timer of every hart of a guest just loaded from a saved state, before it runs.
 *
 * <p>QEMU before 10.2 does not carry the QEMU timers behind a RISC-V hart's timer compare
 * registers in its migration state ({@code stimecmp} of Sstc in the CPU, {@code mtimecmp} in the
 * ACLINT; fixed upstream by "target/riscv: Save stimer and vstimer in CPU vmstate" and "hw/intc:
 * Save timers array in RISC-V mtimer VMState", QEMU 10.2). The register values come back, the
 * deadline they armed does not: the interrupt never comes. Linux keeps the deadline it programmed
 * ({@code expires_next}) and only writes the register again for an earlier one, so once that
 * deadline has passed without its interrupt the hart's timers are dead for good: an idle hart
 * sleeps on, and the kernel reports an RCU stall. Turning Sstc off does not help: the kernel's
 * timer then goes through OpenSBI to the ACLINT, whose timers are not migrated either.
 *
 * <p>The cure: set each hart's supervisor timer interrupt pending ({@code mip.STIP}) while the guest
 * is stopped. QMP cannot write a CSR; QEMU's gdbstub can, so {@code gdb-multiarch} does it through
 * a gdbstub opened on a Unix socket for the moment. When the guest goes on, each hart takes the
 * timer interrupt at once; the kernel's handler runs its expired timers and programs the next
 * deadline, which arms QEMU's timer again. An early timer interrupt is harmless: the handler goes
 * by the clock, not by the interrupt.
 */
final class HartTimers {
    static final String GDB = "gdb-multiarch";
    /** mip bits: the supervisor timer interrupt to set, the supervisor external one not to write (it would stick). */
    private static final long STIP = 0x20;
    private static final long SEIP = 0x200;
    private static final Duration GDB_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern VALUE = Pattern.compile("^\\$\\d+ = (0x[0-9a-f]+)$", Pattern.MULTILINE);

    private HartTimers() {}

    /**
     * Sets {@code mip.STIP} on harts 1..{@code harts} of the stopped guest behind {@code qmp}, with
     * a gdbstub on a socket in {@code socketDir}; the guest may be running when this returns (gdb's
     * detach continues it).
     *
     * @throws HarnessException {@code SNAPSHOT_FAILED} when gdb-multiarch is missing or a hart's bit did not stick
     */
    static void wake(QmpClient qmp, Path socketDir, int harts, TimeoutScale scale) {
        Path socket = socketDir.resolve("gdb.sock");
        hmp(qmp, "gdbserver unix:" + socket + ",server=on,wait=off");
        Exec.Output out;
        try {
            out = Exec.runForOutput(gdbArgv(socket, harts), scale.scale(GDB_TIMEOUT));
        } catch (HarnessException e) {
            throw new HarnessException(HarnessCode.SNAPSHOT_FAILED, "cannot wake the harts' timers (" + GDB
                    + " writes mip through QEMU's gdbstub; scripts/bootstrap installs it): " + e.getMessage(), e);
        } finally {
            hmp(qmp, "gdbserver none");
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                // QEMU removes it itself; a leftover socket file is harmless
            }
        }
        requireSet(out, harts);
    }

    /**
     * Checks gdb's standard output: one {@code $N = 0x...} value of {@code mip} per hart, each with
     * STIP set. Its warnings go to standard error; read as one stream with it, a warning once landed
     * inside a value ({@code $warning: No executable has been specified ... 1 = 0x20}).
     *
     * @throws HarnessException {@code SNAPSHOT_FAILED} naming the values and all gdb said when not
     */
    static void requireSet(Exec.Output gdb, int harts) {
        List<Long> mips = new ArrayList<>();
        Matcher m = VALUE.matcher(gdb.stdout());
        while (m.find()) mips.add(Long.decode(m.group(1)));
        if (mips.size() != harts || mips.stream().anyMatch(v -> (v & STIP) == 0)) {
            throw new HarnessException(HarnessCode.SNAPSHOT_FAILED, "the harts' timer interrupts were not set (mip after the write: "
                    + mips.stream().map(v -> "0x" + Long.toHexString(v)).toList() + " for " + harts + " harts); " + GDB
                    + " said: " + gdb.both());
        }
    }

    /** gdb in batch mode: per hart, {@code mip} with STIP set and SEIP as the device has it, then the value read back. */
    static List<String> gdbArgv(Path socket, int harts) {
        List<String> a = new ArrayList<>(List.of(GDB, "-batch", "-nx",
                "-ex", "set architecture riscv:rv64", "-ex", "target remote " + socket));
        for (int hart = 1; hart <= harts; hart++) {
            a.addAll(List.of("-ex", "thread " + hart,
                    "-ex", String.format("set $mip = ($mip & ~0x%x) | 0x%x", SEIP, STIP),
                    "-ex", "p/x $mip"));
        }
        a.addAll(List.of("-ex", "detach"));
        return a;
    }

    private static void hmp(QmpClient qmp, String command) {
        qmp.execute("human-monitor-command", Map.of("command-line", command));
    }
}
