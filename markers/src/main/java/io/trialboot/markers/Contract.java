package io.trialboot.markers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An ordered list of expected console lines, each in a given boot within a timeout, plus lines
 * that must never appear. The file format is described in docs/markers.md and parsed by
 * {@link #parse}; contracts shipped with trialboot are classpath resources {@code contracts/*.contract}.
 *
 * @throws ContractException (from the constructor) {@code CONTRACT_INVALID} when there are no
 *     steps or boots go backwards, {@code CONTRACT_BAD_REFERENCE} when a capture name repeats or a
 *     reference does not name an earlier capture of a fitting type
 */
public record Contract(String name, List<Step> steps, List<Forbidden> forbidden) {
    /** File name suffix of contract files. */
    public static final String SUFFIX = ".contract";
    /** The largest contract file {@link #load} reads (the built-in ones are under 4 KiB). */
    public static final int MAX_FILE_BYTES = 1 << 20;

    public Contract {
        Objects.requireNonNull(name, "name");
        steps = List.copyOf(steps);
        forbidden = List.copyOf(forbidden);
        if (name.isBlank()) {
            throw new IllegalArgumentException("contract name must not be blank");
        }
        validate(name, steps);
    }

    private static void validate(String name, List<Step> steps) {
        if (steps.isEmpty()) {
            throw new ContractException(ContractException.Code.CONTRACT_INVALID, 0,
                    "contract '" + name + "' has no steps (write at least one 'expect' line after a 'boot' line)");
        }
        Map<String, String> captureTypes = new HashMap<>();
        int boot = 0;
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            String at = "contract '" + name + "' line " + s.sourceLine() + " (step " + s.number() + ")";
            if (s.number() != i + 1) {
                throw new ContractException(ContractException.Code.CONTRACT_INVALID, s.sourceLine(),
                        at + ": steps must be numbered 1, 2, ... in order");
            }
            if (s.boot() < boot) {
                throw new ContractException(ContractException.Code.CONTRACT_INVALID, s.sourceLine(),
                        at + ": boot " + s.boot() + " comes after boot " + boot + "; boots only go forward");
            }
            boot = s.boot();
            for (Map.Entry<String, Long> ref : s.pattern().references().entrySet()) {
                String type = captureTypes.get(ref.getKey());
                if (type == null) {
                    throw new ContractException(ContractException.Code.CONTRACT_BAD_REFERENCE, s.sourceLine(),
                            at + ": '" + ref.getKey() + "' is not captured by an earlier step");
                }
                if (ref.getValue() != 0 && !type.equals("int")) {
                    throw new ContractException(ContractException.Code.CONTRACT_BAD_REFERENCE, s.sourceLine(),
                            at + ": arithmetic on '" + ref.getKey() + "', which is a <" + type + ">, not an <int>");
                }
            }
            for (Map.Entry<String, String> cap : s.pattern().captureTypes().entrySet()) {
                if (captureTypes.putIfAbsent(cap.getKey(), cap.getValue()) != null
                        || s.pattern().references().containsKey(cap.getKey())) {
                    throw new ContractException(ContractException.Code.CONTRACT_BAD_REFERENCE, s.sourceLine(),
                            at + ": '" + cap.getKey() + "' is captured twice; capture names are unique in a contract");
                }
            }
        }
    }

    /**
     * Parses contract text.
     *
     * @throws ContractException with the 1-based line number of the first error
     */
    public static Contract parse(String name, String text) {
        return new ContractParser(name).parse(text);
    }

    /**
     * Reads a contract file; its name is the file name without {@value #SUFFIX}.
     *
     * @throws ContractException {@code CONTRACT_NOT_FOUND} when the file cannot be read,
     *     {@code CONTRACT_INVALID} when it is larger than {@value #MAX_FILE_BYTES} bytes, else as {@link #parse}
     */
    public static Contract load(Path file) {
        String fileName = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String name = fileName.endsWith(SUFFIX) ? fileName.substring(0, fileName.length() - SUFFIX.length()) : fileName;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ContractException(ContractException.Code.CONTRACT_INVALID, 0, "contract file " + file + " is "
                        + size + " bytes; a contract is at most " + MAX_FILE_BYTES + " bytes");
            }
            return parse(name, Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new ContractException(ContractException.Code.CONTRACT_NOT_FOUND, "no such contract file: " + file, e);
        } catch (IOException e) {
            throw new ContractException(ContractException.Code.CONTRACT_NOT_FOUND,
                    "cannot read contract file " + file + ": " + e, e);
        }
    }

    /**
     * A contract shipped with trialboot: classpath resource {@code contracts/<name>.contract}.
     *
     * @throws ContractException {@code CONTRACT_NOT_FOUND} when there is none by that name
     */
    public static Contract builtIn(String name) {
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new ContractException(ContractException.Code.CONTRACT_NOT_FOUND, 0,
                    "'" + name + "' is not a built-in contract name ([a-z0-9-]+)");
        }
        String resource = "contracts/" + name + SUFFIX;
        try (InputStream in = Contract.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ContractException(ContractException.Code.CONTRACT_NOT_FOUND, 0,
                        "no built-in contract '" + name + "' (classpath resource " + resource + ")");
            }
            return parse(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ContractException(ContractException.Code.CONTRACT_NOT_FOUND,
                    "cannot read classpath resource " + resource + ": " + e, e);
        }
    }

    /** The highest boot index any step belongs to. */
    public int lastBoot() {
        return steps.get(steps.size() - 1).boot();
    }
}
