package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MediaInputsTest {
    private final MediaInputs media = new MediaInputs(Path.of("/media"));

    @Test
    void pkgPathsResolveUnderTheMediasUpdatesDirectory() {
        assertEquals(Path.of("/media/updates/releases/1.1.0/manifest.nxm"),
                media.resolve("pkg://updates/releases/1.1.0/manifest.nxm"));
        assertEquals(Path.of("/srv/manifest.nxm"), media.resolve("/srv/manifest.nxm"));
    }

    /** GuestPaths.updates() is where the guest resolves pkg paths: the ITs type it. */
    @Test
    void theGuestsUpdatesDirectoryIsWherePkgPathsResolve() {
        GuestPaths guest = GuestPaths.guest();
        assertEquals(guest.updates().resolve("releases/1.1.0/slot.img"),
                new MediaInputs(guest.media()).resolve("pkg://updates/releases/1.1.0/slot.img"));
        assertEquals(guest.media(), guest.updates().getParent());
        assertEquals("pkg://updates/releases/1.1.0/slot.img", MediaInputs.pkg("releases/1.1.0/slot.img"));
        assertEquals(guest.updates().resolve("feeds/x.nxf"), new MediaInputs(guest.media()).resolve(MediaInputs.pkg("feeds/x.nxf")));
    }

    @Test
    void pathsThatLeaveTheMediaOrAreNotPkgPathsAreMalformed() {
        for (String bad : new String[] {"pkg://updates/../x.nxm", "pkg://other/x.nxm", "pkg://updates//x", "x.nxm",
                "/media/../etc/passwd", "pkg://updates/a b"}) {
            TrialbootException e = assertThrows(TrialbootException.class, () -> media.resolve(bad), bad);
            assertEquals(Code.MALFORMED_INPUT, e.code(), bad);
        }
    }

    @Test
    void aMissingArtifactFailsOnItsFirstReadNotWhenOpened() throws IOException {
        try (InputStream in = MediaInputs.lazy(Path.of("/nonexistent/slot.img"))) {
            IOException e = assertThrows(IOException.class, in::read);
            assertTrue(e.getMessage().contains("/nonexistent/slot.img"), e.getMessage());
        }
    }

    @Test
    void quarantineKeepsABoundedPrefixAndNothingForAMissingFile() {
        assertEquals(Optional.empty(), MediaInputs.prefix(Path.of("/nonexistent/x"), 10), "a missing file has nothing to keep");
    }
}
