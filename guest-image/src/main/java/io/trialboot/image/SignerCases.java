package io.trialboot.image;

import static io.trialboot.image.HostileCorpus.AttackClass.ARBITRARY_SOFTWARE;
import static io.trialboot.image.HostileCorpus.EntryPoint.FEED;
import static io.trialboot.image.HostileCorpus.EntryPoint.INSTALL;
import static io.trialboot.image.HostileCorpus.guest;
import static io.trialboot.image.HostileCorpus.host;
import static io.trialboot.image.HostileFiles.healthy;
import static io.trialboot.image.HostileFiles.sign;
import static io.trialboot.image.HostileFiles.with;
import static io.trialboot.image.HostileReleases.full;
import static io.trialboot.image.HostileReleases.goodFeed;
import static io.trialboot.image.HostileReleases.v;

import io.trialboot.core.Code;
import io.trialboot.format.cbor.CborValue;
import io.trialboot.image.HostileCorpus.Case;
import io.trialboot.tools.Signed;
import io.trialboot.trust.SignatureFile;
import java.util.List;

/** Hostile cases on who signed an input: bad, missing and misfiled signatures, unknown and unadmitted keys. */
final class SignerCases {
    private SignerCases() {}

    static List<Case> cases() {
        return List.of(
                guest("bad-signature", ARBITRARY_SOFTWARE, Code.SIG_INVALID,
                        "v1.1.0's manifest with one bit of its test-release-1 signature flipped", c -> {
                            Signed good = healthy(c.in());
                            SignatureFile.Entry e = SignatureFile.decode(good.signature()).signatures().get(0);
                            byte[] sig = e.signature();
                            sig[sig.length - 1] ^= 1;
                            c.manifest(good.content(), HostileReleases.signatureFile(new SignatureFile.Entry(e.key(), sig)));
                        }),
                host("manifest-tampered", ARBITRARY_SOFTWARE, INSTALL, Code.SIG_INVALID,
                        "v1.1.0's manifest with its last byte changed after signing", c -> {
                            byte[] m = healthy(c.in()).content();
                            m[m.length - 1] ^= 1;
                            c.manifest(m, healthy(c.in()).signature());
                        }),
                guest("unknown-key", ARBITRARY_SOFTWARE, Code.KEY_UNKNOWN,
                        "v1.1.0 signed by a key no trust store knows (a stranger's)",
                        c -> c.manifest(full(c, v("1.1.0"), HostileFiles.stranger(c.in().keys(), "unknown-key")))),
                host("root-signed-release", ARBITRARY_SOFTWARE, INSTALL, Code.KEY_NOT_ADMITTED,
                        "v1.1.0 signed by the pinned root, which may sign only the admission record",
                        c -> c.manifest(full(c, v("1.1.0"), c.in().keys().root()))),
                host("signer-mismatch", ARBITRARY_SOFTWARE, INSTALL, Code.SIGNER_MISMATCH,
                        "v1.1.0 naming test-release-revoked as its signer, signed by test-release-1",
                        c -> c.manifest(HostileReleases.editedHealthy(c.in(), m -> with(m, "signer",
                                new CborValue.Bytes(c.in().keys().revoked().keyId().bytes()))))),
                host("signature-missing", ARBITRARY_SOFTWARE, INSTALL, Code.HOST_NOT_FOUND,
                        "v1.1.0's manifest without its .sig file", c -> c.write("manifest.nxm", healthy(c.in()).content())),
                host("signature-envelope-empty", ARBITRARY_SOFTWARE, INSTALL, Code.SIG_MISSING,
                        "v1.1.0's manifest with a well-formed signature file holding no signature",
                        c -> c.manifest(healthy(c.in()).content(), HostileReleases.signatureFile())),
                host("signature-file-empty", ARBITRARY_SOFTWARE, INSTALL, Code.CBOR_TRUNCATED,
                        "v1.1.0's manifest with a zero-byte .sig", c -> c.manifest(healthy(c.in()).content(), new byte[0])),
                host("signature-wrong-key-id", ARBITRARY_SOFTWARE, INSTALL, Code.SIG_INVALID,
                        "a stranger's signature filed under test-release-1's key id", c -> {
                            byte[] m = healthy(c.in()).content();
                            byte[] sig = HostileFiles.stranger(c.in().keys(), "wrong-key-id").sign(m);
                            c.manifest(m, HostileReleases.signatureFile(new SignatureFile.Entry(c.release().keyId(), sig)));
                        }),
                host("feed-unknown-key", ARBITRARY_SOFTWARE, FEED, Code.KEY_UNKNOWN,
                        "the stable feed signed by a stranger's key", c -> c.feed(sign(goodFeed(c).content(),
                                HostileFiles.stranger(c.in().keys(), "feed")))),
                host("feed-bad-signature", ARBITRARY_SOFTWARE, FEED, Code.SIG_INVALID,
                        "the stable feed with one byte changed after signing", c -> {
                            Signed f = goodFeed(c);
                            byte[] b = f.content();
                            b[b.length - 1] ^= 1;
                            c.feed(new Signed(b, f.signature()));
                        }));
    }
}
