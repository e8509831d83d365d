package io.trialboot.hoststate;

import io.trialboot.core.Code;
import io.trialboot.core.DurableFiles;
import io.trialboot.core.IoFailure;
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
        return latest(domain.admission());
    }

    /**
     * The directory of the admission applied last in a domain's {@code admission} directory: its
     * subdirectory of exactly six digits that sorts last; empty when there is none (the factory's
     * record is in force). The guest asks before the state tree opens (its trust's thread).
     */
    public static Optional<Path> latest(Path admission) {
        // A loop, not a stream or a regex: every boot asks, and their lambdas link at run time under emulation.
        Path newest = null;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(admission)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (isSequence(name) && Files.isDirectory(p)
                        && (newest == null || name.compareTo(newest.getFileName().toString()) > 0)) {
                    newest = p;
                }
            }
            return Optional.ofNullable(newest);
        } catch (IOException e) {
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot list " + admission + ": " + IoFailure.reason(e), e);
        }
    }

    /** Exactly six ASCII digits: an applied admission's directory. */
    static boolean isSequence(String name) {
        if (name.length() != 6) {
            return false;
        }
        for (int i = 0; i < 6; i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
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
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot move " + staging + " into place: " + IoFailure.reason(e), e);
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
            throw new TrialbootException(Code.HOST_IO_ERROR, "cannot clear " + staging + ": " + IoFailure.reason(e), e);
        }
    }
}
