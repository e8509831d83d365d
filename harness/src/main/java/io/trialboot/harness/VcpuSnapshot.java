package io.trialboot.harness;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where each virtual CPU of a silent guest is: the program counters from QEMU's
 * {@code info registers -a}, each named by the region it points into. A contract timeout with
 * QEMU still running appends two snapshots a second apart, so a report tells a guest stuck in the
 * firmware or the kernel (no console output, {@code quiet}) from one that is merely slow.
 *
 * @param pcs the program counter of each vCPU, by CPU index
 */
public record VcpuSnapshot(List<Long> pcs) {
    private static final Pattern CPU = Pattern.compile("^CPU#(\\d+)\\s*$");
    private static final Pattern PC = Pattern.compile("^\\s*pc\\s+([0-9a-fA-F]{1,16})\\s*$");

    /** OpenSBI's region on the virt machine ({@code Firmware Base} 0x80000000, under 512 KiB). */
    private static final long FIRMWARE_START = 0x8000_0000L;
    private static final long FIRMWARE_END = 0x8008_0000L;
    /** Above 4 GiB: user space; a negative pc: the kernel's upper half. Below: no address the kernel runs harts at. */
    private static final long PHYSICAL_END = 0x1_0000_0000L;
    /** The virt machine's reset vector ROM. */
    private static final long RESET_ROM_END = 0x1_0000L;

    public VcpuSnapshot {
        pcs = List.copyOf(pcs);
    }

    /** Reads the human monitor's {@code info registers -a} text; CPUs without a pc line are absent. */
    static VcpuSnapshot parse(String infoRegisters) {
        List<Long> pcs = new ArrayList<>();
        int cpu = -1;
        for (String line : infoRegisters.split("\\R")) {
            Matcher c = CPU.matcher(line);
            if (c.matches()) {
                cpu = Integer.parseInt(c.group(1));
                continue;
            }
            Matcher p = PC.matcher(line);
            if (p.matches() && cpu >= 0 && pcs.size() == cpu) {
                pcs.add(HexFormat.fromHexDigitsToLong(p.group(1)));
            }
        }
        return new VcpuSnapshot(pcs);
    }

    /** The region a program counter points into, for a person reading a failure report. */
    static String region(long pc) {
        if (pc < 0) return "kernel";
        if (Long.compareUnsigned(pc, RESET_ROM_END) < 0) return "reset ROM";
        if (pc >= FIRMWARE_START && pc < FIRMWARE_END) return "firmware (OpenSBI)";
        if (pc >= FIRMWARE_END && pc < PHYSICAL_END) return "physical RAM (kernel before the MMU is on)";
        return "user space";
    }

    /**
     * Every vCPU runs under the kernel (in it or in user space): none is left in the reset ROM, the
     * firmware or at a physical address. Read from a boot silent for a while after the banner, false
     * means the kernel never brought every hart up, which it does before it probes any disk.
     */
    public boolean kernelRunsEveryHart() {
        return !pcs.isEmpty() && pcs.stream().allMatch(pc -> pc < 0 || pc >= PHYSICAL_END);
    }

    /**
     * For the report of a guest silent past a step's timeout: "" when every hart runs under the
     * kernel, else that the kernel never brought a hart up, and which failure that has been.
     */
    String notBroughtUp() {
        return kernelRunsEveryHart() ? "" : "; a hart the kernel never brought up (the second-hart stall, docs/reliability.md)";
    }

    /**
     * Some vCPU is in the firmware (OpenSBI, machine mode): where QEMU does not let {@code mip.STIP}
     * be written (Sstc), so a state saved so cannot have its harts' timers woken ({@link HartTimers}).
     */
    boolean anyInFirmware() {
        return pcs.stream().anyMatch(pc -> pc >= FIRMWARE_START && pc < FIRMWARE_END);
    }

    /** One line: {@code cpu0 pc=ffffffff8000a1b2 (kernel), cpu1 ...}, marking CPUs that did not move since {@code before}. */
    public String describe(VcpuSnapshot before) {
        if (pcs.isEmpty()) return "no vCPU registers";
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < pcs.size(); i++) {
            long pc = pcs.get(i);
            boolean still = before != null && i < before.pcs.size() && before.pcs.get(i) == pc;
            parts.add(String.format(Locale.ROOT, "cpu%d pc=%016x (%s%s)", i, pc, region(pc),
                    still ? ", same pc a second earlier" : ""));
        }
        return String.join(", ", parts);
    }
}
