package io.trialboot.image;

import io.trialboot.core.Sha256;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Takes the compiler-generated local labels out of the kernel modules' symbol tables before they go
 * into the initramfs (docs/verified-boot.md#costs). RISC-V's assembler keeps every {@code .L…} label
 * as a symbol (ext4: 212,769 of its 216,901), and the kernel walks every symbol when it loads a
 * module: that was most of stage 0's module time. {@code riscv64-linux-gnu-objcopy --discard-locals}
 * (Debian's binutils-riscv64-linux-gnu) drops the labels no relocation names and keeps everything
 * else, the static functions' names among it (backtraces still name them).
 *
 * <p>Each reduced module is checked against Debian's before it is used ({@link #check}): the same
 * sections byte for byte, the same relocations naming the same symbols, and the same symbols but
 * the labels dropped. The changed bytes lose Debian's appended signature: the kernel loads the
 * modules unsigned (it does not enforce signatures) and their integrity comes from the initramfs,
 * part of the fixed boot chain (docs/verified-boot.md#the-kernel-modules).
 */
final class ModuleReduction {
    static final String TOOL = "riscv64-linux-gnu-objcopy";
    static final String PACKAGE = "binutils-riscv64-linux-gnu";
    static final List<String> OPTIONS = List.of("--discard-locals");
    private static final byte[] SIGNATURE_MAGIC = "~Module signature appended~\n".getBytes(StandardCharsets.US_ASCII);

    private final Path tool;
    private final String version;

    private ModuleReduction(Path tool, String version) {
        this.tool = tool;
        this.version = version;
    }

    /** The tool on this process's {@code PATH}. */
    static ModuleReduction find() {
        return find(TOOL, Objects.requireNonNullElse(System.getenv("PATH"), ""));
    }

    /** {@code name} on {@code searchPath}; an {@link ImageBuildException} naming the tool and its package when it is not there. */
    static ModuleReduction find(String name, String searchPath) {
        Path tool = Arrays.stream(searchPath.split(File.pathSeparator)).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new ImageBuildException("the kernel modules need " + name + " (their local labels are"
                        + " discarded before they go into the initramfs), not found on PATH: install Debian's package "
                        + PACKAGE + " (scripts/bootstrap does)"));
        String version = Tools.run(List.of(tool.toString(), "--version"), tool.getParent(), Duration.ofMinutes(1))
                .lines().findFirst().orElse("");
        return new ModuleReduction(tool, version);
    }

    /** The tool's version, as an input of the image's cache key: another objcopy may write other bytes. */
    BuildCache.Input cacheInput() {
        return new BuildCache.Input("tool/" + TOOL, Sha256.of(version.getBytes(StandardCharsets.UTF_8)));
    }

    /** What reducing did to one module: its bytes and symbols before and after. */
    record Outcome(KernelModules.Module module, long bytesBefore, int symbolsBefore, int symbolsAfter) {}

    /**
     * Every module reduced and checked, in the same order; {@code scratch} holds the tool's files. Logs
     * the bytes and symbols before and after.
     */
    List<KernelModules.Module> reduce(List<KernelModules.Module> modules, Path scratch, Consumer<String> log) {
        ImageBuild.createDirectories(scratch);
        List<Outcome> outcomes = modules.parallelStream().map(m -> reduce(m, scratch)).toList();
        log.accept(String.format("kernel modules: %d reduced by %s %s: %,d -> %,d bytes, %,d -> %,d symbols", outcomes.size(),
                TOOL, String.join(" ", OPTIONS), outcomes.stream().mapToLong(Outcome::bytesBefore).sum(),
                outcomes.stream().mapToLong(o -> o.module().elf().length).sum(),
                outcomes.stream().mapToLong(Outcome::symbolsBefore).sum(), outcomes.stream().mapToLong(Outcome::symbolsAfter).sum()));
        return outcomes.stream().map(Outcome::module).toList();
    }

    private Outcome reduce(KernelModules.Module module, Path scratch) {
        Path in = scratch.resolve(module.name() + ".ko");
        Path out = scratch.resolve(module.name() + ".reduced.ko");
        try {
            Files.write(in, module.elf());
            Files.deleteIfExists(out);
            Tools.run(command(in, out), scratch, Duration.ofMinutes(2));
            KernelModules.Module reduced = new KernelModules.Module(module.name(), Files.readAllBytes(out));
            int[] symbols = check(module.name(), module.elf(), reduced.elf());
            return new Outcome(reduced, module.elf().length, symbols[0], symbols[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<String> command(Path in, Path out) {
        return Stream.of(List.of(tool.toString()), OPTIONS, List.of(in.toString(), out.toString()))
                .flatMap(List::stream).toList();
    }

    /**
     * Refuses a reduced module that differs from {@code original} in anything but the local labels no
     * relocation names: the same sections but the symbol table's and the relocations' (same names,
     * types, flags, bytes, in order), the same relocations naming equal symbols, every symbol kept
     * but those labels, and no signature left (the kernel refuses a module whose signature does not
     * match its bytes). Returns the symbols before and after.
     */
    static int[] check(String name, byte[] original, byte[] reduced) {
        ModuleElf a = ModuleElf.parse("kernel module " + name, original);
        ModuleElf b = ModuleElf.parse("kernel module " + name + " reduced by " + TOOL, reduced);
        List<ModuleElf.Section> sa = a.sections().stream().filter(s -> !s.isSymbolsOrRelocations()).toList();
        List<ModuleElf.Section> sb = b.sections().stream().filter(s -> !s.isSymbolsOrRelocations()).toList();
        boolean sameSections = sa.size() == sb.size() && IntStream.range(0, sa.size()).allMatch(i -> sa.get(i).name().equals(sb.get(i).name())
                && sa.get(i).type() == sb.get(i).type() && sa.get(i).flags() == sb.get(i).flags()
                && Arrays.equals(sa.get(i).bytes(), sb.get(i).bytes()));
        refuse(!sameSections, name, "its sections differ from Debian's");
        refuse(!a.relocations().equals(b.relocations()), name, "its relocations differ from Debian's");
        BitSet named = a.namedSymbols();
        List<ModuleElf.Symbol> kept = IntStream.range(0, a.symbols().size())
                .filter(i -> named.get(i) || !a.symbols().get(i).isLocalLabel()).mapToObj(a.symbols()::get).toList();
        refuse(!kept.equals(b.symbols()), name, "its symbols are not Debian's without the local labels no relocation names ("
                + b.symbols().size() + " symbols, " + kept.size() + " expected)");
        refuse(endsWith(reduced, SIGNATURE_MAGIC), name, "it still carries Debian's signature, which no longer matches its bytes");
        return new int[] {a.symbols().size(), b.symbols().size()};
    }

    private static void refuse(boolean wrong, String name, String why) {
        if (wrong) {
            throw new ImageBuildException("kernel module " + name + " reduced by " + TOOL + " " + String.join(" ", OPTIONS)
                    + " is refused: " + why);
        }
    }

    private static boolean endsWith(byte[] bytes, byte[] suffix) {
        return bytes.length >= suffix.length
                && Arrays.equals(bytes, bytes.length - suffix.length, bytes.length, suffix, 0, suffix.length);
    }
}
