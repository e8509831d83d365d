package io.trialboot.image;

import static io.trialboot.image.HostileCorpus.AttackClass.MALFORMED_ENCODING;
import static io.trialboot.image.HostileCorpus.AttackClass.MIX_AND_MATCH;
import static io.trialboot.image.HostileCorpus.AttackClass.WRONG_DELTA_BASE;
import static io.trialboot.image.HostileCorpus.EntryPoint.INSTALL;
import static io.trialboot.image.HostileCorpus.applied;
import static io.trialboot.image.HostileCorpus.guest;
import static io.trialboot.image.HostileCorpus.host;
import static io.trialboot.image.HostileFiles.concat;
import static io.trialboot.image.HostileFiles.edit;
import static io.trialboot.image.HostileFiles.with;
import static io.trialboot.image.HostileReleases.deltaRelease;
import static io.trialboot.image.HostileReleases.factory;
import static io.trialboot.image.HostileReleases.readAll;
import static io.trialboot.image.HostileReleases.sha;

import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.delta.DeltaHeader;
import io.trialboot.delta.Ops;
import io.trialboot.device.SlotImage;
import io.trialboot.format.Artifact;
import io.trialboot.image.HostileCorpus.Case;
import io.trialboot.image.HostileCorpus.Ctx;
import io.trialboot.tools.Packaging;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.tukaani.xz.FinishableOutputStream;
import org.tukaani.xz.FinishableWrapperOutputStream;
import org.tukaani.xz.LZMA2Options;

/** Hostile cases on delta artifacts: the wrong base, bytes changed after signing, malformed operation streams. */
final class DeltaCases {
    private DeltaCases() {}

    static List<Case> cases() {
        return List.of(
                guest("wrong-base", WRONG_DELTA_BASE, Code.BASE_MISMATCH,
                        "a delta-only v1.2.0 release made from v1.3.0's image, which is never the active slot's", c -> {
                            Path delta = c.dir().resolve("from-1.3.0.nxdelta");
                            ReleaseMedia.makeDelta(c.in().image(Fixture.CRASHING), c.in().image(Fixture.NEVER_READY), delta);
                            c.manifest(ReleaseMedia.release(c.in(), Fixture.NEVER_READY, factory(), Optional.empty(),
                                    List.of(new Packaging.DeltaInput(delta, c.own("from-1.3.0.nxdelta"),
                                            c.in().image(Fixture.CRASHING)))));
                        }),
                host("delta-base-size", WRONG_DELTA_BASE, INSTALL, Code.DELTA_BASE_MISMATCH,
                        "a delta naming the factory image's digest but another size", c -> {
                            SlotImage f = HostileReleases.image(c.in().image(Fixture.FACTORY));
                            c.manifest(deltaRelease(c, Artifact.image(sha("unused delta"), 4096), c.own("none.nxdelta"),
                                    Artifact.image(f.digest(), f.size() + 4096)));
                        }),
                applied("delta-header-base", WRONG_DELTA_BASE, Code.DELTA_BASE_MISMATCH, false,
                        "a manifest naming the factory image as base for a delta file made from v1.1.0's image", c -> {
                            Path delta = c.dir().resolve("from-1.1.0.nxdelta");
                            ReleaseMedia.makeDelta(c.in().image(Fixture.HEALTHY), c.in().image(Fixture.NEVER_READY), delta);
                            c.manifest(deltaRelease(c, HostileReleases.image(delta), c.own("from-1.1.0.nxdelta"),
                                    HostileReleases.image(c.in().image(Fixture.FACTORY))));
                        }),
                applied("delta-garbage", MALFORMED_ENCODING, Code.MALFORMED_INPUT, false,
                        "a signed delta artifact of 4 KiB that is no .nxdelta", c -> {
                            byte[] junk = new byte[4096];
                            Arrays.fill(junk, (byte) 0x5a);
                            c.write("junk.nxdelta", junk);
                            c.manifest(deltaRelease(c, Artifact.image(Sha256.of(junk), junk.length), c.own("junk.nxdelta"),
                                    HostileReleases.image(c.in().image(Fixture.FACTORY))));
                        }),
                host("delta-unsigned-bytes", MIX_AND_MATCH, INSTALL, Code.ARTIFACT_DIGEST_MISMATCH,
                        "a real delta from the factory image whose magic is broken on the media after signing"
                                + " (parsed, it would be MALFORMED_INPUT: it must reach no parser)", c -> {
                            byte[] delta = factoryDelta(c);
                            SlotImage signed = new SlotImage(Sha256.of(delta), delta.length);
                            delta[0] ^= 1;
                            c.write("from-1.0.0.nxdelta", delta);
                            c.manifest(deltaRelease(c, signed, c.own("from-1.0.0.nxdelta"),
                                    HostileReleases.image(c.in().image(Fixture.FACTORY))));
                        }),
                signedDelta("delta-format-version-1", Code.SCHEMA_MISMATCH,
                        "a signed delta from the factory image whose header says format version 1", (c, d) -> {
                            d[9] = 1;
                            return d;
                        }),
                signedDelta("delta-format-version-2", Code.SCHEMA_MISMATCH,
                        "a signed delta from the factory image whose header says format version 2 (before the bound"
                                + " on the base bytes its copies read)", (c, d) -> {
                            d[9] = 2;
                            return d;
                        }),
                signedDelta("delta-copy-from-base-tree", Code.MALFORMED_INPUT,
                        "a signed delta whose one COPY reads the first 4 KiB of the base's verity tree, past the"
                                + " base data its header bounds the copies to (where the verity mapping ends)",
                        (c, d) -> withOps(d, window(Ops.COPY, 4096, baseData(d)))),
                signedDelta("delta-add-past-base", Code.MALFORMED_INPUT,
                        "a signed delta whose one ADD operation reads 16 bytes past the end of the base",
                        (c, d) -> withOps(d, window(Ops.ADD, 16, HostileReleases.image(c.in().image(Fixture.FACTORY)).size()))),
                signedDelta("delta-add-data-cut", Code.MALFORMED_INPUT,
                        "a signed delta whose ADD of 4096 bytes carries 10 bytes of data", (c, d) -> withOps(d,
                                concat(window(Ops.ADD, 4096, 0), new byte[10]))),
                host("delta-tampered-ops", MIX_AND_MATCH, INSTALL, Code.ARTIFACT_DIGEST_MISMATCH,
                        "a real delta from the factory image with one byte of its operation stream changed after"
                                + " signing: refused at stage time, before the slots are touched", c -> {
                            byte[] delta = factoryDelta(c);
                            SlotImage signed = new SlotImage(Sha256.of(delta), delta.length);
                            delta[delta.length - 2] ^= 0x10;
                            c.write("from-1.0.0.nxdelta", delta);
                            c.manifest(deltaRelease(c, signed, c.own("from-1.0.0.nxdelta"),
                                    HostileReleases.image(c.in().image(Fixture.FACTORY))));
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
                    HostileReleases.image(c.in().image(Fixture.FACTORY))));
        });
    }

    /** How many of the base's first bytes the copies of {@code delta} may read: its header's base data size. */
    private static long baseData(byte[] delta) {
        try {
            return DeltaHeader.read(new ByteArrayInputStream(delta)).sourceData();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
}
