package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebianPackagesTest {
    private static final String LISTS_PREFIX = "mirror.example.org_debian_dists_";

    @TempDir
    Path lists;

    @Test
    void aptLinesReachTheBuildLogWithoutTheMirror() {
        assertEquals("Get:5 <mirror> trixie/main riscv64 zlib1g riscv64 1:1.3 [85.7 kB]",
                DebianPackages.withoutMirror("Get:5 http://mirror.example.org/debian trixie/main riscv64 zlib1g riscv64 1:1.3 [85.7 kB]"));
        assertEquals("Hit:1 <mirror> trixie InRelease", DebianPackages.withoutMirror("Hit:1 https://user@10.0.0.1:8080/deb trixie InRelease"));
        assertEquals("Fetched 158 MB in 2s (68.0 MB/s)", DebianPackages.withoutMirror("Fetched 158 MB in 2s (68.0 MB/s)"));
    }

    @Test
    void theCodenameIsReadFromTheClearsignedRelease() throws IOException {
        writeIndex("stable", "trixie");
        assertEquals(Optional.of("trixie"), DebianPackages.releaseField(lists, "stable", "Codename"));
        assertEquals(Optional.of("13.7"), DebianPackages.releaseField(lists, "stable", "Version"));
        assertEquals(Optional.empty(), DebianPackages.releaseField(lists, "trixie", "Codename"));
    }

    @Test
    void anIndexUnderTheCodenameIsPreferred() throws IOException {
        writeIndex("stable", "trixie");
        writeIndex("trixie", "trixie");
        assertEquals(Optional.of("trixie"), DebianPackages.indexedSuite(lists));
    }

    @Test
    void anIndexUnderTheAliasCountsWhileItsReleaseNamesTheCodename() throws IOException {
        writeIndex("stable", "trixie");
        assertEquals(Optional.of("stable"), DebianPackages.indexedSuite(lists));
    }

    @Test
    void anAliasThatHasMovedOnToTheNextReleaseIsNoIndex() throws IOException {
        writeIndex("stable", "forky");
        assertEquals(Optional.empty(), DebianPackages.indexedSuite(lists));
    }

    @Test
    void aReleaseWithoutItsPackagesIsNoIndex() throws IOException {
        Files.writeString(lists.resolve(LISTS_PREFIX + "trixie_InRelease"), release("trixie"));
        assertEquals(Optional.empty(), DebianPackages.indexedSuite(lists));
    }

    private void writeIndex(String suite, String codename) throws IOException {
        Files.writeString(lists.resolve(LISTS_PREFIX + suite + "_InRelease"), release(codename));
        Files.writeString(lists.resolve(LISTS_PREFIX + suite + "_main_binary-riscv64_Packages.lz4"), "");
    }

    /** An InRelease as apt keeps it: clearsigned, the fields after the armour header's blank line. */
    private static String release(String codename) {
        return String.join("\n", "-----BEGIN PGP SIGNED MESSAGE-----", "Hash: SHA256", "", "Origin: Debian",
                "Suite: stable", "Version: 13.7", "Codename: " + codename, "Date: Sat, 12 Sep 2026 07:55:41 UTC",
                "SHA256:", " 0123 9385284 main/binary-riscv64/Packages.xz", "-----BEGIN PGP SIGNATURE-----", "", "x",
                "-----END PGP SIGNATURE-----", "");
    }
}
