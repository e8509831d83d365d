package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DebianPackagesTest {
    @Test
    void aptLinesReachTheBuildLogWithoutTheMirror() {
        assertEquals("Get:5 <mirror> trixie/main riscv64 zlib1g riscv64 1:1.3 [85.7 kB]",
                DebianPackages.withoutMirror("Get:5 http://mirror.example.org/debian trixie/main riscv64 zlib1g riscv64 1:1.3 [85.7 kB]"));
        assertEquals("Hit:1 <mirror> trixie InRelease", DebianPackages.withoutMirror("Hit:1 https://user@10.0.0.1:8080/deb trixie InRelease"));
        assertEquals("Fetched 158 MB in 2s (68.0 MB/s)", DebianPackages.withoutMirror("Fetched 158 MB in 2s (68.0 MB/s)"));
    }
}
