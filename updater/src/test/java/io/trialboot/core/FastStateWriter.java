package io.trialboot.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The tests' state writer: atomic replace without fsync, the same all-or-nothing result within one
 * process without the cost of fsync on a shared disk; the history's append steps likewise unsynced. The durable path itself is
 * {@link StateWriter#DURABLE} ({@link DurableFiles}), tested with the engine.
 */
public final class FastStateWriter implements StateWriter {
    public static final StateWriter INSTANCE = new FastStateWriter();

    private FastStateWriter() {}

    @Override
    public void write(Path file, byte[] content) {
        try {
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.write(tmp, content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void append(Path file, long at, byte[] bytes) {
        DurableFiles.append(file, at, bytes, false);
    }

    @Override
    public void overwrite(Path file, byte[] content) {
        DurableFiles.overwrite(file, content, false);
    }

    @Override
    public void truncate(Path file, long length, boolean durable) {
        DurableFiles.truncate(file, length, false);
    }

    @Override
    public void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
