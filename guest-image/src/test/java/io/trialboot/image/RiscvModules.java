package io.trialboot.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Kernel-module stand-ins for the tests, assembled by {@code riscv64-linux-gnu-as} (Debian's
 * binutils-riscv64-linux-gnu, which scripts/bootstrap installs for {@link ModuleReduction}) to look
 * like Debian's: local labels left in the symbol table ({@code -L}, as the debug information Debian
 * strips leaves them), some named by relocations ({@code .L0 } of a {@code pcrel_lo}, a branch
 * target, a string) and most not, a static function no relocation names, a {@code .modinfo}, and
 * a signature appended in the kernel's layout.
 */
final class RiscvModules {
    static final String AS = "riscv64-linux-gnu-as";
    /** The labels of {@link #signed} that no relocation names. */
    static final List<String> UNNAMED_LABELS = List.of(".Lunused", ".LVL1", ".LVL2");
    /** The labels of {@link #signed} that relocations name. */
    static final List<String> NAMED_LABELS = List.of(".Lloop", ".Lmessage", ".L0 ");

    private RiscvModules() {}

    /** A module named {@code name} depending on {@code depends} (comma-separated, may be empty), signed. */
    static byte[] signed(Path dir, String name, String depends) {
        try {
            Files.createDirectories(dir);
            Path source = Files.writeString(dir.resolve(name + ".s"), """
                    \t.text
                    \t.globl init_module
                    \t.type helper, @function
                    helper:
                    .Lloop:
                    .LVL1:
                    \taddi a0, a0, -1
                    \tbnez a0, .Lloop
                    .LVL2:
                    \tlla a1, .Lmessage
                    \tret
                    \t.size helper, .-helper
                    \t.type unreferenced_static, @function
                    unreferenced_static:
                    \tret
                    \t.size unreferenced_static, .-unreferenced_static
                    init_module:
                    \tcall helper
                    \tcall printk
                    .Lunused:
                    \tret
                    \t.section .rodata.str1.1,"aMS",@progbits,1
                    .Lmessage:
                    \t.string "hello"
                    \t.section .modinfo,"a"
                    \t.string "depends=%s"
                    \t.string "name=%s"
                    """.formatted(depends, name));
            Path object = dir.resolve(name + ".o");
            Tools.run(List.of(AS, "-L", "-march=rv64gc", "-o", object.toString(), source.toString()), dir, Duration.ofMinutes(1));
            return withSignature(Files.readAllBytes(object));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code elf} with a stand-in signature in the kernel's appended layout: the bytes, {@code struct module_signature}, the magic. */
    static byte[] withSignature(byte[] elf) {
        byte[] signature = "stand-in PKCS#7".getBytes(StandardCharsets.US_ASCII);
        byte[] info = {0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, (byte) signature.length};
        byte[] magic = "~Module signature appended~\n".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[elf.length + signature.length + info.length + magic.length];
        System.arraycopy(elf, 0, out, 0, elf.length);
        System.arraycopy(signature, 0, out, elf.length, signature.length);
        System.arraycopy(info, 0, out, elf.length + signature.length, info.length);
        System.arraycopy(magic, 0, out, out.length - magic.length, magic.length);
        return out;
    }
}
