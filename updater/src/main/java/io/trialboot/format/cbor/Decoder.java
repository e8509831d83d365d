package io.trialboot.format.cbor;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decodes one item, accepting only the core deterministic encoding. Never allocates beyond the input. */
final class Decoder {
    private final byte[] in;
    private int pos;

    Decoder(byte[] in) {
        this.in = in;
    }

    CborValue decodeTop() {
        if (in.length == 0) {
            throw fail(Code.CBOR_TRUNCATED, "input is empty");
        }
        CborValue v = item(0);
        if (pos != in.length) {
            throw fail(Code.CBOR_TRAILING_BYTES, (in.length - pos) + " bytes follow the item at offset " + pos);
        }
        return v;
    }

    private CborValue item(int depth) {
        int start = pos;
        int initial = u8();
        int major = initial >>> 5;
        int ai = initial & 0x1f;
        if (ai == 31) {
            if (major >= 2 && major <= 5) {
                throw fail(Code.CBOR_INDEFINITE_LENGTH, "indefinite length at offset " + start);
            }
            throw fail(Code.MALFORMED_INPUT, "not well-formed CBOR (break or reserved head) at offset " + start);
        }
        if (ai >= 28) {
            throw fail(Code.MALFORMED_INPUT, "reserved additional info " + ai + " at offset " + start);
        }
        if (major == 7) {
            if (ai == 20 || ai == 21) {
                return new CborValue.Bool(ai == 21);
            }
            throw fail(Code.CBOR_UNSUPPORTED, "float or simple value at offset " + start + " (not used by trialboot)");
        }
        long arg = argument(ai, start);
        switch (major) {
            case 0:
                if (arg < 0) {
                    throw fail(Code.CBOR_UNSUPPORTED, "integer beyond 2^63-1 at offset " + start);
                }
                return new CborValue.UInt(arg);
            case 1:
                throw fail(Code.CBOR_UNSUPPORTED, "negative integer at offset " + start + " (not used by trialboot)");
            case 2:
                return new CborValue.Bytes(take(length(arg, Bounds.CBOR_MAX_STRING, "byte string", start)));
            case 3:
                return new CborValue.Text(utf8(take(length(arg, Bounds.CBOR_MAX_STRING, "text string", start)), start));
            case 4:
                return array(count(arg, depth, "array", start, 1), depth);
            case 5:
                return map(count(arg, depth, "map", start, 2), depth);
            default:
                throw fail(Code.CBOR_UNSUPPORTED, "tag at offset " + start + " (not used by trialboot)");
        }
    }

    private CborValue array(int n, int depth) {
        List<CborValue> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(item(depth + 1));
        }
        return new CborValue.Array(items);
    }

    private CborValue map(int n, int depth) {
        Map<String, CborValue> entries = new LinkedHashMap<>();
        byte[] previousKey = null;
        for (int i = 0; i < n; i++) {
            int keyStart = pos;
            if (keyStart < in.length && (in[keyStart] & 0xff) >>> 5 != 3) {
                throw fail(Code.CBOR_UNSUPPORTED, "map key at offset " + keyStart + " is not a text string");
            }
            String key = ((CborValue.Text) item(depth + 1)).value();
            byte[] encodedKey = Arrays.copyOfRange(in, keyStart, pos);
            if (previousKey != null) {
                int c = Arrays.compareUnsigned(previousKey, encodedKey);
                if (c == 0) {
                    throw fail(Code.CBOR_DUPLICATE_KEY, "map key \"" + key + "\" appears twice (offset " + keyStart + ")");
                }
                if (c > 0) {
                    throw fail(Code.CBOR_NOT_CANONICAL, "map key \"" + key + "\" is out of canonical order (offset " + keyStart + ")");
                }
            }
            previousKey = encodedKey;
            entries.put(key, item(depth + 1));
        }
        return new CborValue.CMap(entries);
    }

    private long argument(int ai, int start) {
        if (ai < 24) {
            return ai;
        }
        int width = 1 << (ai - 24);
        long v = 0;
        for (int i = 0; i < width; i++) {
            v = (v << 8) | u8();
        }
        long smallest = width == 1 ? 24 : 1L << (8 * (width / 2));
        if (Long.compareUnsigned(v, smallest) < 0) {
            throw fail(Code.CBOR_NOT_CANONICAL, "argument " + v + " at offset " + start + " is not in its shortest form");
        }
        return v;
    }

    private int length(long declared, int bound, String what, int start) {
        if (declared < 0 || declared > bound) {
            throw fail(Code.HOST_INPUT_OVERSIZE, what + " at offset " + start + " declares "
                    + Long.toUnsignedString(declared) + " bytes, over the bound of " + bound);
        }
        if (declared > in.length - pos) {
            throw fail(Code.CBOR_TRUNCATED, what + " at offset " + start + " declares " + declared
                    + " bytes but only " + (in.length - pos) + " remain");
        }
        return (int) declared;
    }

    private int count(long declared, int depth, String what, int start, int minBytesPerItem) {
        if (depth + 1 > Bounds.CBOR_MAX_DEPTH) {
            throw fail(Code.CBOR_TOO_DEEP, what + " at offset " + start + " nests deeper than " + Bounds.CBOR_MAX_DEPTH);
        }
        if (declared < 0 || declared > Bounds.CBOR_MAX_ITEMS) {
            throw fail(Code.HOST_INPUT_OVERSIZE, what + " at offset " + start + " declares "
                    + Long.toUnsignedString(declared) + " items, over the bound of " + Bounds.CBOR_MAX_ITEMS);
        }
        if (declared * minBytesPerItem > in.length - pos) {
            throw fail(Code.CBOR_TRUNCATED, what + " at offset " + start + " declares " + declared
                    + " items but only " + (in.length - pos) + " bytes remain");
        }
        return (int) declared;
    }

    private int u8() {
        if (pos >= in.length) {
            throw fail(Code.CBOR_TRUNCATED, "input ends at offset " + pos + " inside an item");
        }
        return in[pos++] & 0xff;
    }

    private byte[] take(int n) {
        byte[] out = Arrays.copyOfRange(in, pos, pos + n);
        pos += n;
        return out;
    }

    private static String utf8(byte[] bytes, int start) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw fail(Code.MALFORMED_INPUT, "text string at offset " + start + " is not valid UTF-8");
        }
    }

    private static TrialbootException fail(Code code, String message) {
        return new TrialbootException(code, "CBOR: " + message);
    }
}
