package io.trialboot.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VcpuSnapshotTest {
    /** The shape QEMU 7.2 prints for {@code info registers -a} (trimmed). */
    private static final String TWO_CPUS = """

            CPU#0
             V      =   0
             pc       ffffffff80a0b1c2
             mhartid  0000000000000000
             mepc     0000000080001000
            CPU#1
             V      =   0
             pc       0000000080012f4e
             mhartid  0000000000000001
            """;

    @Test
    void readsTheProgramCounterOfEveryCpuAndNotTheOtherPcRegisters() {
        assertEquals(List.of(0xffffffff80a0b1c2L, 0x80012f4eL), VcpuSnapshot.parse(TWO_CPUS).pcs());
    }

    @Test
    void namesTheRegionEachCpuIsIn() {
        assertEquals("kernel", VcpuSnapshot.region(0xffffffff80a0b1c2L));
        assertEquals("firmware (OpenSBI)", VcpuSnapshot.region(0x80012f4eL));
        assertEquals("reset ROM", VcpuSnapshot.region(0x1000L));
        assertEquals("physical RAM (kernel before the MMU is on)", VcpuSnapshot.region(0x80200000L));
        assertEquals("user space", VcpuSnapshot.region(0x3fd2a01000L));
    }

    @Test
    void marksCpusWhoseProgramCounterDidNotMove() {
        VcpuSnapshot before = VcpuSnapshot.parse(TWO_CPUS);
        VcpuSnapshot after = new VcpuSnapshot(List.of(0xffffffff80a0b1c2L, 0x80012f60L));
        assertEquals("cpu0 pc=ffffffff80a0b1c2 (kernel, same pc a second earlier), "
                + "cpu1 pc=0000000080012f60 (firmware (OpenSBI))", after.describe(before));
    }

    @Test
    void theKernelRunsEveryHartOnlyWhenNoneIsLeftOutsideIt() {
        assertTrue(new VcpuSnapshot(List.of(0xffffffff80a0b1c2L, 0xffffffff80001000L)).kernelRunsEveryHart());
        assertTrue(new VcpuSnapshot(List.of(0xffffffff80a0b1c2L, 0x3fd2a01000L)).kernelRunsEveryHart());
        assertFalse(new VcpuSnapshot(List.of(0xffffffff80a0b1c2L, 0x80a6f294L)).kernelRunsEveryHart(), "run 14's hart 1");
        assertFalse(VcpuSnapshot.parse(TWO_CPUS).kernelRunsEveryHart(), "hart 1 in OpenSBI");
        assertFalse(new VcpuSnapshot(List.of(0x1000L, 0x1000L)).kernelRunsEveryHart(), "both in the reset ROM");
        assertFalse(new VcpuSnapshot(List.of()).kernelRunsEveryHart(), "no registers: nothing known");
    }

    @Test
    void aReportNamesTheStallOnlyWhenAHartIsLeftOutsideTheKernel() {
        assertEquals("; a hart the kernel never brought up (the second-hart stall, docs/reliability.md)",
                new VcpuSnapshot(List.of(0xffffffff80a81240L, 0x802010bcL)).notBroughtUp(), "the flakiness sitting's run 7");
        assertEquals("", new VcpuSnapshot(List.of(0xffffffff80a0b1c2L, 0x3fd2a01000L)).notBroughtUp());
    }

    @Test
    void textWithoutRegistersGivesNoCpus() {
        assertEquals(List.of(), VcpuSnapshot.parse("unknown command: 'info registers'").pcs());
        assertEquals("no vCPU registers", VcpuSnapshot.parse("").describe(null));
    }

    @Test
    void aHartInOpenSbiIsInTheFirmware() {
        assertTrue(new VcpuSnapshot(List.of(0xffffffff80a0b1c2L, 0x80012f4eL)).anyInFirmware());
        assertFalse(new VcpuSnapshot(List.of(0xffffffff80a0b1c2L, 0x3fa2b1c000L)).anyInFirmware(), "kernel and user space");
        assertFalse(new VcpuSnapshot(List.of(0x80200000L)).anyInFirmware(), "the kernel's image before the MMU is on");
    }
}
