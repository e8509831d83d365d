package io.trialboot.image;

import static io.trialboot.image.HostileCorpus.AttackClass.ARBITRARY_SOFTWARE;
import static io.trialboot.image.HostileCorpus.AttackClass.FAST_FORWARD;
import static io.trialboot.image.HostileCorpus.AttackClass.MIX_AND_MATCH;
import static io.trialboot.image.HostileCorpus.EntryPoint.SYSTEM_SET;
import static io.trialboot.image.HostileCorpus.host;
import static io.trialboot.image.HostileFiles.with;
import static io.trialboot.image.HostileReleases.factory;

import io.trialboot.core.Code;
import io.trialboot.format.SystemSet;
import io.trialboot.image.HostileCorpus.AttackClass;
import io.trialboot.image.HostileCorpus.Case;
import io.trialboot.tools.Packaging;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Hostile cases on a slot's system set: unsigned, unindexed, missing or swapped bundles, a revoked or tampered index. */
final class SystemSetCases {
    private SystemSetCases() {}

    static List<Case> cases() {
        List<Case> all = new ArrayList<>();
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
        all.add(host("set-bundle-swapped", MIX_AND_MATCH, SYSTEM_SET, Code.DIGEST_MISMATCH,
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
        return all;
    }

    /** The factory system set with its entries edited; {@code set-index-revoked} re-signs the index with the revoked key. */
    private static Case set(String id, AttackClass a, Code code, String what, UnaryOperator<Map<String, byte[]>> e) {
        return host(id, a, SYSTEM_SET, code, what, c -> {
            Map<String, byte[]> entries = HostileFiles.factorySystemSet(c.in());
            if (id.equals("set-index-revoked")) {
                entries.put(SystemSet.SIGNATURE_ENTRY, Packaging.sign(entries.get(SystemSet.INDEX_ENTRY),
                        List.of(c.in().keys().revoked())));
            }
            c.systemSet(HostileFiles.tar(e.apply(entries)));
        });
    }
}
