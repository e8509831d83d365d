package io.trialboot.it;

import io.trialboot.core.Version;
import io.trialboot.guest.GuestPaths;
import io.trialboot.guest.MediaInputs;
import io.trialboot.guest.StatusReply;
import io.trialboot.hoststate.HostPolicy;
import io.trialboot.hoststate.HostStateTree;
import io.trialboot.image.ReleaseMedia;
import io.trialboot.markers.LinePattern;
import io.trialboot.markers.Marker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code nx} commands a power-cut campaign runs at the guest's console, uncut, and what it reads
 * from their answers: the status, the history and its events, whether an apply or a rollback
 * succeeded, whether a selfcheck was OK.
 */
final class Nx {
    static final Version HEALTHY = Version.parse("1.1.0");
    /** v1.1.0: healthy, a full image. */
    static final String FULL = MediaInputs.pkg(ReleaseMedia.manifestPath(HEALTHY));
    /** v1.2.0: a delta from v1.1.0 whose service never becomes ready (its trial fails health). */
    static final String DELTA = MediaInputs.pkg(ReleaseMedia.manifestPath(Version.parse("1.2.0")));
    static final String APPLY_FULL = "nx update apply " + FULL;
    static final String REBOOT = "nx reboot";
    static final String SELFCHECK = "nx selfcheck";
    /** Re-hashes every bootable slot. */
    static final String DEEP = "nx selfcheck --deep";
    /**
     * healthd's bound on every trial boot of the campaign, in the device's host policy: a pending v1.2.0
     * trial (the rollback phase) fails health only when it passes, then the device boots the slot before
     * it. The policy's default (120 s, a built disk's) would hold the console back 90 s more there.
     */
    static final Duration HEALTH_BOUND = Duration.ofSeconds(30);
    static final Duration COMMAND = Duration.ofSeconds(120);
    static final Duration APPLY = Duration.ofSeconds(600);
    /** An {@code nx history} line: its sequence number, event and fields. */
    private static final LinePattern ENTRY = LinePattern.of(Marker.HISTORY_ENTRY, ":seq", ":event", ":fields");
    private static final Pattern RELEASE = Pattern.compile("release=rel-([0-9.]+)@");
    private static final Pattern STATUS_OK = Pattern.compile("host_status_[0-9]+\\.json: OK");

    private final GuestConsole console;

    Nx(GuestConsole console) {
        this.console = console;
    }

    StatusReply status() {
        return StatusReply.parse(console.run("nx status", COMMAND));
    }

    List<String> history() {
        return console.run("nx history", COMMAND).stream().filter(matches(Marker.HISTORY_ENTRY)).toList();
    }

    /** Runs {@code command} ({@link #SELFCHECK} or {@link #DEEP}) and requires it OK. */
    void selfcheck(String command, String what) {
        requireOk(console.run(command, APPLY), what);
    }

    /**
     * Writes {@link #HEALTH_BOUND} into the host policy on {@code /state} (its other limits as a built
     * disk has them), as an operator would: the new file synced, then renamed over the old one and
     * synced. healthd reads it at every trial boot (docs/state-tree.md, "host-policy").
     */
    void boundHealth() {
        HostPolicy d = HostPolicy.defaults();
        String policy = new String(new HostPolicy(d.trialTries(), HEALTH_BOUND.toMillis(), d.allowSignedDowngrade(),
                d.courtesyStorageCapBytes(), d.courtesySnapshotLimit()).encode(), StandardCharsets.UTF_8).strip();
        Path file = GuestPaths.guest().state().resolve(HostStateTree.ROOT).resolve(HostStateTree.HOST_POLICY);
        console.shell("echo '" + policy + "' > " + file + ".new && sync && mv " + file + ".new " + file + " && sync",
                "healthd's bound written into " + file, COMMAND);
    }

    /** Runs {@code nx update apply} (the latest host status must be OK); null when it applied and switched, else why not. */
    String install(String manifest) {
        List<String> out = console.run("nx update apply " + manifest, APPLY);
        return out.stream().anyMatch(matches(Marker.UPDATE_AWAIT_CONFIRM)) ? null
                : "nx update apply " + manifest + " did not end in '" + Marker.UPDATE_AWAIT_CONFIRM.line() + "': "
                        + out.subList(Math.max(0, out.size() - 6), out.size());
    }

    /** Runs {@code nx selfcheck}, then {@code nx update apply}; null when it applied and switched, else why not. */
    String applyFails(String manifest) {
        selfcheck(SELFCHECK, "selfcheck before an apply");
        return install(manifest);
    }

    /** Runs {@code nx rollback}; null when it rolled back, else why not. */
    String rollbackFails() {
        List<String> out = console.run("nx rollback", COMMAND);
        return out.stream().anyMatch(matches(Marker.UPDATE_ROLLED_BACK)) ? null : "nx rollback: " + out;
    }

    /** Requires v1.1.0 running with no trial pending. */
    void requireConfirmed() {
        StatusReply st = status();
        if (!st.version().equals(HEALTHY) || st.trial().isPresent()) {
            throw new AssertionError("v" + HEALTHY + " was not confirmed: " + st);
        }
    }

    /** The version the last {@code switch} in the history installed, if any. */
    Optional<String> trialVersion() {
        List<String> h = history();
        for (int i = h.size() - 1; i >= 0; i--) {
            Optional<Map<String, String>> e = ENTRY.match(h.get(i), Map.of());
            if (e.isPresent() && e.get().get("event").equals("switch")) {
                Matcher r = RELEASE.matcher(e.get().get("fields"));
                return r.find() ? Optional.of(r.group(1)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The first of {@code history}'s lines that is not numbered 1, 2, 3, … from the first, if any, said so. */
    static Optional<String> misnumbered(List<String> history) {
        for (int i = 0; i < history.size(); i++) {
            Optional<Map<String, String>> e = ENTRY.match(history.get(i), Map.of());
            if (e.isEmpty() || Long.parseLong(e.get().get("seq")) != i + 1) {
                return Optional.of("history line " + (i + 1) + " is '" + history.get(i) + "'");
            }
        }
        return Optional.empty();
    }

    /** The events ({@code apply}, {@code switch}, …) of {@code history} lines, in order. */
    static List<String> events(List<String> history) {
        List<String> events = new ArrayList<>();
        for (String l : history) {
            ENTRY.match(l, Map.of()).ifPresent(e -> events.add(e.get("event")));
        }
        return events;
    }

    /** The events recorded in {@code after} beyond the {@code before} lines it starts with. */
    static List<String> added(List<String> before, List<String> after) {
        return events(after.subList(Math.min(before.size(), after.size()), after.size()));
    }

    static void requireOk(List<String> selfcheck, String what) {
        if (!ok(selfcheck)) {
            throw new AssertionError(what + " is not OK: " + selfcheck);
        }
    }

    /** Whether a selfcheck's output says its host status is OK. */
    static boolean ok(List<String> selfcheck) {
        return selfcheck.stream().anyMatch(l -> STATUS_OK.matcher(l.strip()).matches());
    }

    static Predicate<String> matches(Marker marker) {
        LinePattern p = LinePattern.of(marker);
        return text -> p.match(text, Map.of()).isPresent();
    }
}
