package io.trialboot.format.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class TarTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads every entry; returns "name=content" strings. */
    private static List<String> readAll(byte[] archive) {
        TarReader r = new TarReader(new ByteArrayInputStream(archive), 1 << 20, 1 << 20);
        List<String> out = new ArrayList<>();
        for (Optional<TarEntry> e = r.next(); e.isPresent(); e = r.next()) {
            out.add(e.get().name() + "=" + new String(r.readContent(1024), StandardCharsets.US_ASCII));
        }
        return out;
    }

    /** An archive of one entry whose header is patched by {@code patch} (checksum recomputed). */
    private static byte[] crafted(String name, char type, String content) {
        byte[] h = TarWriter.header(name.length() > 100 ? name.substring(0, 100) : name, content.length());
        h[Ustar.TYPE] = (byte) type;
        if (name.length() > 100) {
            byte[] prefix = bytes(name.substring(100));
            System.arraycopy(prefix, 0, h, Ustar.PREFIX, prefix.length);
        }
        Ustar.octal(h, Ustar.CHECKSUM, 7, Ustar.checksum(h));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h);
        out.writeBytes(bytes(content));
        out.writeBytes(new byte[TarWriter.padding(content.length()) + 1024]);
        return out.toByteArray();
    }

    private static void rejects(Code code, String messageStart, byte[] archive) {
        TrialbootException e = assertThrows(TrialbootException.class, () -> readAll(archive));
        assertEquals(code, e.code(), e.getMessage());
        assertTrue(e.getMessage().startsWith(code + ": " + messageStart), e.getMessage());
    }

    @Test
    void writesSortedDeterministicArchivesThatReadBack() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("zeta.nxb", bytes("z"));
        entries.put("alpha.nxb", bytes("a".repeat(600)));
        byte[] tar = TarWriter.write(entries);
        assertArrayEquals(tar, TarWriter.write(Map.of("alpha.nxb", bytes("a".repeat(600)), "zeta.nxb", bytes("z"))));
        assertEquals(List.of("alpha.nxb=" + "a".repeat(600), "zeta.nxb=z"), readAll(tar));
        assertEquals(512 + 1024 + 512 + 512 + 1024, tar.length);
        String header = new String(tar, 0, 512, StandardCharsets.US_ASCII);
        assertEquals("0000644\0", header.substring(100, 108));
        assertEquals("0000000\0", header.substring(108, 116));
        assertEquals("00000000000\0", header.substring(136, 148));
        assertEquals("ustar\00000", header.substring(257, 265));
    }

    @Test
    void refusesTheOldRegularFileTypeflag() {
        // Pre-POSIX tars mark a regular file with a NUL typeflag: the same file, other bytes.
        rejects(Code.TAR_MALFORMED, "header of 'a.txt': its typeflag field", crafted("a.txt", '\0', "hi"));
    }

    /** {@code crafted("a.nxb", '0', "hi")} with {@code value} written over the header at {@code offset}. */
    private static byte[] patched(int offset, String value) {
        byte[] tar = crafted("a.nxb", '0', "hi");
        byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(v, 0, tar, offset, v.length);
        Ustar.octal(tar, Ustar.CHECKSUM, 7, Ustar.checksum(tar));
        return tar;
    }

    /**
     * Each header field trialboot writes one way: another spelling of it (another mode, owner, time, a
     * space-padded number, names where it writes none, bytes in the padding) is refused, naming the field.
     */
    @ParameterizedTest(name = "{2} field: {1}")
    @MethodSource("nonCanonicalFields")
    void refusesEveryNonCanonicalHeaderField(int offset, String value, String field) {
        rejects(Code.TAR_MALFORMED, "header of 'a.nxb': its " + field + " field", patched(offset, value));
    }

    private static Stream<Arguments> nonCanonicalFields() {
        return Stream.of(
                arguments(Ustar.MODE, "0000755\0", "mode"),
                arguments(Ustar.UID, "0001750\0", "uid"),
                arguments(Ustar.GID, "0000001\0", "gid"),
                arguments(Ustar.MTIME, "14712345670\0", "mtime"),
                arguments(Ustar.SIZE, "         2\0\0", "size"),
                arguments(Ustar.MODE, "644 \0\0\0\0", "mode"),
                arguments(265, "root", "uname"),
                arguments(297, "root", "gname"),
                arguments(Ustar.LINKNAME, "b.nxb", "linkname"),
                arguments(Ustar.DEVMAJOR, "0000010\0", "devmajor"),
                arguments(511, "x", "padding"));
    }

    /** The checksum is a field like the others: the same value spelled with a leading zero is refused. */
    @Test
    void refusesAChecksumSpelledOtherwise() {
        assertEquals(List.of("a.nxb=hi"), readAll(patched(Ustar.MODE, "0000644\0")), "the canonical header reads");
        byte[] spelled = crafted("a.nxb", '0', "hi");
        System.arraycopy(bytes(String.format("%07o\0", Ustar.checksum(spelled))), 0, spelled, Ustar.CHECKSUM, 8);
        rejects(Code.TAR_MALFORMED, "header of 'a.nxb': its chksum field", spelled);
    }

    @Test
    void refusesEntriesOutOfNameOrder() {
        byte[] a = TarWriter.write(Map.of("a.nxb", bytes("1")));
        byte[] b = TarWriter.write(Map.of("b.nxb", bytes("2")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, 1024);
        out.write(a, 0, 1024);
        out.writeBytes(new byte[1024]);
        rejects(Code.TAR_MALFORMED, "entry 'a.nxb' comes after 'b.nxb'", out.toByteArray());
    }

    @Test
    void rejectsParentDirectoryComponents() {
        rejects(Code.TAR_PATH_TRAVERSAL, "path 'bundles/../../etc/passwd' climbs out", crafted("bundles/../../etc/passwd", '0', "x"));
    }

    @Test
    void rejectsAbsolutePaths() {
        rejects(Code.TAR_ABSOLUTE_PATH, "absolute path '/etc/passwd'", crafted("/etc/passwd", '0', "x"));
    }

    @Test
    void rejectsDotAndNonPortableNames() {
        rejects(Code.TAR_PATH_INVALID, "path './a' has an empty", crafted("./a", '0', "x"));
        rejects(Code.TAR_PATH_INVALID, "path 'a b' has an empty", crafted("a b", '0', "x"));
    }

    /** Only regular files: every other entry type is refused, naming it. */
    @ParameterizedTest(name = "typeflag {0}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            2 | hello.nxb | "'hello.nxb' is a symbolic link"
            1 | hello.nxb | "'hello.nxb' is a hard link"
            4 | sda       | "'sda' is a block device"
            3 | tty       | "'tty' is a character device"
            5 | d         | "'d' is a directory"
            6 | p         | "'p' is a FIFO"
            x | x         | "'x' is a pax extended header"
            """)
    void rejectsEveryEntryThatIsNotARegularFile(char type, String name, String message) {
        rejects(Code.TAR_NOT_REGULAR_FILE, message, crafted(name, type, ""));
    }

    @Test
    void rejectsDuplicateEntries() {
        byte[] one = crafted("a", '0', "1");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(one, 0, 1024);
        out.writeBytes(one);
        rejects(Code.TAR_DUPLICATE_ENTRY, "entry 'a' appears twice", out.toByteArray());
    }

    @Test
    void rejectsOverlongNamesAsOversize() {
        rejects(Code.HOST_INPUT_OVERSIZE, "entry name uses the ustar prefix field", crafted("a".repeat(120), '0', "x"));
        TrialbootException e = assertThrows(TrialbootException.class, () -> ArchivePath.check("b".repeat(101)));
        assertEquals(Code.HOST_INPUT_OVERSIZE, e.code());
    }

    @Test
    void rejectsTooManyEntries() {
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i <= Bounds.TAR_ENTRIES; i++) {
            many.put("f" + i, new byte[0]);
        }
        rejects(Code.HOST_INPUT_OVERSIZE, "archive entry count is 257", TarWriter.write(many));
    }

    @Test
    void rejectsEntriesAndArchivesOverTheirBounds() {
        byte[] tar = TarWriter.write(Map.of("big", new byte[5000]));
        TrialbootException entry = assertThrows(TrialbootException.class,
                () -> new TarReader(new ByteArrayInputStream(tar), 1 << 20, 4096).next());
        assertEquals("HOST_INPUT_OVERSIZE: archive entry big is 5000 bytes/items, over the bound of 4096", entry.getMessage());
        TrialbootException archive = assertThrows(TrialbootException.class,
                () -> new TarReader(new ByteArrayInputStream(tar), 4096, 1 << 20).next());
        assertEquals(Code.HOST_INPUT_OVERSIZE, archive.code());
    }

    @Test
    void rejectsBytesHiddenAfterTheNameFieldsNul() {
        byte[] clean = crafted("hello.nxb", '0', "hi");
        byte[] hidden = clean.clone();
        hidden[Ustar.NAME + 60] = 'x';
        Ustar.octal(hidden, Ustar.CHECKSUM, 7, Ustar.checksum(hidden));
        assertEquals(List.of("hello.nxb=hi"), readAll(clean));
        rejects(Code.TAR_MALFORMED, "header of 'hello.nxb': its name field is not the one trialboot writes", hidden);
    }

    @Test
    void rejectsBadChecksum() {
        byte[] tar = crafted("a", '0', "x");
        tar[0] = 'b';
        rejects(Code.TAR_MALFORMED, "header checksum", tar);
    }

    @Test
    void rejectsTruncatedArchives() {
        byte[] tar = TarWriter.write(Map.of("a", new byte[1000]));
        rejects(Code.TAR_MALFORMED, "archive ends inside entry 'a'", java.util.Arrays.copyOf(tar, 700));
        rejects(Code.TAR_MALFORMED, "archive ends where a header should be", java.util.Arrays.copyOf(tar, 1536));
    }

    @Test
    void rejectsDataAfterTheEnd() {
        byte[] tar = TarWriter.write(Map.of("a", bytes("x")));
        byte[] longer = java.util.Arrays.copyOf(tar, tar.length + 10);
        longer[longer.length - 1] = 7;
        rejects(Code.TAR_MALFORMED, "bytes follow the two zero blocks that end the archive", longer);
        // GNU tar pads to 10240-byte records: zeros after the end are another file for the same set too
        rejects(Code.TAR_MALFORMED, "bytes follow the two zero blocks", java.util.Arrays.copyOf(tar, 10240));
    }

    @Test
    void rejectsNonUstarHeaders() {
        byte[] tar = crafted("a", '0', "x");
        tar[Ustar.MAGIC + 5] = ' ';
        rejects(Code.TAR_MALFORMED, "header lacks the POSIX ustar magic", tar);
    }
}
