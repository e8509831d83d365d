package io.trialboot.image;

import io.trialboot.core.Code;
import io.trialboot.tools.Packaging;
import io.trialboot.tools.Signed;
import io.trialboot.tools.SigningKey;
import io.trialboot.trust.AdmissionDecision;
import io.trialboot.trust.Trust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The hostile-input corpus: every malicious or malformed input the device must refuse, each with
 * the attack it stands for, its class, the device entry point it goes through and the exact code
 * the device answers. Each case is a directory {@code updates/hostile/<id>/} generated from the
 * fixture keys and releases (signatures are real, so each input reaches the check it targets)
 * holding its input files, {@code case.properties} (id, class, entry, expected, what) and a
 * one-line {@code README}. {@code HostileCorpusTest} runs every case through the device's own code
 * on the host; the cases marked {@code inGuest} are put on the update media and refused in QEMU by
 * {@code HostileInputIT}, and {@link FixtureCheck} proves them at every image build. The cases live
 * in one class per kind of input ({@link SignerCases}, {@link PayloadCases}, {@link DeltaCases},
 * {@link VersionCases}, {@link CborCases}, {@link SchemaCases}, {@link TarCases},
 * {@link SystemSetCases}, {@link AdmissionCases}), built with {@link HostileReleases} and
 * {@link HostileFiles}.
 */
final class HostileCorpus {
    static final String DIR = "hostile";
    static final String CASE_FILE = "case.properties";
    static final String OTHER_COMPATIBLE = "trialboot-arm64-virt";

    /** The attack classes: TUF's attacks that apply offline, then the input-handling ones. */
    enum AttackClass {
        ARBITRARY_SOFTWARE("arbitrary software: metadata not signed by an admitted, unrevoked key"),
        ENDLESS_DATA("endless data: more bytes than the signed size"),
        ROLLBACK("rollback: a validly signed older release"),
        FAST_FORWARD("fast-forward with a leaked key, recovered by revocation"),
        MIX_AND_MATCH("mix-and-match: signed pieces of different releases combined"),
        WRONG_SOFTWARE("wrong software: a release for another device class or policy"),
        WRONG_DELTA_BASE("wrong delta base: a delta that does not apply to the active image"),
        FEED_DISAGREEMENT("feed/manifest disagreement"),
        REPLAY("replay of an already-installed release"),
        BOUNDS("bounds: inputs over a hard limit"),
        MALFORMED_ENCODING("malformed encodings: signed bytes that are not canonical, well-formed metadata"),
        TAR_AND_PATH_TRICKS("tar and path tricks: traversal, links, devices, duplicates, damaged headers"),
        ADMISSION("forged or altered admission records");

        final String what;

        AttackClass(String what) {
            this.what = what;
        }
    }

    /** Where the device meets the input, and the file the case provides for it. */
    enum EntryPoint {
        /** {@code nx feed}: updated's LoadFeed verifies {@code feeds/stable.nxf}. */
        FEED("stable.nxf"),
        /** {@code nx update apply pkg://updates/hostile/<id>/manifest.nxm}: stage (verify, admit) then apply. */
        INSTALL("manifest.nxm"),
        /** The selftest's install of the first release a feed lists: the manifest checked against the feed entry too. */
        FEED_INSTALL("stable.nxf"),
        /** bundlemgrd verifying and extracting the booted slot's system set. */
        SYSTEM_SET("system.nxs"),
        /** Boot: the trust store loading the domain's admission record against the pinned roots. */
        ADMISSION("dam.cbor"),
        /** {@code nx admit pkg://updates/hostile/<id>}: a root's decision on the admission record beside it. */
        ADMIT("admission-decision.cbor");

        final String file;

        EntryPoint(String file) {
            this.file = file;
        }
    }

    /** What a case writes into its directory. */
    interface Maker {
        void make(Ctx c);
    }

    /**
     * One case. {@code duringApply}: the manifest verifies and is admitted, and the refusal comes
     * while streaming the artifact into the inactive slot (which then stays invalid, never
     * bootable); otherwise nothing is written before the refusal. {@code inGuest}: on the media and
     * run by {@code HostileInputIT} (INSTALL cases only).
     */
    record Case(String id, AttackClass attack, EntryPoint entry, Code expected, boolean duringApply, boolean inGuest,
            String what, Maker maker) {
        Case {
            if (!id.matches("[a-z0-9-]{1,40}")) {
                throw new IllegalArgumentException("case id must be [a-z0-9-]: " + id);
            }
            if (inGuest && entry != EntryPoint.INSTALL) {
                throw new IllegalArgumentException(id + ": the guest runs INSTALL cases only (nx update apply)");
            }
            if (duringApply && entry != EntryPoint.INSTALL) {
                throw new IllegalArgumentException(id + ": only an install reaches the apply");
            }
            if (expected == Code.HOST_OK) {
                throw new IllegalArgumentException(id + ": a hostile case expects a refusal");
            }
        }

        /** The case's input file, relative to {@code updates/}. */
        String inputPath() {
            return DIR + "/" + id + "/" + entry.file;
        }

        /** {@code stage} (refused before anything is written) or {@code apply}. */
        String phase() {
            return duringApply ? "apply" : "stage";
        }

        String readme() {
            return id + ": " + what + "; expected " + expected + "\n";
        }

        String properties() {
            return "id=" + id + "\nclass=" + attack + "\nentry=" + entry + "\nexpected=" + expected
                    + "\nphase=" + phase() + "\nguest=" + inGuest
                    + "\nwhat=" + what + "\n";
        }

        /** Writes this case's files under {@code updates/hostile/<id>/}. */
        void write(Path updates, ReleaseMedia.Inputs in) {
            Path dir = updates.resolve(DIR).resolve(id);
            maker.make(new Ctx(in, updates, dir, DIR + "/" + id));
            ReleaseMedia.writeText(dir.resolve("README"), readme());
            ReleaseMedia.writeText(dir.resolve(CASE_FILE), properties());
        }
    }

    /** A case's writing context: the fixtures, the media's {@code updates/}, the case directory and its media path. */
    record Ctx(ReleaseMedia.Inputs in, Path updates, Path dir, String mediaDir) {
        void manifest(Signed s) {
            s.writeTo(dir.resolve(EntryPoint.INSTALL.file));
        }

        void manifest(byte[] content, byte[] signature) {
            manifest(new Signed(content, signature));
        }

        void feed(Signed s) {
            s.writeTo(dir.resolve(EntryPoint.FEED.file));
        }

        void systemSet(byte[] nxs) {
            write(EntryPoint.SYSTEM_SET.file, nxs);
        }

        void admission(Signed s) {
            s.writeTo(dir.resolve(EntryPoint.ADMISSION.file));
        }

        /** An {@code nx admit} directory: {@code dam} with its signature, and the decision bytes signed by {@code signer}. */
        void admit(Signed dam, byte[] decision, SigningKey signer) {
            write(Trust.ADMISSION_FILE, dam.content());
            write(Trust.ADMISSION_SIGNATURE_FILE, dam.signature());
            write(AdmissionDecision.FILE, decision);
            write(AdmissionDecision.SIGNATURE_FILE, Packaging.sign(decision, List.of(signer)));
        }

        void write(String name, byte[] bytes) {
            try {
                Files.createDirectories(dir);
                Files.write(dir.resolve(name), bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A file of this case on the media, relative to {@code updates/}. */
        String own(String name) {
            return mediaDir + "/" + name;
        }

        SigningKey release() {
            return in.keys().release();
        }
    }

    private HostileCorpus() {}

    /** Every case, grouped by attack class (in the order of {@link AttackClass}). */
    static final List<Case> ALL = cases().stream().sorted(Comparator.comparing(Case::attack)).toList();

    static List<Case> inGuest() {
        return ALL.stream().filter(Case::inGuest).toList();
    }

    /** The case groups, one per kind of input; a new case goes into the group of the input it crafts. */
    private static List<Case> cases() {
        return Stream.of(SignerCases.cases(), PayloadCases.cases(), DeltaCases.cases(), VersionCases.cases(),
                CborCases.cases(), SchemaCases.cases(), TarCases.cases(), SystemSetCases.cases(),
                AdmissionCases.cases()).flatMap(List::stream).toList();
    }

    /** A case the host runs only, refused before anything is written. */
    static Case host(String id, AttackClass a, EntryPoint e, Code code, String what, Maker m) {
        return new Case(id, a, e, code, false, false, what, m);
    }

    /** An install refused before anything is written, on the host and in the guest. */
    static Case guest(String id, AttackClass a, Code code, String what, Maker m) {
        return new Case(id, a, EntryPoint.INSTALL, code, false, true, what, m);
    }

    /** An install refused while its artifact streams into the inactive slot. */
    static Case applied(String id, AttackClass a, Code code, boolean inGuest, String what, Maker m) {
        return new Case(id, a, EntryPoint.INSTALL, code, true, inGuest, what, m);
    }
}
