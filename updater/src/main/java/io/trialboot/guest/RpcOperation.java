package io.trialboot.guest;

import io.trialboot.core.Code;
import io.trialboot.core.TrialbootException;
import io.trialboot.records.RequestedInput;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * updated's RPC operations (docs/architecture.md#local-rpc), the one home of each operation's wire
 * name, the {@code nx} words that send it, its argument and its line in {@code nx}'s usage. The
 * server ({@link Updated}) and the client ({@link NxClient}) both read it.
 */
enum RpcOperation {
    GET_STATUS("GetStatus", "status", Arg.JSON, "slot, version, boot count, boot-control state, floor\n"
            + "(--json: one JSON object)"),
    LOAD_FEED("LoadFeed", "feed", Arg.NONE, "verify the media's feed and list its releases"),
    STAGE_SYSTEM("StageSystem", "update apply", Arg.INPUT, "verify, install to the inactive slot and switch to a trial\n"
            + "(<input>: pkg://updates/<path of a manifest>)"),
    /** No {@code nx} words of its own: {@code nx update apply} sends it after a staged install. */
    SWITCH("Switch", "", Arg.ATTEMPT, "put an installed attempt on trial"),
    HEALTH_OK("HealthOk", "health-ok", Arg.NONE, "report the running trial slot healthy: it becomes the active one"),
    CONFIRM("Confirm", "confirm", Arg.NONE, "make the running trial slot the active one"),
    ROLLBACK("Rollback", "rollback", Arg.NONE, "mark the trial slot bad, or go back to the other good slot"),
    HISTORY("History", "history", Arg.NONE, "the update history, one line per event"),
    HISTORY_REPAIR("RepairHistory", "history repair", Arg.NONE, "keep a torn last history line (LOG_TORN) in\n"
            + "quarantine/, cut it off and record the repair"),
    RECEIPTS("Receipts", "receipts", Arg.JSON, "every install attempt's receipt, one block each\n"
            + "(--json: the UpdateReceipt/2 JSON lines)"),
    SELFCHECK("Selfcheck", "selfcheck", Arg.DEEP, "check the state (--deep re-hashes the slots); installs need OK"),
    ADMIT("Admit", "admit", Arg.INPUT, "apply a root-signed admission decision\n"
            + "(<input>: pkg://updates/admission/<name>)"),
    REBOOT("Reboot", "reboot", Arg.NONE, "reboot the device (a real guest reboot)");

    /** What an operation takes after its name. */
    enum Arg {
        NONE(""),
        INPUT("<input>"),
        ATTEMPT("<attempt>"),
        DEEP("[--deep]"),
        JSON("[--json]");

        private final String usage;

        Arg(String usage) {
            this.usage = usage;
        }

        boolean accepts(List<String> args) {
            return switch (this) {
                case NONE -> args.isEmpty();
                case INPUT, ATTEMPT -> args.size() == 1 && !args.get(0).isBlank();
                case DEEP -> args.isEmpty() || args.equals(List.of("--deep"));
                case JSON -> args.isEmpty() || args.equals(List.of("--json"));
            };
        }
    }

    private static final String USAGE_INDENT = " ".repeat(25);

    private final String wire;
    private final List<String> words;
    private final Arg arg;
    private final String help;

    RpcOperation(String wire, String words, Arg arg, String help) {
        this.wire = wire;
        this.words = words.isEmpty() ? List.of() : List.of(words.split(" "));
        this.arg = arg;
        this.help = help;
    }

    String wire() {
        return wire;
    }

    /** The request line of this operation with {@code args}. */
    String request(List<String> args) {
        return args.isEmpty() ? wire : wire + " " + String.join(" ", args);
    }

    /** Throws {@code MALFORMED_INPUT} unless this operation takes {@code args} (quoted as {@link RequestedInput#shown}). */
    void requireArgs(List<String> args) {
        if (!arg.accepts(args)) {
            throw new TrialbootException(Code.MALFORMED_INPUT, wire + " takes "
                    + (arg == Arg.NONE ? "no argument" : arg.usage) + ", got "
                    + args.stream().map(RequestedInput::shown).toList());
        }
    }

    static Optional<RpcOperation> ofWire(String name) {
        return Arrays.stream(values()).filter(o -> o.wire.equals(name)).findFirst();
    }

    /** Whether an {@code nx} command line asks for a reboot ({@link #REBOOT}). */
    static boolean reboots(List<String> commandLine) {
        return requestFor(commandLine).filter(REBOOT.wire()::equals).isPresent();
    }

    /** The request an {@code nx} command line sends, or empty when it is no command. */
    static Optional<String> requestFor(List<String> commandLine) {
        for (RpcOperation o : values()) {
            if (!o.words.isEmpty() && commandLine.size() >= o.words.size()
                    && commandLine.subList(0, o.words.size()).equals(o.words)) {
                List<String> args = commandLine.subList(o.words.size(), commandLine.size());
                if (o.arg.accepts(args)) {
                    return Optional.of(o.request(args)); // else a longer command may start with these words
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The command an {@code nx} command line names but gives the wrong argument ({@link #requestFor}
     * found no request), as its usage line ({@code update apply <input>}); empty when it names none.
     * The longest command whose words the line starts with: {@code history repair} before {@code history}.
     */
    static Optional<String> misusedCommand(List<String> commandLine) {
        return Arrays.stream(values()).filter(o -> !o.words.isEmpty() && commandLine.size() >= o.words.size()
                        && commandLine.subList(0, o.words.size()).equals(o.words))
                .max(Comparator.comparingInt(o -> o.words.size()))
                .map(o -> (String.join(" ", o.words) + " " + o.arg.usage).strip());
    }

    /** Every operation with its argument, for the server's answer to an unknown one. */
    static String wireNames() {
        return Arrays.stream(values()).map(o -> (o.wire + " " + o.arg.usage).strip()).collect(Collectors.joining(", "));
    }

    /** {@code nx}'s usage text: one line (or more) per command. */
    static String usage() {
        StringBuilder sb = new StringBuilder("usage: nx <command>\ncommands:");
        for (RpcOperation o : values()) {
            if (!o.words.isEmpty()) {
                String command = (String.join(" ", o.words) + " " + o.arg.usage).strip();
                sb.append('\n').append(String.format("  %-22s %s", command, o.help.replace("\n", "\n" + USAGE_INDENT)));
            }
        }
        return sb.toString();
    }
}
