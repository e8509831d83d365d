package io.trialboot.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DebianMirrorTest {
    @Test
    void takesTheFirstNonSecurityDeb822Stanza() {
        String sources = """
                Types: deb
                URIs: http://mirror.example/debian-security
                Suites: bookworm-security
                Components: main

                Types: deb
                URIs: http://mirror.example/debian
                Suites: bookworm bookworm-updates
                Components: main
                """;
        assertEquals(Optional.of("http://mirror.example/debian"), DebianMirror.fromDeb822(sources));
    }

    @Test
    void skipsDisabledStanzas() {
        String sources = "Types: deb\nURIs: http://a.example/debian\nSuites: bookworm\nEnabled: no\n\n"
                + "Types: deb\nURIs: http://b.example/debian\nSuites: bookworm\n";
        assertEquals(Optional.of("http://b.example/debian"), DebianMirror.fromDeb822(sources));
    }

    @Test
    void readsTheOneLineFormWithOptions() {
        String list = "# comment\ndeb [signed-by=/usr/share/keyrings/x.gpg] http://c.example/debian bookworm main\n";
        assertEquals(Optional.of("http://c.example/debian"), DebianMirror.fromOneLine(list));
    }

    @Test
    void findsNothingInACommentedOutList() {
        assertEquals(Optional.empty(), DebianMirror.fromOneLine("# deb http://d.example/debian bookworm main\n"));
    }
}
