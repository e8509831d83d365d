package io.trialboot.image;

import static io.trialboot.image.HostileCorpus.AttackClass.BOUNDS;
import static io.trialboot.image.HostileCorpus.AttackClass.TAR_AND_PATH_TRICKS;
import static io.trialboot.image.HostileCorpus.EntryPoint.FEED;
import static io.trialboot.image.HostileCorpus.EntryPoint.INSTALL;
import static io.trialboot.image.HostileCorpus.EntryPoint.SYSTEM_SET;
import static io.trialboot.image.HostileCorpus.guest;
import static io.trialboot.image.HostileCorpus.host;
import static io.trialboot.image.HostileFiles.ascii;
import static io.trialboot.image.HostileFiles.concat;
import static io.trialboot.image.HostileFiles.field;
import static io.trialboot.image.HostileFiles.patchHeader;
import static io.trialboot.image.HostileFiles.sign;
import static io.trialboot.image.HostileFiles.text;
import static io.trialboot.image.HostileFiles.with;
import static io.trialboot.image.HostileReleases.editArtifact;
import static io.trialboot.image.HostileReleases.factory;
import static io.trialboot.image.HostileReleases.full;
import static io.trialboot.image.HostileReleases.goodFeed;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.image.HostileCorpus.AttackClass;
import io.trialboot.image.HostileCorpus.Case;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Hostile cases on archive and media paths: traversal, absolute and invalid names, links and devices,
 * duplicates, damaged and non-canonical ustar headers.
 */
final class TarCases {
    private TarCases() {}

    static List<Case> cases() {
        List<Case> all = new ArrayList<>();
        all.add(guest("artifact-path-traversal", TAR_AND_PATH_TRICKS, Code.TAR_PATH_TRAVERSAL,
                "v1.1.0's full artifact at ../../state/asl-host/host/host-id (outside the media)",
                c -> c.manifest(editArtifact(c, a -> with(a, "path", text("../../state/asl-host/host/host-id"))))));
        all.add(host("artifact-absolute-path", TAR_AND_PATH_TRICKS, INSTALL, Code.TAR_ABSOLUTE_PATH,
                "v1.1.0's full artifact at /dev/vda2 (the active slot itself)",
                c -> c.manifest(editArtifact(c, a -> with(a, "path", text("/dev/vda2"))))));
        all.add(host("artifact-dot-path", TAR_AND_PATH_TRICKS, INSTALL, Code.TAR_PATH_INVALID,
                "v1.1.0's full artifact at ./releases/1.1.0/slot.img",
                c -> c.manifest(editArtifact(c, a -> with(a, "path", text("./releases/1.1.0/slot.img"))))));
        all.add(host("feed-entry-traversal", TAR_AND_PATH_TRICKS, FEED, Code.TAR_PATH_TRAVERSAL,
                "a signed feed whose entry path climbs out with ..", c -> c.feed(sign(
                        HostileFiles.edit(goodFeed(c).content(), m -> {
                            CborValue.CMap e = (CborValue.CMap) ((CborValue.Array) m.get("entries")).items().get(0);
                            Map<String, CborValue> x = new LinkedHashMap<>(e.entries());
                            x.put("path", text("../../state/evil.nxm"));
                            return with(m, "entries", new CborValue.Array(List.of(new CborValue.CMap(x))));
                        }), c.release()))));
        all.add(header("tar-traversal", Code.TAR_PATH_TRAVERSAL, "the first entry named ../hello.nxb",
                HostileFiles.TAR_NAME, 100, "../hello.nxb"));
        all.add(header("tar-absolute", Code.TAR_ABSOLUTE_PATH, "the first entry named /hello.nxb",
                HostileFiles.TAR_NAME, 100, "/hello.nxb"));
        all.add(header("tar-invalid-name", Code.TAR_PATH_INVALID, "the first entry named 'hello world.nxb'",
                HostileFiles.TAR_NAME, 100, "hello world.nxb"));
        String[][] types = {{"2", "symlink"}, {"1", "hard link"}, {"3", "character device"}, {"4", "block device"},
                {"5", "directory"}, {"6", "FIFO"}, {"x", "pax extended header"}, {"L", "GNU long-name header"}};
        for (String[] t : types) {
            all.add(tar("tar-type-" + t[1].replace(' ', '-').replace("-header", "").toLowerCase(Locale.ROOT),
                    Code.TAR_NOT_REGULAR_FILE, "the first entry turned into a " + t[1] + " (type '" + t[0] + "')",
                    x -> patchHeader(x, 0, h -> {
                        h[HostileFiles.TAR_TYPE] = (byte) t[0].charAt(0);
                        return field(157, 100, "/etc/shadow").apply(h);
                    })));
        }
        all.add(host("tar-duplicate", TAR_AND_PATH_TRICKS, SYSTEM_SET, Code.TAR_DUPLICATE_ENTRY,
                "a system set whose second entry has the first entry's name", c -> {
                    Map<String, byte[]> e = HostileFiles.factorySystemSet(c.in());
                    byte[] t = HostileFiles.tar(e);
                    String first = new TreeMap<>(e).firstKey();
                    int second = HostileFiles.TAR_BLOCK + blocks(new TreeMap<>(e).firstEntry().getValue().length);
                    c.systemSet(patchHeader(t, second, field(HostileFiles.TAR_NAME, 100, first)));
                }));
        all.add(host("tar-bad-checksum", TAR_AND_PATH_TRICKS, SYSTEM_SET, Code.TAR_MALFORMED,
                "a system set whose first header's checksum is off by one", c -> {
                    byte[] t = HostileFiles.tar(HostileFiles.factorySystemSet(c.in()));
                    t[HostileFiles.TAR_CHECKSUM + 5] ^= 1;
                    c.systemSet(t);
                }));
        all.add(host("tar-name-after-nul", TAR_AND_PATH_TRICKS, SYSTEM_SET, Code.TAR_MALFORMED,
                "the factory system set whose first entry's name field hides 'evil' after its NUL (the same names"
                        + " and content, other bytes)", c -> {
                    Map<String, byte[]> e = HostileFiles.factorySystemSet(c.in());
                    String first = new TreeMap<>(e).firstKey();
                    c.systemSet(patchHeader(HostileFiles.tar(e), 0, field(HostileFiles.TAR_NAME, 100, first + "\0evil")));
                }));
        all.add(header("tar-bad-magic", Code.TAR_MALFORMED, "the first header with magic 'ustaz'",
                HostileFiles.TAR_MAGIC, 6, "ustaz"));
        all.add(header("tar-size-not-octal", Code.TAR_MALFORMED, "the first header's size field holds a 9",
                HostileFiles.TAR_SIZE, 12, "00000000009"));
        all.add(header("tar-huge-size", Code.HOST_INPUT_OVERSIZE, "the first entry claims 8 GiB",
                HostileFiles.TAR_SIZE, 12, "77777777777"));
        all.add(tar("tar-truncated", Code.TAR_MALFORMED, "the archive cut inside its first entry",
                t -> Arrays.copyOf(t, HostileFiles.TAR_BLOCK + 100)));
        all.add(tar("tar-trailing-data", Code.TAR_MALFORMED, "data after the archive's end blocks",
                t -> concat(t, ascii("#!/bin/sh\nrm -rf /\n"))));
        all.add(host("tar-too-many-entries", BOUNDS, SYSTEM_SET, Code.HOST_INPUT_OVERSIZE,
                "a system set of " + (Bounds.TAR_ENTRIES + 1) + " entries", c -> {
                    Map<String, byte[]> e = new LinkedHashMap<>(HostileFiles.factorySystemSet(c.in()));
                    for (int i = 0; i < Bounds.TAR_ENTRIES; i++) {
                        e.put(String.format("a%03d.nxb", i), new byte[] {1});
                    }
                    c.systemSet(HostileFiles.tar(e));
                }));
        // Canonical headers (#16): every header field but the name is fixed, so one set of entries has one archive
        all.add(header("tar-mode-0755", Code.TAR_MALFORMED, "the first entry's mode 0755 (same name, size, content)",
                100, 8, "0000755"));
        all.add(header("tar-uid-1000", Code.TAR_MALFORMED, "the first entry owned by uid 1000", 108, 8, "0001750"));
        all.add(header("tar-gid-1000", Code.TAR_MALFORMED, "the first entry's group gid 1000", 116, 8, "0001750"));
        all.add(header("tar-mtime-set", Code.TAR_MALFORMED, "the first entry's mtime set to 1986", 136, 12, "03712345670"));
        all.add(header("tar-typeflag-nul", Code.TAR_MALFORMED, "the first entry typed NUL (the pre-POSIX regular file)",
                HostileFiles.TAR_TYPE, 1, ""));
        all.add(header("tar-uname-root", Code.TAR_MALFORMED, "the first entry's owner name 'root'", 265, 32, "root"));
        all.add(header("tar-gname-root", Code.TAR_MALFORMED, "the first entry's group name 'root'", 297, 32, "root"));
        all.add(header("tar-linkname-set", Code.TAR_MALFORMED, "a link name on the first (regular) entry",
                157, 100, "hello.nxb"));
        all.add(header("tar-header-padding", Code.TAR_MALFORMED, "a byte in the first header's 12 padding bytes",
                500, 12, "x"));
        all.add(tar("tar-size-space-padded", Code.TAR_MALFORMED, "the first entry's size spelled with leading spaces"
                + " (the same number)", t -> patchHeader(t, 0, h -> {
                    for (int i = HostileFiles.TAR_SIZE; h[i] == '0'; i++) {
                        h[i] = ' ';
                    }
                    return h;
                })));
        all.add(tar("tar-checksum-spelled", Code.TAR_MALFORMED, "the first header's checksum in seven digits (the same"
                + " sum)", t -> {
                    byte[] out = t.clone();
                    long sum = 0;
                    for (int i = 0; i < HostileFiles.TAR_BLOCK; i++) {
                        boolean field = i >= HostileFiles.TAR_CHECKSUM && i < HostileFiles.TAR_CHECKSUM + 8;
                        sum += field ? ' ' : out[i] & 0xff;
                    }
                    System.arraycopy(ascii(String.format("%07o\0", sum)), 0, out, HostileFiles.TAR_CHECKSUM, 8);
                    return out;
                }));
        all.add(host("tar-unsorted", TAR_AND_PATH_TRICKS, SYSTEM_SET, Code.TAR_MALFORMED,
                "the factory system set's entries in reverse name order (the same entries, other bytes)", c -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    new TreeMap<>(HostileFiles.factorySystemSet(c.in())).descendingMap().forEach((name, content) -> {
                        byte[] one = HostileFiles.tar(Map.of(name, content));
                        out.write(one, 0, one.length - 2 * HostileFiles.TAR_BLOCK);
                    });
                    out.writeBytes(new byte[2 * HostileFiles.TAR_BLOCK]);
                    c.systemSet(out.toByteArray());
                }));
        all.add(tar("tar-trailing-zeros", Code.TAR_MALFORMED, "zeros after the end blocks up to a 10240-byte record,"
                + " as GNU tar pads", t -> concat(t, new byte[10240 - t.length % 10240])));
        return all;
    }

    /** {@link #tar} with one field of the first header set to {@code value}. */
    private static Case header(String id, Code code, String what, int offset, int width, String value) {
        return tar(id, code, what, t -> patchHeader(t, 0, field(offset, width, value)));
    }

    private static int blocks(int size) {
        return (size + HostileFiles.TAR_BLOCK - 1) / HostileFiles.TAR_BLOCK * HostileFiles.TAR_BLOCK;
    }

    private static Case tar(String id, Code code, String what, UnaryOperator<byte[]> e) {
        AttackClass a = code == Code.HOST_INPUT_OVERSIZE ? BOUNDS : TAR_AND_PATH_TRICKS;
        return host(id, a, SYSTEM_SET, code, "the factory system set with " + what,
                c -> c.systemSet(e.apply(HostileFiles.tar(HostileFiles.factorySystemSet(c.in())))));
    }
}
