package io.trialboot.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The parts of a kernel module (an ELF64 little-endian relocatable object for RISC-V) that
 * {@link ModuleReduction} checks: its sections, its symbol table, and what each relocation names.
 * Reads only; anything that is not such an object is an {@link ImageBuildException}. {@code namedSymbols}:
 * the indices into {@code symbols} that some relocation names.
 */
record ModuleElf(List<Section> sections, List<Symbol> symbols, List<Relocation> relocations, BitSet namedSymbols) {
    static final int EM_RISCV = 243;
    private static final int ET_REL = 1;
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_RELA = 4;
    private static final int SHT_NOBITS = 8;
    private static final int SHT_REL = 9;

    /** A section: its name, type, flags and bytes (none for {@code SHT_NOBITS}). */
    record Section(String name, int type, long flags, byte[] bytes) {
        boolean isSymbolsOrRelocations() {
            return type == SHT_SYMTAB || type == SHT_RELA || type == SHT_REL
                    || name.equals(".strtab") || name.equals(".shstrtab");
        }
    }

    /** A symbol table entry, its section given by name (or the special index as {@code #n}). */
    record Symbol(String name, int info, String section, long value, long size) {
        boolean isLocal() {
            return (info >>> 4) == 0;
        }

        /** A compiler-generated local label: a local symbol of no type named {@code .L…} (RISC-V's assembler keeps them). */
        boolean isLocalLabel() {
            return isLocal() && (info & 0xf) == 0 && name.startsWith(".L");
        }
    }

    /** One relocation: the section it patches, where, its type and addend, and the symbol it names (index 0: none). */
    record Relocation(String section, long offset, long type, long addend, Symbol symbol) {}

    static ModuleElf parse(String what, byte[] elf) {
        try {
            return read(ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN));
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new ImageBuildException(what + ": not a well-formed ELF64 object (" + e + ")", e);
        }
    }

    private static ModuleElf read(ByteBuffer b) {
        if (b.getInt(0) != 0x464c457f || b.get(4) != 2 || b.get(5) != 1) {
            throw new IllegalArgumentException("not an ELF64 little-endian file");
        }
        if (b.getShort(16) != ET_REL || b.getShort(18) != EM_RISCV) {
            throw new IllegalArgumentException("not a RISC-V relocatable object");
        }
        long shoff = b.getLong(0x28);
        int count = Short.toUnsignedInt(b.getShort(0x3c));
        int names = Short.toUnsignedInt(b.getShort(0x3e));
        int[] type = new int[count];
        int[] link = new int[count];
        int[] info = new int[count];
        byte[][] bytes = new byte[count][];
        int[] nameAt = new int[count];
        long[] flags = new long[count];
        for (int i = 0; i < count; i++) {
            int h = Math.toIntExact(shoff + 64L * i);
            nameAt[i] = b.getInt(h);
            type[i] = b.getInt(h + 4);
            flags[i] = b.getLong(h + 8);
            int size = Math.toIntExact(b.getLong(h + 32));
            bytes[i] = new byte[type[i] == SHT_NOBITS ? 0 : size];
            b.get(Math.toIntExact(b.getLong(h + 24)), bytes[i]);
            link[i] = b.getInt(h + 40);
            info[i] = b.getInt(h + 44);
        }
        List<Section> sections = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sections.add(new Section(string(bytes[names], nameAt[i]), type[i], flags[i], bytes[i]));
        }
        List<Symbol> symbols = new ArrayList<>();
        List<Relocation> relocations = new ArrayList<>();
        BitSet named = new BitSet(symbols.size());
        for (int i = 0; i < count; i++) {
            if (type[i] == SHT_SYMTAB) {
                if (!symbols.isEmpty()) {
                    throw new IllegalArgumentException("more than one symbol table");
                }
                symbols.addAll(symbols(bytes[i], bytes[link[i]], sections));
            }
        }
        for (int i = 0; i < count; i++) {
            if (type[i] == SHT_REL || type[i] == SHT_RELA) {
                relocations.addAll(relocations(bytes[i], type[i] == SHT_RELA, sections.get(info[i]).name(), symbols, named));
            }
        }
        return new ModuleElf(List.copyOf(sections), List.copyOf(symbols), List.copyOf(relocations), named);
    }

    private static List<Symbol> symbols(byte[] table, byte[] strings, List<Section> sections) {
        ByteBuffer b = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        List<Symbol> out = new ArrayList<>(table.length / 24);
        for (int at = 0; at + 24 <= table.length; at += 24) {
            int shndx = Short.toUnsignedInt(b.getShort(at + 6));
            String section = shndx > 0 && shndx < 0xff00 ? sections.get(shndx).name() : "#" + shndx;
            out.add(new Symbol(string(strings, b.getInt(at)), Byte.toUnsignedInt(b.get(at + 4)), section,
                    b.getLong(at + 8), b.getLong(at + 16)));
        }
        return out;
    }

    private static List<Relocation> relocations(byte[] table, boolean addends, String target, List<Symbol> symbols,
            BitSet named) {
        ByteBuffer b = ByteBuffer.wrap(table).order(ByteOrder.LITTLE_ENDIAN);
        int size = addends ? 24 : 16;
        List<Relocation> out = new ArrayList<>(table.length / size);
        for (int at = 0; at + size <= table.length; at += size) {
            long rinfo = b.getLong(at + 8);
            int symbol = Math.toIntExact(rinfo >>> 32);
            named.set(symbol);
            out.add(new Relocation(target, b.getLong(at), rinfo & 0xffffffffL, addends ? b.getLong(at + 16) : 0,
                    symbols.get(symbol)));
        }
        return out;
    }

    private static String string(byte[] table, int at) {
        int end = at;
        while (table[end] != 0) {
            end++;
        }
        return new String(table, at, end - at, StandardCharsets.ISO_8859_1);
    }
}
