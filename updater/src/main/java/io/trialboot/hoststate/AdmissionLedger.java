package io.trialboot.hoststate;

import io.trialboot.core.Code;
import io.trialboot.core.DurableFiles;
import io.trialboot.core.StateFiles;
import io.trialboot.core.TrialbootException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The applied admissions of a domain, kept immutably (seed 003 §6: admission records are immutable
 * and retained). The factory's signed admission record lies in {@code admission/} itself
 * ({@code dam.cbor}, {@code dam.sig}); every admission applied later gets a directory
 * {@code admission/<sequence, 6 digits>/} holding the seed's five files under the seed's names,
 * written once: assembled in {@code tmp/} and renamed into place, so a power cut leaves all of it
 * or none. The current admission is the highest sequence; none means the factory's (sequence 0).
 */
public final class AdmissionLedger {
    private AdmissionLedger() {}

    /** The sequence number of the admission applied last; 0 when only the factory's exists. */
    public static long current(Domain domain) {
        Optional<Path> latest = latest(domain);
        return latest.isPresent() ? Long.parseLong(latest.get().getFileName().toString()) : 0L;
    }

    /** The directory of the admission applied last, if any was applied after the factory's. */
    public static Optional<Path> latest(Domain domain) {
        // A loop, not a stream: every boot asks, and a stream's lambdas link at run time under emulation.
        Path newest = null;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(domain.admission())) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (name.matches("[0-9]{6}") && Files.isDirectory(p)
                        && (newest == null || name.compareTo(newest.getFileName().toString()) > 0)) {
                    newest = p;
                }
            }
            return Optional.ofNullable(newest);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot list " + domain.admission() + ": " + e, e);
        }
    }

    /**
     * Records an applied admission as {@code admission/<sequence>/} with {@code files} (name to
     * bytes). {@code HOST_EXISTS} when that sequence is already recorded.
     */
    public static Path record(Domain domain, long sequence, Map<String, byte[]> files) {
        if (sequence < 1 || sequence > 999_999) {
            throw new IllegalArgumentException("sequence must be 1..999999: " + sequence);
        }
        String name = String.format("%06d", sequence);
        Path target = domain.admission().resolve(name);
        if (Files.exists(target)) {
            throw new TrialbootException(Code.HOST_EXISTS, "admission " + name + " is already recorded: records are immutable");
        }
        Path staging = domain.tmp().resolve("admission-" + name);
        clear(staging);
        StateFiles.mkdirs(staging);
        files.forEach((file, bytes) -> domain.writer().write(staging.resolve(file), bytes));
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot move " + staging + " into place: " + e, e);
        }
        DurableFiles.fsyncDirectory(domain.admission());
        return target;
    }

    /** Removes what a power cut left of an earlier attempt (a flat directory of files). */
    private static void clear(Path staging) {
        if (!Files.isDirectory(staging)) {
            return;
        }
        try (Stream<Path> s = Files.list(staging)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.delete(p);
            }
            Files.delete(staging);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot clear " + staging + ": " + e, e);
        }
    }
}
