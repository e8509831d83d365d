package io.trialboot.tools;

import io.trialboot.core.Code;
import io.trialboot.core.IoFailure;
import io.trialboot.core.TrialbootException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The tools' input files: a file that is not there is {@link Code#HOST_NOT_FOUND} naming the path
 * (and, on the command line, the option), whatever reads it; any other failed read or write is
 * {@link Code#HOST_IO_ERROR} with the system's reason, never a Java exception's class name (the rule's
 * one home is core's {@link IoFailure}, which the device's reads share).
 */
final class HostFiles {
    private HostFiles() {}

    /** An option or parameter naming an input file that must exist and be a regular file. */
    static final class InputFile implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path p = Path.of(value);
            if (Files.isDirectory(p)) {
                throw new TrialbootException(Code.HOST_NOT_FOUND, "not a file: " + p + " is a directory");
            }
            if (!Files.exists(p)) {
                throw new TrialbootException(Code.HOST_NOT_FOUND, "no such file: " + p);
            }
            return p;
        }
    }

    /** An option naming an input directory that must exist. */
    static final class InputDir implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            Path p = Path.of(value);
            if (!Files.isDirectory(p)) {
                throw new TrialbootException(Code.HOST_NOT_FOUND, Files.exists(p)
                        ? "not a directory: " + p : "no such directory: " + p);
            }
            return p;
        }
    }
}
