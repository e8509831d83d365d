package io.trialboot.hoststate;

import io.trialboot.bootctl.BootControlFile;
import io.trialboot.core.Bounds;
import io.trialboot.core.Code;
import io.trialboot.core.DurableFiles;
import io.trialboot.core.Sha256;
import io.trialboot.core.StateFiles;
import io.trialboot.core.StateWriter;
import io.trialboot.core.TrialbootException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The host state tree {@code /asl-host} on the {@code state} partition (ENC-ASL-HOST/1, SPEC §5;
 * see {@code docs/state-tree.md}).
 *
 * <p>The image builder calls {@link #create(Path, String)} on an empty directory that becomes the
 * ext4 partition's contents; the guest calls {@link #open(Path)} on the mounted partition.
 */
public final class HostStateTree {
    public static final String ROOT = "asl-host";
    /** The host policy ({@link HostPolicy}), under {@link #ROOT}. */
    public static final String HOST_POLICY = "host/host-policy";
    /** The updater's one domain: the device's system. */
    public static final String SYSTEM_DOMAIN = "system";
    private static final List<String> LAYOUT = List.of("host", "host/trusted-roots", "host/status", "domains",
            "federation", "federation/peers", "federation/exports", "federation/imports", "quarantine");

    private final Path root;
    private final String hostId;
    private final StateWriter writer;

    private HostStateTree(Path root, String hostId, StateWriter writer) {
        this.root = root;
        this.hostId = hostId;
        this.writer = writer;
    }

    /**
     * Lays down a fresh tree under {@code stateRoot/asl-host}: layout version, host id, default host policy, empty
     * trusted roots, the {@code system} domain (state UNRECOGNIZED until an admission is recorded)
     * with its {@code domain.json}, and the factory boot-control file. Writes no times, so the same
     * arguments always give the same files. {@code HOST_EXISTS} when a tree is already there.
     */
    public static HostStateTree create(Path stateRoot, String hostId) {
        checkHostId(hostId);
        Path root = stateRoot.resolve(ROOT);
        if (Files.exists(root)) {
            throw new TrialbootException(Code.HOST_EXISTS, "a host state tree already exists: " + root);
        }
        for (String d : LAYOUT) {
            StateFiles.mkdirs(root.resolve(d));
        }
        DurableFiles.write(root.resolve(LayoutVersion.FILE), LayoutVersion.CURRENT.encode());
        DurableFiles.write(root.resolve("host/host-id"), (hostId + "\n").getBytes(StandardCharsets.US_ASCII));
        DurableFiles.write(root.resolve(HOST_POLICY), HostPolicy.defaults().encode());
        Path domainDir = root.resolve("domains").resolve(SYSTEM_DOMAIN);
        for (String d : Domain.LAYOUT) {
            StateFiles.mkdirs(domainDir.resolve(d));
        }
        Domain system = new Domain(SYSTEM_DOMAIN, domainDir, StateWriter.DURABLE,
                () -> HostPolicy.defaults().courtesyGrant());
        system.write(DomainDescriptor.fresh(SYSTEM_DOMAIN, null));
        Path bootControl = stateRoot.resolve(BootControlFile.PATH);
        if (!bootControl.equals(system.bootControl())) {
            throw new IllegalStateException("BootControlFile.PATH does not match the layout: " + bootControl);
        }
        DurableFiles.write(bootControl, BootControlFile.factory().encode());
        DurableFiles.write(system.historyLog(), new byte[0]);
        return new HostStateTree(root, hostId, StateWriter.DURABLE);
    }

    /**
     * Opens an existing tree; {@code HOST_LAYOUT_UNSUPPORTED} for a layout of another major version,
     * {@code HOST_NOT_FOUND} naming what is missing when it is incomplete.
     */
    public static HostStateTree open(Path stateRoot) {
        return open(stateRoot, StateWriter.DURABLE);
    }

    /** {@link #open(Path)} with every later state write going through {@code writer}. */
    public static HostStateTree open(Path stateRoot, StateWriter writer) {
        Path root = stateRoot.resolve(ROOT);
        if (!Files.isDirectory(root)) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "no host state tree at " + root);
        }
        LayoutVersion.check(root);
        String id = new String(StateFiles.read(root.resolve("host/host-id"), Bounds.HOST_ID_CHARS + 1, "host-id"),
                StandardCharsets.US_ASCII);
        if (!id.endsWith("\n")) {
            throw new TrialbootException(Code.MALFORMED_INPUT, "host-id must end with a newline");
        }
        id = id.substring(0, id.length() - 1);
        checkHostId(id);
        HostStateTree tree = new HostStateTree(root, id, writer);
        List<String> missing = tree.missing();
        if (!missing.isEmpty()) {
            throw new TrialbootException(Code.HOST_NOT_FOUND, "host state tree " + root + " is missing " + missing);
        }
        return tree;
    }

    private static void checkHostId(String hostId) {
        Objects.requireNonNull(hostId, "hostId");
        if (!hostId.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || hostId.length() > Bounds.HOST_ID_CHARS) {
            throw new TrialbootException(Code.MALFORMED_INPUT,
                    "host id must be 1.." + Bounds.HOST_ID_CHARS + " of [A-Za-z0-9._-], not '" + hostId + "'");
        }
    }

    public StateWriter writer() {
        return writer;
    }

    public Path root() {
        return root;
    }

    public String hostId() {
        return hostId;
    }

    public HostPolicy policy() {
        return HostPolicy.decode(StateFiles.read(root.resolve(HOST_POLICY), Bounds.RECORD_BYTES, "host-policy"));
    }

    public void writePolicy(HostPolicy policy) {
        writer.write(root.resolve(HOST_POLICY), policy.encode());
    }

    /** Pinned root keys (offline trust anchors), filled by the image builder. */
    public Path trustedRoots() {
        return root.resolve("host/trusted-roots");
    }

    /** Where {@code host_status_<n>.json} files go. */
    public Path statusDir() {
        return root.resolve("host/status");
    }

    public Path quarantine() {
        return root.resolve("quarantine");
    }

    public Domain system() {
        return new Domain(SYSTEM_DOMAIN, root.resolve("domains").resolve(SYSTEM_DOMAIN), writer,
                () -> policy().courtesyGrant());
    }

    /**
     * Copies a rejected input into {@code quarantine/} as {@code <sha256>-<name>} for inspection
     * (always allowed: it is what inspection is for). Returns the file written.
     */
    public Path quarantine(String name, byte[] content) {
        Bounds.check("quarantined input", content.length, Bounds.QUARANTINE_INPUT_BYTES);
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() > 64) {
            safe = safe.substring(safe.length() - 64);
        }
        Path f = quarantine().resolve(Sha256.of(content).hex() + "-" + safe);
        writer.write(f, content);
        return f;
    }

    /** Layout entries that are missing, host level and system domain (empty when consistent). */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        for (String d : LAYOUT) {
            if (!Files.isDirectory(root.resolve(d))) {
                missing.add(d + "/");
            }
        }
        for (String f : List.of(LayoutVersion.FILE, "host/host-id", HOST_POLICY)) {
            if (!Files.isRegularFile(root.resolve(f))) {
                missing.add(f);
            }
        }
        Domain system = system();
        if (!Files.isDirectory(system.dir())) {
            missing.add("domains/" + SYSTEM_DOMAIN + "/");
        } else {
            for (String m : system.missing()) {
                missing.add("domains/" + SYSTEM_DOMAIN + "/" + m);
            }
        }
        return missing;
    }
}
