package io.trialboot.image;

import static io.trialboot.image.HostileCorpus.AttackClass.ADMISSION;
import static io.trialboot.image.HostileCorpus.AttackClass.ARBITRARY_SOFTWARE;
import static io.trialboot.image.HostileCorpus.AttackClass.BOUNDS;
import static io.trialboot.image.HostileCorpus.AttackClass.ENDLESS_DATA;
import static io.trialboot.image.HostileCorpus.AttackClass.FAST_FORWARD;
import static io.trialboot.image.HostileCorpus.AttackClass.FEED_DISAGREEMENT;
import static io.trialboot.image.HostileCorpus.AttackClass.MALFORMED_ENCODING;
import static io.trialboot.image.HostileCorpus.AttackClass.MIX_AND_MATCH;
import static io.trialboot.image.HostileCorpus.AttackClass.REPLAY;
import static io.trialboot.image.HostileCorpus.AttackClass.ROLLBACK;
import static io.trialboot.image.HostileCorpus.AttackClass.TAR_AND_PATH_TRICKS;
import static io.trialboot.image.HostileCorpus.AttackClass.WRONG_DELTA_BASE;
import static io.trialboot.image.HostileCorpus.AttackClass.WRONG_SOFTWARE;
import static io.trialboot.image.HostileCorpus.EntryPoint.FEED;
import static io.trialboot.image.HostileCorpus.EntryPoint.FEED_INSTALL;
import static io.trialboot.image.HostileCorpus.EntryPoint.INSTALL;
import static io.trialboot.image.HostileCorpus.EntryPoint.SYSTEM_SET;
import static io.trialboot.image.HostileFiles.ascii;
import static io.trialboot.image.HostileFiles.concat;
import static io.trialboot.image.HostileFiles.field;
import static io.trialboot.image.HostileFiles.healthy;
import static io.trialboot.image.HostileFiles.patchHeader;
import static io.trialboot.image.HostileFiles.sign;
import static io.trialboot.image.HostileFiles.text;
import static io.trialboot.image.HostileFiles.with;

import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.Inputs;
import io.trialboot.core.Sha256;
import io.trialboot.core.Version;
import io.trialboot.delta.DeltaHeader;
import io.trialboot.delta.Ops;
import io.trialboot.device.SlotImage;
import io.trialboot.format.Artifact;
import io.trialboot.format.Feed;
import io.trialboot.format.SystemSet;
import io.trialboot.format.cbor.Cbor;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.image.HostileCorpus.AttackClass;
import io.trialboot.image.HostileCorpus.Case;
import io.trialboot.image.HostileCorpus.Ctx;
import io.trialboot.image.HostileCorpus.EntryPoint;
import io.trialboot.image.HostileCorpus.Maker;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.Signed;
import io.trialboot.tools.SigningKey;
import io.trialboot.trust.AdmissionDecision;
import io.trialboot.trust.AdmissionRecord;
import io.trialboot.trust.SignatureFile;
import io.trialboot.trust.WitnessMode;
import io.trialboot.verified.VerifiedFeed;
import io.trialboot.verity.VerityImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.tukaani.xz.FinishableOutputStream;
import org.tukaani.xz.FinishableWrapperOutputStream;
import org.tukaani.xz.LZMA2Options;

/** The cases of {@link HostileCorpus}, one group per kind of input. */
final class HostileCases {
    private HostileCases() {}

    private static Case c(String id, AttackClass a, EntryPoint e, Code code, String what, Maker m) {
        return new Case(id, a, e, code, false, false, what, m);
    }

    private static Case guest(String id, AttackClass a, Code code, String what, Maker m) {
        return new Case(id, a, INSTALL, code, false, true, what, m);
    }

    /** An install refused while its artifact streams into the inactive slot. */
    private static Case applied(String id, AttackClass a, Code code, boolean inGuest, String what, Maker m) {
        return new Case(id, a, INSTALL, code, true, inGuest, what, m);
    }

    private static Version v(String s) {
        return Version.parse(s);
    }

    private static Version factory() {
        return Fixture.FACTORY.version();
    }

    /** A full release of fixture {@code f}'s image as version {@code v}, signed by {@code key}. */
    private static Signed full(Ctx c, Fixture f, Version v, Version min, String compatible, Sha256 policy,
            SigningKey key) {
        SlotImage img = HostileCorpus.image(c.in().image(f));
        return HostileCorpus.manifest(c.in(), v, min, compatible, img, policy,
                List.of(Artifact.full(ReleaseMedia.fullPath(f.version()), img.digest(), img.size())), key);
    }

    private static Signed full(Ctx c, Version v, SigningKey key) {
        return full(c, Fixture.HEALTHY, v, v.isBelow(factory()) ? v : factory(), FactoryState.COMPATIBLE, c.in().policy(), key);
    }

    /** v1.1.0's good manifest, re-signed, with the first artifact's map edited. */
    private static Signed editArtifact(Ctx c, UnaryOperator<Map<String, CborValue>> e) {
        return HostileCorpus.editedHealthy(c.in(), m -> {
            CborValue.Array arts = (CborValue.Array) m.get("artifacts");
            Map<String, CborValue> a = new LinkedHashMap<>(((CborValue.CMap) arts.items().get(0)).entries());
            return with(m, "artifacts", new CborValue.Array(List.of(new CborValue.CMap(e.apply(a)))));
        });
    }

    /** A signed-manifest {@code verity} map over 4096 bytes of data with its tree at {@code treeOffset}. */
    private static CborValue verity(String algorithm, long treeOffset) {
        return Cbor.map().put("algorithm", algorithm).put("data_block_size", 4096).put("hash_block_size", 4096)
                .put("data_size", 4096).put("tree_offset", treeOffset).put("salt", sha("salt").bytes())
                .put("root_hash", sha("root").bytes()).build();
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

    private static Sha256 sha(String s) {
        return Sha256.of(ascii(s));
    }

    // ---- who signed it ----

    static List<Case> arbitrarySoftware() {
        return List.of(
                guest("bad-signature", ARBITRARY_SOFTWARE, Code.SIG_INVALID,
                        "v1.1.0's manifest with one bit of its test-release-1 signature flipped", c -> {
                            Signed good = healthy(c.in());
                            SignatureFile.Entry e = SignatureFile.decode(good.signature()).signatures().get(0);
                            byte[] sig = e.signature();
                            sig[sig.length - 1] ^= 1;
                            c.manifest(good.content(), HostileCorpus.signatureFile(new SignatureFile.Entry(e.key(), sig)));
                        }),
                c("manifest-tampered", ARBITRARY_SOFTWARE, INSTALL, Code.SIG_INVALID,
                        "v1.1.0's manifest with its last byte changed after signing", c -> {
                            byte[] m = healthy(c.in()).content();
                            m[m.length - 1] ^= 1;
                            c.manifest(m, healthy(c.in()).signature());
                        }),
                guest("unknown-key", ARBITRARY_SOFTWARE, Code.KEY_UNKNOWN,
                        "v1.1.0 signed by a key no trust store knows (a stranger's)",
                        c -> c.manifest(full(c, v("1.1.0"), HostileFiles.stranger(c.in().keys(), "unknown-key")))),
                c("root-signed-release", ARBITRARY_SOFTWARE, INSTALL, Code.KEY_NOT_ADMITTED,
                        "v1.1.0 signed by the pinned root, which may sign only the admission record",
                        c -> c.manifest(full(c, v("1.1.0"), c.in().keys().root()))),
                c("signer-mismatch", ARBITRARY_SOFTWARE, INSTALL, Code.SIGNER_MISMATCH,
                        "v1.1.0 naming test-release-revoked as its signer, signed by test-release-1",
                        c -> c.manifest(HostileCorpus.editedHealthy(c.in(), m -> with(m, "signer",
                                new CborValue.Bytes(c.in().keys().revoked().keyId().bytes()))))),
                c("signature-missing", ARBITRARY_SOFTWARE, INSTALL, Code.HOST_NOT_FOUND,
                        "v1.1.0's manifest without its .sig file", c -> c.write("manifest.nxm", healthy(c.in()).content())),
                c("signature-envelope-empty", ARBITRARY_SOFTWARE, INSTALL, Code.SIG_MISSING,
                        "v1.1.0's manifest with a well-formed signature file holding no signature",
                        c -> c.manifest(healthy(c.in()).content(), HostileCorpus.signatureFile())),
                c("signature-file-empty", ARBITRARY_SOFTWARE, INSTALL, Code.CBOR_TRUNCATED,
                        "v1.1.0's manifest with a zero-byte .sig", c -> c.manifest(healthy(c.in()).content(), new byte[0])),
                c("signature-wrong-key-id", ARBITRARY_SOFTWARE, INSTALL, Code.SIG_INVALID,
                        "a stranger's signature filed under test-release-1's key id", c -> {
                            byte[] m = healthy(c.in()).content();
                            byte[] sig = HostileFiles.stranger(c.in().keys(), "wrong-key-id").sign(m);
                            c.manifest(m, HostileCorpus.signatureFile(new SignatureFile.Entry(c.release().keyId(), sig)));
                        }),
                c("feed-unknown-key", ARBITRARY_SOFTWARE, FEED, Code.KEY_UNKNOWN,
                        "the stable feed signed by a stranger's key", c -> c.feed(sign(goodFeed(c).content(),
                                HostileFiles.stranger(c.in().keys(), "feed")))),
                c("feed-bad-signature", ARBITRARY_SOFTWARE, FEED, Code.SIG_INVALID,
                        "the stable feed with one byte changed after signing", c -> {
                            Signed f = goodFeed(c);
                            byte[] b = f.content();
                            b[b.length - 1] ^= 1;
                            c.feed(new Signed(b, f.signature()));
                        }));
    }

    private static Signed goodFeed(Ctx c) {
        return new Signed(Inputs.read(c.updates().resolve(VerifiedFeed.STABLE), Bounds.FEED_BYTES),
                Inputs.read(c.updates().resolve(VerifiedFeed.STABLE + ".sig"), Bounds.SIGNATURE_BYTES));
    }

    // ---- what the manifest points at ----

    static List<Case> payloads() {
        return List.of(
                applied("endless-full", ENDLESS_DATA, Code.APPLY_SIZE_MISMATCH, true,
                        "a release signing the first bytes of v1.1.0's image, whose artifact is the whole, longer image",
                        c -> {
                            Path img = c.in().image(Fixture.HEALTHY);
                            long n = Math.min(ReleaseMedia.size(img) / 2, 1 << 20);
                            Sha256 prefix = HostileFiles.prefixDigest(img, n);
                            c.manifest(HostileCorpus.manifest(c.in(), v("1.1.0"), factory(), FactoryState.COMPATIBLE,
                                    Artifact.image(prefix, n), c.in().policy(), List.of(Artifact.full(
                                            ReleaseMedia.fullPath(Fixture.HEALTHY.version()), prefix, n)), c.release()));
                        }),
                c("endless-delta", ENDLESS_DATA, INSTALL, Code.APPLY_SIZE_MISMATCH,
                        "a delta from the factory image with 64 KiB appended after the signed bytes", c -> {
                            Path delta = c.dir().resolve("from-1.0.0.nxdelta");
                            ReleaseMedia.makeDelta(c.in().image(Fixture.FACTORY), c.in().image(Fixture.HEALTHY), delta);
                            SlotImage signed = HostileCorpus.image(delta);
                            c.write("from-1.0.0.nxdelta", concat(readAll(delta), new byte[64 * 1024]));
                            c.manifest(deltaRelease(c, signed, c.own("from-1.0.0.nxdelta"),
                                    HostileCorpus.image(c.in().image(Fixture.FACTORY))));
                        }),
                c("endless-feed-manifest", ENDLESS_DATA, FEED_INSTALL, Code.SIZE_MISMATCH,
                        "a feed entry for v1.1.0's manifest whose file on the media has a byte appended", c -> {
                            byte[] m = healthy(c.in()).content();
                            c.write("manifest.nxm", concat(m, new byte[] {0}));
                            c.write("manifest.nxm.sig", healthy(c.in()).signature());
                            c.feed(HostileCorpus.feed(List.of(new Feed.Entry(v("1.1.0"),
                                    c.own("manifest.nxm"), Sha256.of(m), m.length)), c.release()));
                        }),
                applied("truncated-full", MIX_AND_MATCH, Code.APPLY_SIZE_MISMATCH, false,
                        "v1.1.0's manifest whose full artifact on the media is cut after 4 KiB", c -> {
                            c.write("slot.img", Arrays.copyOf(readAll(c.in().image(Fixture.HEALTHY)), 4096));
                            c.manifest(editArtifact(c, a -> with(a, "path", text(c.own("slot.img")))));
                        }),
                applied("tampered-full", MIX_AND_MATCH, Code.ARTIFACT_DIGEST_MISMATCH, false,
                        "v1.1.0's manifest whose full artifact on the media has one byte changed", c -> {
                            byte[] img = readAll(c.in().image(Fixture.HEALTHY));
                            img[img.length / 2] ^= 1;
                            c.write("slot.img", img);
                            c.manifest(editArtifact(c, a -> with(a, "path", text(c.own("slot.img")))));
                        }),
                guest("signature-of-other-release", MIX_AND_MATCH, Code.SIG_INVALID,
                        "v1.1.0's manifest carrying v1.3.0's (valid) signature file", c -> c.manifest(healthy(c.in()).content(),
                                readAll(c.updates().resolve(ReleaseMedia.manifestPath(Fixture.CRASHING.version()) + ".sig")))),
                c("signature-of-feed", MIX_AND_MATCH, INSTALL, Code.SIG_INVALID,
                        "v1.1.0's manifest carrying the feed's signature file",
                        c -> c.manifest(healthy(c.in()).content(), goodFeed(c).signature())),
                guest("wrong-compatible", WRONG_SOFTWARE, Code.COMPATIBLE_MISMATCH,
                        "v1.1.0's release for device class " + HostileCorpus.OTHER_COMPATIBLE, c -> c.manifest(full(c,
                                Fixture.HEALTHY, v("1.1.0"), factory(), HostileCorpus.OTHER_COMPATIBLE, c.in().policy(), c.release()))),
                c("compatible-suffix", WRONG_SOFTWARE, INSTALL, Code.COMPATIBLE_MISMATCH,
                        "v1.1.0 for device class " + FactoryState.COMPATIBLE + "2 (a prefix match is no match)",
                        c -> c.manifest(full(c, Fixture.HEALTHY, v("1.1.0"), factory(), FactoryState.COMPATIBLE + "2",
                                c.in().policy(), c.release()))),
                c("policy-mismatch", WRONG_SOFTWARE, INSTALL, Code.POLICY_MISMATCH,
                        "v1.1.0 built for another update policy than the admission record pins",
                        c -> c.manifest(full(c, Fixture.HEALTHY, v("1.1.0"), factory(), FactoryState.COMPATIBLE,
                                sha("another policy"), c.release()))),
                c("feed-as-manifest", WRONG_SOFTWARE, INSTALL, Code.SCHEMA_MISMATCH,
                        "the validly signed stable feed given as a release manifest", c -> c.manifest(goodFeed(c))),
                c("manifest-as-feed", WRONG_SOFTWARE, FEED, Code.SCHEMA_MISMATCH,
                        "v1.1.0's validly signed manifest given as the stable feed", c -> c.feed(healthy(c.in()))),
                guest("wrong-base", WRONG_DELTA_BASE, Code.BASE_MISMATCH,
                        "a delta-only v1.2.0 release made from v1.3.0's image, which is never the active slot's", c -> {
                            Path delta = c.dir().resolve("from-1.3.0.nxdelta");
                            ReleaseMedia.makeDelta(c.in().image(Fixture.CRASHING), c.in().image(Fixture.NEVER_READY), delta);
                            c.manifest(ReleaseMedia.release(c.in(), Fixture.NEVER_READY, factory(), Optional.empty(),
                                    List.of(new Packaging.DeltaInput(delta, c.own("from-1.3.0.nxdelta"),
                                            c.in().image(Fixture.CRASHING)))));
                        }),
                c("delta-base-size", WRONG_DELTA_BASE, INSTALL, Code.DELTA_BASE_MISMATCH,
                        "a delta naming the factory image's digest but another size", c -> {
                            SlotImage f = HostileCorpus.image(c.in().image(Fixture.FACTORY));
                            c.manifest(deltaRelease(c, Artifact.image(sha("unused delta"), 4096), c.own("none.nxdelta"),
                                    Artifact.image(f.digest(), f.size() + 4096)));
                        }),
                applied("delta-header-base", WRONG_DELTA_BASE, Code.DELTA_BASE_MISMATCH, false,
                        "a manifest naming the factory image as base for a delta file made from v1.1.0's image", c -> {
                            Path delta = c.dir().resolve("from-1.1.0.nxdelta");
                            ReleaseMedia.makeDelta(c.in().image(Fixture.HEALTHY), c.in().image(Fixture.NEVER_READY), delta);
                            c.manifest(deltaRelease(c, HostileCorpus.image(delta), c.own("from-1.1.0.nxdelta"),
                                    HostileCorpus.image(c.in().image(Fixture.FACTORY))));
                        }),
                applied("delta-garbage", MALFORMED_ENCODING, Code.MALFORMED_INPUT, false,
                        "a signed delta artifact of 4 KiB that is no .nxdelta", c -> {
                            byte[] junk = new byte[4096];
                            Arrays.fill(junk, (byte) 0x5a);
                            c.write("junk.nxdelta", junk);
                            c.manifest(deltaRelease(c, Artifact.image(Sha256.of(junk), junk.length), c.own("junk.nxdelta"),
                                    HostileCorpus.image(c.in().image(Fixture.FACTORY))));
                        }),
                c("delta-unsigned-bytes", MIX_AND_MATCH, INSTALL, Code.ARTIFACT_DIGEST_MISMATCH,
                        "a real delta from the factory image whose magic is broken on the media after signing"
                                + " (parsed, it would be MALFORMED_INPUT: it must reach no parser)", c -> {
                            byte[] delta = factoryDelta(c);
                            SlotImage signed = new SlotImage(Sha256.of(delta), delta.length);
                            delta[0] ^= 1;
                            c.write("from-1.0.0.nxdelta", delta);
                            c.manifest(deltaRelease(c, signed, c.own("from-1.0.0.nxdelta"),
                                    HostileCorpus.image(c.in().image(Fixture.FACTORY))));
                        }),
                signedDelta("delta-format-version-1", Code.SCHEMA_MISMATCH,
                        "a signed delta from the factory image whose header says format version 1", (c, d) -> {
                            d[9] = 1;
                            return d;
                        }),
                signedDelta("delta-add-past-base", Code.MALFORMED_INPUT,
                        "a signed delta whose one ADD operation reads 16 bytes past the end of the base",
                        (c, d) -> withOps(d, window(Ops.ADD, 16, HostileCorpus.image(c.in().image(Fixture.FACTORY)).size()))),
                signedDelta("delta-add-data-cut", Code.MALFORMED_INPUT,
                        "a signed delta whose ADD of 4096 bytes carries 10 bytes of data", (c, d) -> withOps(d,
                                concat(window(Ops.ADD, 4096, 0), new byte[10]))),
                c("delta-tampered-ops", MIX_AND_MATCH, INSTALL, Code.ARTIFACT_DIGEST_MISMATCH,
                        "a real delta from the factory image with one byte of its operation stream changed after"
                                + " signing: refused at stage time, before the slots are touched", c -> {
                            byte[] delta = factoryDelta(c);
                            SlotImage signed = new SlotImage(Sha256.of(delta), delta.length);
                            delta[delta.length - 2] ^= 0x10;
                            c.write("from-1.0.0.nxdelta", delta);
                            c.manifest(deltaRelease(c, signed, c.own("from-1.0.0.nxdelta"),
                                    HostileCorpus.image(c.in().image(Fixture.FACTORY))));
                        }));
    }

    /** The factory image to v1.1.0's, made by the real maker. */
    private static byte[] factoryDelta(Ctx c) {
        Path delta = c.dir().resolve("factory.nxdelta");
        ReleaseMedia.makeDelta(c.in().image(Fixture.FACTORY), c.in().image(Fixture.HEALTHY), delta);
        return readAll(delta);
    }

    /** A delta-only release signing exactly the bytes {@code edit} makes of {@link #factoryDelta}. */
    private static Case signedDelta(String id, Code code, String what, BiFunction<Ctx, byte[], byte[]> edit) {
        return applied(id, MALFORMED_ENCODING, code, false, what, c -> {
            byte[] delta = edit.apply(c, factoryDelta(c));
            c.write("edited.nxdelta", delta);
            c.manifest(deltaRelease(c, new SlotImage(Sha256.of(delta), delta.length), c.own("edited.nxdelta"),
                    HostileCorpus.image(c.in().image(Fixture.FACTORY))));
        });
    }

    /** {@code delta}'s header followed by a raw LZMA2 stream of {@code ops} and END. */
    private static byte[] withOps(byte[] delta, byte[] ops) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(delta, 0, DeltaHeader.BYTES);
            FinishableOutputStream lzma = new LZMA2Options(0).getOutputStream(new FinishableWrapperOutputStream(out));
            lzma.write(ops);
            lzma.write(Ops.END);
            lzma.finish();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A window of one operation {@code op} of {@code len} bytes at distance {@code dist} (COPY and ADD). */
    private static byte[] window(int op, long len, long dist) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(Ops.WINDOW);
            Ops.writeVarint(b, 1);
            b.write(op);
            Ops.writeVarint(b, len);
            Ops.writeVarint(b, Ops.zigzag(dist));
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A delta-only v1.1.0 release (v1.1.0's image) with one delta artifact. */
    private static Signed deltaRelease(Ctx c, SlotImage delta, String path, SlotImage base) {
        try {
            return HostileCorpus.manifest(c.in(), v("1.1.0"), factory(), FactoryState.COMPATIBLE,
                    HostileCorpus.image(c.in().image(Fixture.HEALTHY)), c.in().policy(),
                    List.of(Artifact.delta(path, delta.digest(), delta.size(), base)), c.release(),
                    VerityImage.read(c.in().image(Fixture.HEALTHY)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- which version ----

    static List<Case> versions() {
        return List.of(
                guest("downgrade", ROLLBACK, Code.UPDATE_VERSION_FLOOR,
                        "a validly signed v0.9.0 full release, below the anti-rollback floor 1.0.0",
                        c -> c.manifest(full(c, v("0.9.0"), c.release()))),
                guest("min-version-above-installed", WRONG_SOFTWARE, Code.UPDATE_MIN_VERSION,
                        "a validly signed v1.1.0 that may be installed only over 1.0.5 or later (the device runs 1.0.0)",
                        c -> c.manifest(full(c, Fixture.HEALTHY, v("1.1.0"), v("1.0.5"), FactoryState.COMPATIBLE,
                                c.in().policy(), c.release()))),
                c("downgrade-by-revoked-key", ROLLBACK, INSTALL, Code.KEY_REVOKED,
                        "a v0.9.0 release signed by the revoked key", c -> c.manifest(full(c, v("0.9.0"), c.in().keys().revoked()))),
                guest("replay-installed", REPLAY, Code.UPDATE_VERSION_FLOOR,
                        "the factory release v1.0.0 itself, validly signed, replayed onto a device running it",
                        c -> c.manifest(full(c, Fixture.FACTORY, factory(), factory(), FactoryState.COMPATIBLE, c.in().policy(),
                                c.release()))),
                c("replay-installed-delta", REPLAY, INSTALL, Code.UPDATE_VERSION_FLOOR,
                        "a delta-only v1.0.0 release over the factory image (the running version again)", c -> {
                            SlotImage f = HostileCorpus.image(c.in().image(Fixture.FACTORY));
                            c.manifest(HostileCorpus.manifest(c.in(), factory(), factory(), FactoryState.COMPATIBLE, f,
                                    c.in().policy(), List.of(Artifact.delta(c.own("none.nxdelta"), sha("unused"), 4096, f)),
                                    c.release()));
                        }),
                guest("revoked-key", FAST_FORWARD, Code.KEY_REVOKED,
                        "v1.1.0's release signed by test-release-revoked, which the admission record revokes",
                        c -> c.manifest(full(c, v("1.1.0"), c.in().keys().revoked()))),
                guest("fast-forward-revoked", FAST_FORWARD, Code.KEY_REVOKED,
                        "a v99.0.0 release signed by the leaked, since revoked key: it would raise the floor out of reach",
                        c -> c.manifest(full(c, v("99.0.0"), c.in().keys().revoked()))),
                c("fast-forward-edited", FAST_FORWARD, INSTALL, Code.SIG_INVALID,
                        "v1.1.0's manifest with its version edited to 99.0.0, the old signature kept",
                        c -> c.manifest(HostileFiles.edit(healthy(c.in()).content(), m -> with(m, "version", text("99.0.0"))),
                                healthy(c.in()).signature())),
                c("fast-forward-feed-revoked", FAST_FORWARD, FEED, Code.KEY_REVOKED,
                        "a feed listing v1.1.0 signed by the revoked key", c -> c.feed(HostileCorpus.feed(List.of(HostileCorpus.entry(
                                c.updates(), ReleaseMedia.manifestPath(Fixture.HEALTHY.version()), v("1.1.0"))),
                                c.in().keys().revoked()))),
                c("revocation-lifted-by-revoked", FAST_FORWARD, EntryPoint.ADMISSION, Code.ADMISSION_NOT_ROOT_SIGNED,
                        "an admission record without the revocation, signed by the revoked key itself",
                        c -> c.admission(Packaging.admission(HostileCorpus.admission(c.in(), HostileCorpus.factoryDomain(),
                                Set.of()), c.in().keys().revoked()))),
                c("revocation-stripped", FAST_FORWARD, EntryPoint.ADMISSION, Code.SIG_INVALID,
                        "the factory admission record re-encoded without its revocation, the root's signature kept", c -> {
                            Signed good = Packaging.admission(factoryRecord(c), c.in().keys().root());
                            c.admission(new Signed(HostileCorpus.admission(c.in(), HostileCorpus.factoryDomain(), Set.of())
                                    .encode(), good.signature()));
                        }),
                c("feed-version-mismatch", FEED_DISAGREEMENT, FEED_INSTALL, Code.FEED_MISMATCH,
                        "a feed announcing v99.0.0 for v1.1.0's (unchanged, validly signed) manifest",
                        c -> c.feed(HostileCorpus.feed(List.of(HostileCorpus.entry(c.updates(),
                                ReleaseMedia.manifestPath(Fixture.HEALTHY.version()), v("99.0.0"))), c.release()))),
                c("feed-digest-mismatch", FEED_DISAGREEMENT, FEED_INSTALL, Code.DIGEST_MISMATCH,
                        "a feed entry for v1.1.0's manifest naming another manifest's digest", c -> {
                            Feed.Entry e = HostileCorpus.entry(c.updates(),
                                    ReleaseMedia.manifestPath(Fixture.HEALTHY.version()), v("1.1.0"));
                            c.feed(HostileCorpus.feed(List.of(new Feed.Entry(e.version(), e.path(),
                                    sha("another manifest"), e.size())), c.release()));
                        }),
                c("feed-size-mismatch", FEED_DISAGREEMENT, FEED_INSTALL, Code.SIZE_MISMATCH,
                        "a feed entry for v1.1.0's manifest one byte shorter than the file", c -> {
                            Feed.Entry e = HostileCorpus.entry(c.updates(),
                                    ReleaseMedia.manifestPath(Fixture.HEALTHY.version()), v("1.1.0"));
                            c.feed(HostileCorpus.feed(List.of(new Feed.Entry(e.version(), e.path(),
                                    e.sha256(), e.size() - 1)), c.release()));
                        }),
                c("feed-manifest-missing", FEED_DISAGREEMENT, FEED_INSTALL, Code.HOST_NOT_FOUND,
                        "a feed entry naming a manifest that is not on the media", c -> {
                            Feed.Entry e = HostileCorpus.entry(c.updates(),
                                    ReleaseMedia.manifestPath(Fixture.HEALTHY.version()), v("1.1.0"));
                            c.feed(HostileCorpus.feed(List.of(new Feed.Entry(e.version(),
                                    c.own("gone.nxm"), e.sha256(), e.size())), c.release()));
                        }),
                c("feed-entry-swapped", FEED_DISAGREEMENT, FEED_INSTALL, Code.FEED_MISMATCH,
                        "a feed whose v1.1.0 entry points at v1.3.0's manifest with that manifest's true digest",
                        c -> c.feed(HostileCorpus.feed(List.of(HostileCorpus.entry(c.updates(),
                                ReleaseMedia.manifestPath(Fixture.CRASHING.version()), v("1.1.0"))), c.release()))));
    }

    // ---- the bytes of signed metadata ----

    static List<Case> encodings() {
        List<Case> all = new ArrayList<>();
        all.add(guest("trailing-bytes", MALFORMED_ENCODING, Code.CBOR_TRAILING_BYTES,
                "v1.1.0's manifest with a byte appended, signed as is",
                c -> c.manifest(HostileCorpus.rawHealthy(c.in(), b -> concat(b, new byte[] {0})))));
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
        all.add(edited("schema-missing-field", Code.SCHEMA_VIOLATION, "v1.1.0's manifest without its policy", m -> {
            m.remove("policy");
            return m;
        }));
        all.add(edited("schema-unknown-field", Code.SCHEMA_VIOLATION, "v1.1.0's manifest with an extra field 'hook'",
                m -> with(m, "hook", text("/bin/sh"))));
        all.add(edited("schema-wrong-type", Code.SCHEMA_VIOLATION, "v1.1.0's manifest whose version is a number",
                m -> with(m, "version", new CborValue.UInt(110))));
        all.add(edited("schema-bad-version", Code.SCHEMA_VIOLATION, "v1.1.0's manifest with version '1.1'",
                m -> with(m, "version", text("1.1"))));
        all.add(edited("schema-short-digest", Code.SCHEMA_VIOLATION, "v1.1.0's manifest with a 31-byte policy digest",
                m -> with(m, "policy", new CborValue.Bytes(new byte[31]))));
        all.add(edited("schema-min-above-version", Code.SCHEMA_VIOLATION, "v1.1.0's manifest with min_version 2.0.0",
                m -> with(m, "min_version", text("2.0.0"))));
        all.add(edited("schema-no-artifacts", Code.SCHEMA_VIOLATION, "v1.1.0's manifest with an empty artifact list",
                m -> with(m, "artifacts", new CborValue.Array(List.of()))));
        all.add(edited("schema-v2", Code.SCHEMA_MISMATCH, "v1.1.0's manifest claiming schema trialboot.manifest/2",
                m -> with(m, "schema", text("trialboot.manifest/2"))));
        all.add(edited("schema-compatible-chars", Code.SCHEMA_VIOLATION,
                "v1.1.0's manifest whose compatible holds a space and a slash",
                m -> with(m, "compatible", text("trialboot riscv64/virt"))));
        all.add(c("artifact-kind-unknown", MALFORMED_ENCODING, INSTALL, Code.SCHEMA_VIOLATION,
                "v1.1.0's full artifact of kind 'patch'", c -> c.manifest(editArtifact(c, a -> with(a, "kind", text("patch"))))));
        all.add(c("two-full-artifacts", MALFORMED_ENCODING, INSTALL, Code.SCHEMA_VIOLATION,
                "v1.1.0's manifest with its full artifact listed twice under two paths", c -> c.manifest(
                        HostileCorpus.editedHealthy(c.in(), m -> {
                            CborValue.CMap a = (CborValue.CMap) ((CborValue.Array) m.get("artifacts")).items().get(0);
                            Map<String, CborValue> b = new LinkedHashMap<>(a.entries());
                            b.put("path", text("releases/1.1.0/copy.img"));
                            return with(m, "artifacts", new CborValue.Array(List.of(a, new CborValue.CMap(b))));
                        }))));
        all.add(guest("zero-size-image", MALFORMED_ENCODING, Code.SCHEMA_VIOLATION,
                "v1.1.0's manifest whose image and full artifact are 0 bytes, validly signed", c -> c.manifest(
                        HostileCorpus.editedHealthy(c.in(), m -> editFirst(with(m, "image", zeroSize(m.get("image"))),
                                "artifacts", HostileCases::zeroSize)))));
        all.add(c("zero-size-delta", MALFORMED_ENCODING, INSTALL, Code.SCHEMA_VIOLATION,
                "a validly signed delta-only v1.1.0 whose delta artifact is 0 bytes",
                c -> c.manifest(zeroSizeDelta(c, HostileCases::zeroSize))));
        all.add(c("zero-size-delta-base", MALFORMED_ENCODING, INSTALL, Code.SCHEMA_VIOLATION,
                "a validly signed delta-only v1.1.0 whose delta names a base image of 0 bytes",
                c -> c.manifest(zeroSizeDelta(c, a -> {
                    Map<String, CborValue> d = new LinkedHashMap<>(((CborValue.CMap) a).entries());
                    d.put("base", zeroSize(d.get("base")));
                    return new CborValue.CMap(d);
                }))));
        all.add(guest("oversize", BOUNDS, Code.HOST_INPUT_OVERSIZE,
                "a manifest of " + (Bounds.MANIFEST_BYTES + 1) + " bytes, one over the manifest bound, validly signed",
                c -> c.manifest(HostileCorpus.rawHealthy(c.in(), b -> Arrays.copyOf(b, Bounds.MANIFEST_BYTES + 1)))));
        all.add(c("signature-oversize", BOUNDS, INSTALL, Code.HOST_INPUT_OVERSIZE,
                "v1.1.0's manifest with a .sig of " + (Bounds.SIGNATURE_BYTES + 1) + " bytes",
                c -> c.manifest(healthy(c.in()).content(), Arrays.copyOf(healthy(c.in()).signature(), Bounds.SIGNATURE_BYTES + 1))));
        all.add(c("feed-oversize", BOUNDS, FEED, Code.HOST_INPUT_OVERSIZE,
                "a validly signed feed of " + (Bounds.FEED_BYTES + 1) + " bytes", c -> {
                    byte[] big = Arrays.copyOf(goodFeed(c).content(), Bounds.FEED_BYTES + 1);
                    c.feed(sign(big, c.release()));
                }));
        all.add(edited("string-over-bound", Code.HOST_INPUT_OVERSIZE,
                "v1.1.0's manifest with a compatible string of " + (Bounds.CBOR_MAX_STRING + 1) + " bytes",
                m -> with(m, "compatible", text("a".repeat(Bounds.CBOR_MAX_STRING + 1)))));
        all.add(c("too-many-artifacts", BOUNDS, INSTALL, Code.HOST_INPUT_OVERSIZE,
                "v1.1.0's manifest listing " + (Bounds.ARTIFACTS + 1) + " artifacts", c -> c.manifest(
                        HostileCorpus.editedHealthy(c.in(), m -> {
                            CborValue.CMap a = (CborValue.CMap) ((CborValue.Array) m.get("artifacts")).items().get(0);
                            List<CborValue> many = new ArrayList<>();
                            for (int i = 0; i <= Bounds.ARTIFACTS; i++) {
                                Map<String, CborValue> b = new LinkedHashMap<>(a.entries());
                                b.put("path", text("releases/1.1.0/copy" + i + ".img"));
                                many.add(new CborValue.CMap(b));
                            }
                            return with(m, "artifacts", new CborValue.Array(many));
                        }))));
        all.add(c("image-over-slot", BOUNDS, INSTALL, Code.HOST_INPUT_OVERSIZE,
                "a validly signed release whose image is " + Bounds.SLOT_IMAGE_BYTES + " bytes, larger than the slot", c -> {
                    SlotImage big = Artifact.image(sha("big"), Bounds.SLOT_IMAGE_BYTES);
                    c.manifest(HostileCorpus.manifest(c.in(), v("1.1.0"), factory(), FactoryState.COMPATIBLE, big,
                            c.in().policy(), List.of(Artifact.full(c.own("big.img"), big.digest(), big.size())), c.release()));
                }));
        all.add(edited("image-over-format-bound", Code.HOST_INPUT_OVERSIZE,
                "v1.1.0's manifest whose image is one byte over the format's bound", m -> {
                    Map<String, CborValue> img = new LinkedHashMap<>(((CborValue.CMap) m.get("image")).entries());
                    img.put("size", new CborValue.UInt(Bounds.SLOT_IMAGE_BYTES + 1));
                    return with(m, "image", new CborValue.CMap(img));
                }));
        all.add(edited("manifest-verity-tree-beyond-image", Code.SCHEMA_VIOLATION,
                "v1.1.0's manifest signing verity parameters whose tree does not end where the image ends",
                m -> with(m, "verity", verity("sha256", 8192))));
        all.add(edited("manifest-verity-sha1", Code.SCHEMA_VIOLATION,
                "v1.1.0's manifest signing verity parameters with the algorithm sha1",
                m -> with(m, "verity", verity("sha1", 4096))));
        all.add(c("feed-too-many-entries", BOUNDS, FEED, Code.HOST_INPUT_OVERSIZE,
                "a signed feed listing " + (Bounds.FEED_ENTRIES + 1) + " entries", c -> c.feed(sign(
                        HostileFiles.edit(goodFeed(c).content(), m -> {
                            CborValue first = ((CborValue.Array) m.get("entries")).items().get(0);
                            return with(m, "entries", new CborValue.Array(Collections.nCopies(Bounds.FEED_ENTRIES + 1, first)));
                        }), c.release()))));
        all.add(c("feed-unsorted", MALFORMED_ENCODING, FEED, Code.SCHEMA_VIOLATION,
                "a signed feed whose entries are in reverse version order", c -> c.feed(sign(
                        HostileFiles.edit(goodFeed(c).content(), m -> {
                            List<CborValue> r = new ArrayList<>(((CborValue.Array) m.get("entries")).items());
                            Collections.reverse(r);
                            return with(m, "entries", new CborValue.Array(r));
                        }), c.release()))));
        return all;
    }

    /** A CBOR map (an image or artifact) with its {@code size} set to 0. */
    private static CborValue zeroSize(CborValue map) {
        Map<String, CborValue> e = new LinkedHashMap<>(((CborValue.CMap) map).entries());
        e.put("size", new CborValue.UInt(0));
        return new CborValue.CMap(e);
    }

    /** {@code m} with the first item of its array {@code key} edited. */
    private static Map<String, CborValue> editFirst(Map<String, CborValue> m, String key, UnaryOperator<CborValue> e) {
        List<CborValue> items = new ArrayList<>(((CborValue.Array) m.get(key)).items());
        items.set(0, e.apply(items.get(0)));
        return with(m, key, new CborValue.Array(items));
    }

    /** A delta-only v1.1.0 release from the factory image, its delta artifact edited after encoding, signed again. */
    private static Signed zeroSizeDelta(Ctx c, UnaryOperator<CborValue> e) {
        Signed d = deltaRelease(c, Artifact.image(sha("unused delta"), 4096), c.own("none.nxdelta"),
                HostileCorpus.image(c.in().image(Fixture.FACTORY)));
        return sign(HostileFiles.edit(d.content(), m -> editFirst(m, "artifacts", e)), c.release());
    }

    private static Case raw(String id, Code code, String what, UnaryOperator<byte[]> e) {
        return c(id, MALFORMED_ENCODING, INSTALL, code, what, c -> c.manifest(HostileCorpus.rawHealthy(c.in(), e)));
    }

    private static Case pairs(String id, Code code, String what,
            UnaryOperator<List<Map.Entry<String, byte[]>>> e) {
        AttackClass a = code == Code.HOST_INPUT_OVERSIZE ? BOUNDS : MALFORMED_ENCODING;
        return c(id, a, INSTALL, code, what, c -> c.manifest(sign(rawMap(e.apply(healthyPairs(c))), c.release())));
    }

    private static Case edited(String id, Code code, String what, UnaryOperator<Map<String, CborValue>> e) {
        AttackClass a = code == Code.HOST_INPUT_OVERSIZE ? BOUNDS : MALFORMED_ENCODING;
        return c(id, a, INSTALL, code, what, c -> c.manifest(HostileCorpus.editedHealthy(c.in(), e)));
    }

    private static byte[] repeat(byte b, int n) {
        byte[] out = new byte[n];
        Arrays.fill(out, b);
        return out;
    }

    // ---- archives and paths ----

    static List<Case> archives() {
        List<Case> all = new ArrayList<>();
        all.add(guest("artifact-path-traversal", TAR_AND_PATH_TRICKS, Code.TAR_PATH_TRAVERSAL,
                "v1.1.0's full artifact at ../../state/asl-host/host/host-id (outside the media)",
                c -> c.manifest(editArtifact(c, a -> with(a, "path", text("../../state/asl-host/host/host-id"))))));
        all.add(c("artifact-absolute-path", TAR_AND_PATH_TRICKS, INSTALL, Code.TAR_ABSOLUTE_PATH,
                "v1.1.0's full artifact at /dev/vda2 (the active slot itself)",
                c -> c.manifest(editArtifact(c, a -> with(a, "path", text("/dev/vda2"))))));
        all.add(c("artifact-dot-path", TAR_AND_PATH_TRICKS, INSTALL, Code.TAR_PATH_INVALID,
                "v1.1.0's full artifact at ./releases/1.1.0/slot.img",
                c -> c.manifest(editArtifact(c, a -> with(a, "path", text("./releases/1.1.0/slot.img"))))));
        all.add(c("feed-entry-traversal", TAR_AND_PATH_TRICKS, FEED, Code.TAR_PATH_TRAVERSAL,
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
        all.add(c("tar-duplicate", TAR_AND_PATH_TRICKS, SYSTEM_SET, Code.TAR_DUPLICATE_ENTRY,
                "a system set whose second entry has the first entry's name", c -> {
                    Map<String, byte[]> e = HostileFiles.factorySystemSet(c.in());
                    byte[] t = HostileFiles.tar(e);
                    String first = new TreeMap<>(e).firstKey();
                    int second = HostileFiles.TAR_BLOCK + blocks(new TreeMap<>(e).firstEntry().getValue().length);
                    c.systemSet(patchHeader(t, second, field(HostileFiles.TAR_NAME, 100, first)));
                }));
        all.add(c("tar-bad-checksum", TAR_AND_PATH_TRICKS, SYSTEM_SET, Code.TAR_MALFORMED,
                "a system set whose first header's checksum is off by one", c -> {
                    byte[] t = HostileFiles.tar(HostileFiles.factorySystemSet(c.in()));
                    t[HostileFiles.TAR_CHECKSUM + 5] ^= 1;
                    c.systemSet(t);
                }));
        all.add(c("tar-name-after-nul", TAR_AND_PATH_TRICKS, SYSTEM_SET, Code.TAR_MALFORMED,
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
        all.add(c("tar-too-many-entries", BOUNDS, SYSTEM_SET, Code.HOST_INPUT_OVERSIZE,
                "a system set of " + (Bounds.TAR_ENTRIES + 1) + " entries", c -> {
                    Map<String, byte[]> e = new LinkedHashMap<>(HostileFiles.factorySystemSet(c.in()));
                    for (int i = 0; i < Bounds.TAR_ENTRIES; i++) {
                        e.put(String.format("a%03d.nxb", i), new byte[] {1});
                    }
                    c.systemSet(HostileFiles.tar(e));
                }));
        all.add(set("set-unsigned", ARBITRARY_SOFTWARE, Code.SIG_MISSING, "a system set without its signature entry", e -> {
            e.remove(SystemSet.SIGNATURE_ENTRY);
            return e;
        }));
        all.add(set("set-bundle-not-indexed", ARBITRARY_SOFTWARE, Code.BUNDLE_NOT_INDEXED,
                "a system set carrying an extra bundle its signed index does not list", e -> {
                    e.put("evil.nxb", e.get(Fixture.BUNDLE + ".nxb"));
                    return e;
                }));
        all.add(set("set-bundle-missing", MIX_AND_MATCH, Code.BUNDLE_MISSING,
                "a system set whose indexed bundle is absent", e -> {
                    e.remove(Fixture.BUNDLE + ".nxb");
                    return e;
                }));
        all.add(c("set-bundle-swapped", MIX_AND_MATCH, SYSTEM_SET, Code.DIGEST_MISMATCH,
                "the factory system set carrying v1.3.0's hello bundle under the factory's signed index", c -> {
                    Map<String, byte[]> e = HostileFiles.factorySystemSet(c.in());
                    e.put(Fixture.BUNDLE + ".nxb", HostileFiles.entries(c.in().systemSet(Fixture.CRASHING))
                            .get(Fixture.BUNDLE + ".nxb"));
                    c.systemSet(HostileFiles.tar(e));
                }));
        all.add(set("set-index-revoked", FAST_FORWARD, Code.KEY_REVOKED,
                "a system set whose index is signed by the revoked key", e -> e));
        all.add(set("set-index-tampered", ARBITRARY_SOFTWARE, Code.SIG_INVALID,
                "a system set whose index was changed after signing", e -> {
                    byte[] index = e.get(SystemSet.INDEX_ENTRY);
                    index[index.length - 1] ^= 1;
                    return e;
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
        all.add(c("tar-unsorted", TAR_AND_PATH_TRICKS, SYSTEM_SET, Code.TAR_MALFORMED,
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
        return c(id, a, SYSTEM_SET, code, "the factory system set with " + what,
                c -> c.systemSet(e.apply(HostileFiles.tar(HostileFiles.factorySystemSet(c.in())))));
    }

    /** The factory system set with its entries edited; {@code set-index-revoked} re-signs the index with the revoked key. */
    private static Case set(String id, AttackClass a, Code code, String what, UnaryOperator<Map<String, byte[]>> e) {
        return c(id, a, SYSTEM_SET, code, what, c -> {
            Map<String, byte[]> entries = HostileFiles.factorySystemSet(c.in());
            if (id.equals("set-index-revoked")) {
                entries.put(SystemSet.SIGNATURE_ENTRY, Packaging.sign(entries.get(SystemSet.INDEX_ENTRY),
                        List.of(c.in().keys().revoked())));
            }
            c.systemSet(HostileFiles.tar(e.apply(entries)));
        });
    }

    // ---- the admission record ----

    static List<Case> admissions() {
        return List.of(
                c("admission-release-signed", ADMISSION, EntryPoint.ADMISSION, Code.ADMISSION_NOT_ROOT_SIGNED,
                        "the factory admission record signed by test-release-1 instead of the root",
                        c -> c.admission(Packaging.admission(factoryRecord(c), c.release()))),
                c("admission-stranger-signed", ADMISSION, EntryPoint.ADMISSION, Code.ADMISSION_NOT_ROOT_SIGNED,
                        "an admission record admitting a stranger's key, signed by that stranger", c -> {
                            SigningKey s = HostileFiles.stranger(c.in().keys(), "admission");
                            c.admission(Packaging.admission(new AdmissionRecord(HostileCorpus.factoryDomain(),
                                    FactoryState.COMPATIBLE, c.in().policy(), WitnessMode.SINGLE, 1,
                                    Map.of(s.keyId(), s.publicKey()), Set.of()), s));
                        }),
                c("admission-other-domain", ADMISSION, EntryPoint.ADMISSION, Code.HOST_ADMISSION_REJECTED,
                        "a root-signed admission record for domain 'lab'",
                        c -> c.admission(Packaging.admission(HostileCorpus.admission(c.in(), "lab",
                                Set.of(c.in().keys().revoked().keyId())), c.in().keys().root()))),
                c("admit-decision-forged", ADMISSION, EntryPoint.ADMIT, Code.ADMISSION_NOT_ROOT_SIGNED,
                        "an ACCEPTED decision on the factory record signed by test-release-1, not the root",
                        c -> c.admit(factoryDam(c), decision("system", 1, "ACCEPTED", Sha256.of(factoryDam(c).content())),
                                c.release())),
                c("admit-decision-other-record", ADMISSION, EntryPoint.ADMIT, Code.DIGEST_MISMATCH,
                        "a root-signed ACCEPTED decision naming another admission record than the one beside it",
                        c -> c.admit(factoryDam(c), decision("system", 1, "ACCEPTED", sha("another record")),
                                c.in().keys().root())),
                c("admit-decision-tampered", ADMISSION, EntryPoint.ADMIT, Code.SIG_INVALID,
                        "a root-signed SUSPENDED decision edited to ACCEPTED after signing", c -> {
                            byte[] signed = decision("system", 1, "SUSPENDED", Sha256.of(factoryDam(c).content()));
                            c.admit(factoryDam(c), signed, c.in().keys().root());
                            c.write(AdmissionDecision.FILE, decision("system", 1, "ACCEPTED",
                                    Sha256.of(factoryDam(c).content())));
                        }),
                c("admit-decision-other-domain", ADMISSION, EntryPoint.ADMIT, Code.HOST_ADMISSION_REJECTED,
                        "a root-signed decision for domain 'lab' on the system domain's record",
                        c -> c.admit(factoryDam(c), decision("lab", 1, "ACCEPTED", Sha256.of(factoryDam(c).content())),
                                c.in().keys().root())),
                c("admit-decision-sequence-zero", ADMISSION, EntryPoint.ADMIT, Code.SCHEMA_VIOLATION,
                        "a root-signed decision with sequence 0 (the factory's, never a decision's)",
                        c -> c.admit(factoryDam(c), decision("system", 0, "ACCEPTED", Sha256.of(factoryDam(c).content())),
                                c.in().keys().root())),
                c("admission-trailing-bytes", ADMISSION, EntryPoint.ADMISSION, Code.CBOR_TRAILING_BYTES,
                        "the factory admission record with a byte appended, signed by the root",
                        c -> c.admission(sign(concat(factoryRecord(c).encode(), new byte[] {0}), c.in().keys().root()))),
                c("admission-stranger-garbage", ADMISSION, EntryPoint.ADMISSION, Code.ADMISSION_NOT_ROOT_SIGNED,
                        "bytes that are no CBOR at all (a reserved head first), signed by a stranger: the signature"
                                + " is checked before a byte is parsed",
                        c -> c.admission(sign(new byte[] {(byte) 0xfc, 1, 2, 3},
                                HostileFiles.stranger(c.in().keys(), "admission-garbage")))),
                c("admission-revokes-own-root", ADMISSION, EntryPoint.ADMISSION, Code.ADMISSION_REVOKES_SIGNER,
                        "a root-signed admission record whose revoked list names the root's own key id",
                        c -> c.admission(Packaging.admission(HostileCorpus.admission(c.in(),
                                HostileCorpus.factoryDomain(), Set.of(c.in().keys().revoked().keyId(),
                                        c.in().keys().root().keyId())), c.in().keys().root()))));
    }

    private static Signed factoryDam(Ctx c) {
        return Packaging.admission(factoryRecord(c), c.in().keys().root());
    }

    /** Decision bytes written field by field, so a sequence of 0 (which the record type refuses) can be made. */
    private static byte[] decision(String domain, long sequence, String outcome, Sha256 dam) {
        return Cbor.encode(Cbor.map().put("schema", AdmissionDecision.SCHEMA).put("domain", domain)
                .put("sequence", sequence).put("outcome", outcome).put("dam", dam.bytes()).build());
    }

    private static AdmissionRecord factoryRecord(Ctx c) {
        return FactoryState.admission(c.in().keys(), c.in().policy());
    }
}
