package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.format.tar.ArchivePath;
import io.trialboot.records.RequestedInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The update media as inputs: {@code pkg://updates/<path>} resolved under the media's mount point,
 * bounded prefixes of rejected inputs for {@code quarantine/}, and an artifact stream that opens on
 * first read (so a missing or vanished file is an I/O error inside the engine's apply, recorded
 * there as {@code apply-failed}). Public for the media's one layout: its {@code updates/}
 * ({@link #updates(Path)}, where the image build writes) and the input naming a file in it
 * ({@link #pkg}, what the ITs type at {@code nx}).
 */
public final class MediaInputs {
    static final String SCHEME = "pkg://";
    /** The media's directory that {@code pkg://updates/} names. */
    private static final String DIR = "updates";
    static final String UPDATES = DIR + "/";

    private final Path media;

    MediaInputs(Path media) {
        this.media = media;
    }

    /** The media's {@code updates/} directory (artifact and feed-entry paths are relative to it). */
    Path updates() {
        return updates(media);
    }

    /** The {@code updates/} directory of the media mounted at {@code media}. */
    public static Path updates(Path media) {
        return media.resolve(DIR);
    }

    /** The input that names {@code path}, relative to the media's {@code updates/}: {@code pkg://updates/<path>}. */
    public static String pkg(String path) {
        return SCHEME + UPDATES + path;
    }

    /**
     * {@code pkg://updates/<path>} (portable path components, no {@code ..}) or an absolute file
     * path; anything else is {@link Code#MALFORMED_INPUT}, and so is a name that is not printable
     * ASCII within {@link RequestedInput#NAME_CHARS} ({@link RequestedInput#require}): no message
     * quotes a name as it came.
     */
    Path resolve(String input) {
        RequestedInput.require(input);
        if (input.startsWith(SCHEME)) {
            String rest = input.substring(SCHEME.length());
            if (!rest.startsWith(UPDATES)) {
                throw new TrialbootException(Code.MALFORMED_INPUT, "'" + input + "' is not under " + SCHEME + UPDATES);
            }
            try {
                return updates().resolve(ArchivePath.check(rest.substring(UPDATES.length())));
            } catch (TrialbootException e) {
                throw new TrialbootException(Code.MALFORMED_INPUT, "'" + input + "' is not a media path: " + e.getMessage());
            }
        }
        if (input.startsWith("/") && !input.contains("/../") && !input.endsWith("/..")) {
            return Path.of(input);
        }
        throw new TrialbootException(Code.MALFORMED_INPUT, "'" + input + "' is neither " + SCHEME + UPDATES
                + "<path> nor an absolute path of a manifest");
    }

    /**
     * At most {@code limit} bytes from the start of {@code file}: what a rejected input keeps in
     * quarantine; empty when there is no file to read (a missing file is not kept as empty bytes).
     */
    static Optional<byte[]> prefix(Path file, int limit) {
        try (InputStream in = Files.newInputStream(file)) {
            return Optional.of(in.readNBytes(limit));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Opens {@code file} on the first read; failures surface as {@link IOException}s of that read. */
    static InputStream lazy(Path file) {
        return new InputStream() {
            private InputStream in;

            private InputStream in() throws IOException {
                if (in == null) {
                    in = Files.newInputStream(file);
                }
                return in;
            }

            @Override
            public int read() throws IOException {
                return in().read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return in().read(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (in != null) {
                    in.close();
                }
            }
        };
    }
}
