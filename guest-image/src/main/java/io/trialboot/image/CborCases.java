package io.trialboot.image;

import static io.trialboot.image.HostileCorpus.AttackClass.BOUNDS;
import static io.trialboot.image.HostileCorpus.AttackClass.MALFORMED_ENCODING;
import static io.trialboot.image.HostileCorpus.EntryPoint.INSTALL;
import static io.trialboot.image.HostileCorpus.guest;
import static io.trialboot.image.HostileCorpus.host;
import static io.trialboot.image.HostileFiles.concat;
import static io.trialboot.image.HostileFiles.healthy;
import static io.trialboot.image.HostileFiles.sign;
import static io.trialboot.image.HostileFiles.text;
import static io.trialboot.image.HostileFiles.with;

import io.trialboot.core.Code;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.image.HostileCorpus.AttackClass;
import io.trialboot.image.HostileCorpus.Case;
import io.trialboot.image.HostileCorpus.Ctx;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Hostile cases on the bytes of signed metadata: CBOR that is truncated, not canonical, or uses what no format allows. */
final class CborCases {
    private CborCases() {}

    static List<Case> cases() {
        List<Case> all = new ArrayList<>();
        all.add(guest("trailing-bytes", MALFORMED_ENCODING, Code.CBOR_TRAILING_BYTES,
                "v1.1.0's manifest with a byte appended, signed as is",
                c -> c.manifest(HostileReleases.rawHealthy(c.in(), b -> concat(b, new byte[] {0})))));
        all.add(raw("cbor-truncated", Code.CBOR_TRUNCATED, "v1.1.0's manifest without its last byte",
                b -> Arrays.copyOf(b, b.length - 1)));
        all.add(raw("cbor-indefinite-map", Code.CBOR_INDEFINITE_LENGTH, "v1.1.0's manifest as an indefinite-length map",
                b -> concat(concat(new byte[] {(byte) 0xbf}, Arrays.copyOfRange(b, 1, b.length)), new byte[] {(byte) 0xff})));
        all.add(raw("cbor-long-form-length", Code.CBOR_NOT_CANONICAL,
                "v1.1.0's manifest whose map length is written in the long form",
                b -> concat(new byte[] {(byte) 0xb8, (byte) (b[0] & 0x1f)}, Arrays.copyOfRange(b, 1, b.length))));
        all.add(pairs("cbor-unsorted-keys", Code.CBOR_NOT_CANONICAL, "v1.1.0's manifest with its keys in reverse order",
                p -> {
                    List<Map.Entry<String, byte[]>> r = new ArrayList<>(p);
                    Collections.reverse(r);
                    return r;
                }));
        all.add(pairs("cbor-duplicate-key", Code.CBOR_DUPLICATE_KEY, "v1.1.0's manifest naming its last key twice",
                p -> {
                    List<Map.Entry<String, byte[]>> r = new ArrayList<>(p);
                    r.add(p.get(p.size() - 1));
                    return r;
                }));
        all.add(pairs("cbor-too-deep", Code.CBOR_TOO_DEEP, "v1.1.0's manifest with artifacts nested in 9 arrays",
                p -> replaceValue(p, "artifacts", concat(repeat((byte) 0x81, 9), new byte[] {0}))));
        all.add(pairs("cbor-float", Code.CBOR_UNSUPPORTED, "v1.1.0's manifest whose version is a float",
                p -> replaceValue(p, "version", new byte[] {(byte) 0xf9, 0x3c, 0x00})));
        all.add(pairs("cbor-tag", Code.CBOR_UNSUPPORTED, "v1.1.0's manifest whose version carries a CBOR tag",
                p -> replaceValue(p, "version", concat(new byte[] {(byte) 0xc0}, Cbor.encode(text("1.1.0"))))));
        all.add(pairs("cbor-negative-int", Code.CBOR_UNSUPPORTED, "v1.1.0's manifest whose version is -1",
                p -> replaceValue(p, "version", new byte[] {0x20})));
        all.add(pairs("cbor-invalid-utf8", Code.MALFORMED_INPUT, "v1.1.0's manifest whose version text is not UTF-8",
                p -> replaceValue(p, "version", new byte[] {0x65, '1', '.', '1', '.', (byte) 0xff})));
        all.add(pairs("cbor-huge-length", Code.HOST_INPUT_OVERSIZE,
                "v1.1.0's manifest whose version claims a 4 GiB string",
                p -> replaceValue(p, "version", new byte[] {0x7a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, '1'})));
        return all;
    }

    private static Case raw(String id, Code code, String what, UnaryOperator<byte[]> e) {
        return host(id, MALFORMED_ENCODING, INSTALL, code, what, c -> c.manifest(HostileReleases.rawHealthy(c.in(), e)));
    }

    private static Case pairs(String id, Code code, String what,
            UnaryOperator<List<Map.Entry<String, byte[]>>> e) {
        AttackClass a = code == Code.HOST_INPUT_OVERSIZE ? BOUNDS : MALFORMED_ENCODING;
        return host(id, a, INSTALL, code, what, c -> c.manifest(sign(rawMap(e.apply(healthyPairs(c))), c.release())));
    }

    private static byte[] repeat(byte b, int n) {
        byte[] out = new byte[n];
        Arrays.fill(out, b);
        return out;
    }

    /** Top-level CBOR map bytes written pair by pair, so order, duplicates and raw values are ours to choose. */
    private static byte[] rawMap(List<Map.Entry<String, byte[]>> pairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xa0 | pairs.size());
        for (Map.Entry<String, byte[]> p : pairs) {
            out.writeBytes(Cbor.encode(text(p.getKey())));
            out.writeBytes(p.getValue());
        }
        return out.toByteArray();
    }

    /** v1.1.0's manifest as raw pairs (canonical order), each value encoded on its own. */
    private static List<Map.Entry<String, byte[]>> healthyPairs(Ctx c) {
        List<Map.Entry<String, byte[]>> pairs = new ArrayList<>();
        HostileFiles.fields(healthy(c.in()).content()).forEach((k, val) -> pairs.add(Map.entry(k, Cbor.encode(val))));
        return pairs;
    }

    private static List<Map.Entry<String, byte[]>> replaceValue(List<Map.Entry<String, byte[]>> pairs, String key,
            byte[] raw) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        pairs.forEach(p -> out.add(p.getKey().equals(key) ? Map.entry(key, raw) : p));
        return out;
    }
}
