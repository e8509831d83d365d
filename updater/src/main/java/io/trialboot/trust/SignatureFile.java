package io.trialboot.trust;

import io.trialboot.core.Bounds;
import io.trialboot.core.Inputs;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.format.cbor.Fields;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A detached signature file ({@code <file>.sig}, {@code system.sig.ed25519}): one or more
 * Ed25519 signatures over the exact bytes of the file it accompanies, each naming its key id.
 * Several signatures serve the quorum witness mode.
 *
 * <pre>{"schema": "trialboot.sig/1", "signatures": [{"key": h'&lt;8-byte key id&gt;', "sig": h'&lt;64 bytes&gt;'}, ...]}</pre>
 */
public record SignatureFile(List<Entry> signatures) {
    public static final String SCHEMA = "trialboot.sig/1";
    /** A signed file's signature file is named after it with this suffix, beside it. */
    public static final String SUFFIX = ".sig";

    /** The signature file of {@code signed}: {@code <file>.sig} beside it. */
    public static Path beside(Path signed) {
        return signed.resolveSibling(signed.getFileName() + SUFFIX);
    }

    /** The bytes of {@code signed}'s signature file, read within {@link Bounds#SIGNATURE_BYTES}. */
    public static byte[] readBeside(Path signed) {
        return Inputs.read(beside(signed), Bounds.SIGNATURE_BYTES);
    }

    /** One signature and the id of the key that made it. */
    public record Entry(KeyId key, byte[] signature) {
        public Entry {
            Objects.requireNonNull(key, "key");
            if (signature.length != Ed25519.SIGNATURE_BYTES) {
                throw new IllegalArgumentException("an Ed25519 signature has 64 bytes");
            }
            signature = signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }
    }

    public SignatureFile {
        signatures = List.copyOf(signatures);
        if (signatures.size() > Bounds.SIGNATURES) {
            throw new IllegalArgumentException("at most " + Bounds.SIGNATURES + " signatures");
        }
    }

    public byte[] encode() {
        List<CborValue> items = new ArrayList<>();
        for (Entry e : signatures) {
            items.add(Cbor.map().put("key", e.key().bytes()).put("sig", e.signature()).build());
        }
        return Cbor.encode(Cbor.map().put("schema", SCHEMA).put("signatures", items).build());
    }

    public static SignatureFile decode(byte[] bytes) {
        Bounds.check("signature file", bytes.length, Bounds.SIGNATURE_BYTES);
        Fields f = Fields.of(Cbor.decode(bytes), "signature file").schema(SCHEMA);
        List<Entry> entries = new ArrayList<>();
        for (CborValue item : f.array("signatures", Bounds.SIGNATURES)) {
            Fields e = Fields.of(item, "signature file entry");
            entries.add(new Entry(new KeyId(e.bytes("key", KeyId.LENGTH)), e.bytes("sig", Ed25519.SIGNATURE_BYTES)));
            e.end();
        }
        f.end();
        return new SignatureFile(entries);
    }
}
