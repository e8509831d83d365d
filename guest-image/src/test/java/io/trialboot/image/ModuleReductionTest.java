package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModuleReduction} with the real {@code riscv64-linux-gnu-objcopy} on modules assembled like
 * Debian's ({@link RiscvModules}), and its check against reductions that went wrong.
 */
class ModuleReductionTest {
    @TempDir
    Path dir;

    private List<String> symbolNames(byte[] elf) {
        return ModuleElf.parse("test", elf).symbols().stream().map(ModuleElf.Symbol::name).toList();
    }

    private KernelModules.Module reduceOne(byte[] elf) {
        List<String> log = new ArrayList<>();
        List<KernelModules.Module> out = ModuleReduction.find().reduce(List.of(new KernelModules.Module("test", elf)),
                dir.resolve("scratch"), log::add);
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("kernel modules: 1 reduced by riscv64-linux-gnu-objcopy --discard-locals: "), log.get(0));
        return out.get(0);
    }

    @Test
    void theLabelsNoRelocationNamesGoAndEveryOtherSymbolStays() {
        byte[] signed = RiscvModules.signed(dir, "test", "");
        List<String> before = symbolNames(signed);
        assertTrue(before.containsAll(RiscvModules.UNNAMED_LABELS), "the stand-in is like Debian's: " + before);
        KernelModules.Module reduced = reduceOne(signed);
        List<String> after = symbolNames(reduced.elf());
        List<String> expected = new ArrayList<>(before);
        expected.removeAll(RiscvModules.UNNAMED_LABELS);
        assertEquals(expected, after);
        assertTrue(after.containsAll(RiscvModules.NAMED_LABELS), "every symbol a relocation names: " + after);
        assertTrue(after.containsAll(List.of("helper", "unreferenced_static", "init_module", "printk")),
                "the functions' names, the static ones too (backtraces): " + after);
        assertTrue(reduced.elf().length < signed.length);
        ModuleElf elf = ModuleElf.parse("reduced", reduced.elf());
        assertEquals(List.of(), IntStream.range(0, elf.symbols().size())
                .filter(i -> elf.symbols().get(i).isLocalLabel() && !elf.namedSymbols().get(i))
                .mapToObj(i -> elf.symbols().get(i).name()).toList(), "no label left that no relocation names");
        assertTrue(new String(reduced.elf(), StandardCharsets.ISO_8859_1).contains("\0name=test\0"), "the .modinfo kept");
    }

    @Test
    void theModuleLosesDebiansSignatureAndTheModinfoStays() {
        KernelModules.Module reduced = reduceOne(RiscvModules.signed(dir, "ext4", "jbd2,mbcache"));
        String tail = new String(reduced.elf(), reduced.elf().length - 28, 28, StandardCharsets.ISO_8859_1);
        assertNotEquals("~Module signature appended~\n", tail);
        assertEquals(List.of("jbd2", "mbcache"), KernelModules.depends(reduced.elf()));
    }

    @Test
    void twoReductionsGiveTheSameBytes() {
        byte[] signed = RiscvModules.signed(dir, "test", "");
        assertArrayEquals(reduceOne(signed).elf(), reduceOne(signed).elf());
    }

    @Test
    void theOrderOfManyModulesIsKept() {
        List<KernelModules.Module> in = IntStream.range(0, 6)
                .mapToObj(i -> new KernelModules.Module("m" + i, RiscvModules.signed(dir.resolve("src"), "m" + i, ""))).toList();
        List<KernelModules.Module> out = ModuleReduction.find().reduce(in, dir.resolve("scratch"), line -> { });
        assertEquals(in.stream().map(KernelModules.Module::name).toList(), out.stream().map(KernelModules.Module::name).toList());
        for (int i = 0; i < in.size(); i++) {
            assertTrue(new String(out.get(i).elf(), StandardCharsets.ISO_8859_1).contains("name=m" + i), "module " + i + "'s own bytes");
        }
    }

    /** The module reduced by {@code objcopy} with {@code options} instead of the build's. */
    private byte[] objcopy(byte[] elf, String... options) throws Exception {
        Path in = Files.write(dir.resolve("in.ko"), elf);
        Path out = dir.resolve("out.ko");
        List<String> command = new ArrayList<>(List.of(ModuleReduction.TOOL));
        command.addAll(List.of(options));
        command.addAll(List.of(in.toString(), out.toString()));
        Tools.run(command, dir, Duration.ofMinutes(1));
        return Files.readAllBytes(out);
    }

    private static String refusal(byte[] original, byte[] reduced) {
        return assertThrows(ImageBuildException.class, () -> ModuleReduction.check("test", original, reduced)).getMessage();
    }

    @Test
    void stripUnneededIsRefused() throws Exception {
        byte[] signed = RiscvModules.signed(dir, "test", "");
        String why = refusal(signed, objcopy(signed, "--strip-unneeded"));
        assertTrue(why.contains("kernel module test reduced by riscv64-linux-gnu-objcopy --discard-locals is refused: its symbols"
                + " are not Debian's without the local labels no relocation names"), why);
    }

    @Test
    void aStaticFunctionsNameDroppedIsRefused() throws Exception {
        byte[] signed = RiscvModules.signed(dir, "test", "");
        assertTrue(refusal(signed, objcopy(signed, "--discard-locals", "--strip-symbol=unreferenced_static"))
                .contains("its symbols"));
    }

    @Test
    void changedCodeIsRefused() throws Exception {
        byte[] signed = RiscvModules.signed(dir, "test", "");
        int text = ModuleElf.parse("test", signed).sections().stream().filter(s -> s.name().equals(".text"))
                .findFirst().orElseThrow().bytes().length;
        Files.write(dir.resolve("nops"), new byte[text]);
        assertTrue(refusal(signed, objcopy(signed, "--discard-locals", "--update-section", ".text=" + dir.resolve("nops")))
                .contains("its sections differ from Debian's"));
        assertTrue(refusal(signed, objcopy(signed, "--discard-locals", "--remove-section", ".modinfo"))
                .contains("its sections differ from Debian's"));
    }

    @Test
    void aSignatureLeftOnChangedBytesIsRefused() throws Exception {
        byte[] signed = RiscvModules.signed(dir, "test", "");
        assertTrue(refusal(signed, RiscvModules.withSignature(objcopy(signed, "--discard-locals")))
                .contains("it still carries Debian's signature"));
    }

    @Test
    void notAModuleIsRefused() {
        String why = assertThrows(ImageBuildException.class, () -> ModuleReduction.check("test",
                "\0name=test\0depends=\0".getBytes(StandardCharsets.US_ASCII), new byte[64])).getMessage();
        assertTrue(why.startsWith("kernel module test: not a well-formed ELF64 object"), why);
    }

    @Test
    void theBuildRefusesWithoutTheToolNamingItAndItsPackage() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        String why = assertThrows(ImageBuildException.class,
                () -> ModuleReduction.find(ModuleReduction.TOOL, empty.toString())).getMessage();
        assertTrue(why.contains("riscv64-linux-gnu-objcopy") && why.contains("not found on PATH")
                && why.contains("install Debian's package binutils-riscv64-linux-gnu (scripts/bootstrap does)"), why);
    }

    @Test
    void theToolsVersionIsPartOfTheCacheKey() {
        String version = Tools.run(List.of(ModuleReduction.TOOL, "--version"), dir, Duration.ofMinutes(1)).lines().findFirst()
                .orElseThrow();
        assertTrue(version.startsWith("GNU objcopy"), version);
        assertEquals(new BuildCache.Input("tool/riscv64-linux-gnu-objcopy", Sha256.of(version.getBytes(StandardCharsets.UTF_8))),
                ModuleReduction.find().cacheInput());
    }
}
