package io.trialboot.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trialboot.bootctl.SlotState;
import io.trialboot.core.Code;
import io.trialboot.core.Sha256;
import io.trialboot.core.Slot;
import io.trialboot.core.TrialbootException;
import io.trialboot.core.Version;
import io.trialboot.hoststate.DomainState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The RPC vocabulary: nx command lines to requests, arguments, usage, and the replies' lines. */
class RpcVocabularyTest {
    private static Optional<String> request(String commandLine) {
        return RpcOperation.requestFor(List.of(commandLine.split(" ")));
    }

    @Test
    void eachNxCommandSendsItsOperation() {
        assertEquals(Optional.of("GetStatus"), request("status"));
        assertEquals(Optional.of("GetStatus --json"), request("status --json"));
        assertEquals(Optional.of("Receipts"), request("receipts"));
        assertEquals(Optional.of("Receipts --json"), request("receipts --json"));
        assertEquals(Optional.of("LoadFeed"), request("feed"));
        assertEquals(Optional.of("StageSystem pkg://updates/m.nxm"), request("update apply pkg://updates/m.nxm"));
        assertEquals(Optional.of("HealthOk"), request("health-ok"));
        assertEquals(Optional.of("Confirm"), request("confirm"));
        assertEquals(Optional.of("Rollback"), request("rollback"));
        assertEquals(Optional.of("Selfcheck"), request("selfcheck"));
        assertEquals(Optional.of("Selfcheck --deep"), request("selfcheck --deep"));
        assertEquals(Optional.of("Reboot"), request("reboot"));
        assertEquals(Optional.of("History"), request("history"));
        assertEquals(Optional.of("RepairHistory"), request("history repair"), "a longer command after a shorter one");
    }

    @Test
    void aWrongArgumentOrAnUnknownWordIsNoCommand() {
        for (String bad : List.of("status now", "status --deep", "receipts --json x", "update apply", "update", "selfcheck --shallow", "switch 1", "Switch 1",
                "frobnicate", "history repair now", "history mend")) {
            assertEquals(Optional.empty(), request(bad), bad);
        }
    }

    @Test
    void theServerChecksTheSameArguments() {
        RpcOperation.SELFCHECK.requireArgs(List.of("--deep"));
        RpcOperation.SWITCH.requireArgs(List.of("3"));
        TrialbootException e = assertThrows(TrialbootException.class, () -> RpcOperation.GET_STATUS.requireArgs(List.of("x")));
        assertEquals(Code.MALFORMED_INPUT, e.code());
        assertEquals(Code.MALFORMED_INPUT,
                assertThrows(TrialbootException.class, () -> RpcOperation.SWITCH.requireArgs(List.of())).code());
    }

    @Test
    void wireNamesAreUniqueAndEveryNxCommandIsInTheUsage() {
        Set<String> names = Arrays.stream(RpcOperation.values()).map(RpcOperation::wire).collect(Collectors.toSet());
        assertEquals(RpcOperation.values().length, names.size());
        for (RpcOperation o : RpcOperation.values()) {
            assertEquals(Optional.of(o), RpcOperation.ofWire(o.wire()));
        }
        String usage = RpcOperation.usage();
        for (String word : List.of("status", "feed", "update apply <input>", "health-ok", "confirm", "rollback", "history",
                "history repair", "receipts", "selfcheck [--deep]", "reboot")) {
            assertTrue(usage.contains("\n  " + word + " "), word + " in\n" + usage);
        }
        assertTrue(RpcOperation.wireNames().contains("Switch <attempt>"), RpcOperation.wireNames());
    }

    @Test
    void aStatusReadsBackFromItsLinesAmongOthers() {
        StatusReply s = new StatusReply(Slot.B, Version.parse("1.1.0"), 7, "trial", 2, SlotState.GOOD, SlotState.VERIFIED,
                Slot.A, Optional.of(Slot.B), Version.parse("1.0.0"), Optional.of(Sha256.of(new byte[] {1})),
                Optional.empty(), DomainState.FULL);
        assertEquals(s, StatusReply.parse(s.lines()));
        List<String> console = new ArrayList<>(List.of("trialboot# nx status", "updated: GetStatus -> HOST_OK"));
        console.addAll(1, s.lines());
        assertEquals(s, StatusReply.parse(console));
        assertEquals(SlotState.VERIFIED, s.state(Slot.B));
        assertEquals("trial=b", s.lines().get(8));
        assertEquals(List.of("verity_a=" + Sha256.of(new byte[] {1}).hex(), "verity_b=none", "domain=FULL"),
                s.lines().subList(10, 13));
        String json = s.json();
        assertTrue(json.endsWith(",\"verity_b\":\"none\",\"domain\":\"FULL\"}"), json);
    }

    @Test
    void aStatusWithoutAFieldIsMalformed() {
        StatusReply s = new StatusReply(Slot.A, Version.parse("1.0.0"), 1, "normal", 0, SlotState.GOOD, SlotState.EMPTY,
                Slot.A, Optional.empty(), Version.parse("0.0.0"), Optional.empty(), Optional.empty(), DomainState.SUSPENDED);
        List<String> lines = s.lines().stream().filter(l -> !l.startsWith("floor=")).toList();
        assertEquals(Code.MALFORMED_INPUT, assertThrows(TrialbootException.class, () -> StatusReply.parse(lines)).code());
        List<String> bad = s.lines().stream().map(l -> l.startsWith("boot_count=") ? "boot_count=many" : l).toList();
        assertEquals(Code.MALFORMED_INPUT, assertThrows(TrialbootException.class, () -> StatusReply.parse(bad)).code());
        List<String> domain = s.lines().stream().map(l -> l.startsWith("domain=") ? "domain=ADMITTED" : l).toList();
        assertEquals(Code.MALFORMED_INPUT, assertThrows(TrialbootException.class, () -> StatusReply.parse(domain)).code());
        List<String> root = s.lines().stream().map(l -> l.startsWith("verity_a=") ? "verity_a=xyz" : l).toList();
        assertEquals(Code.MALFORMED_INPUT, assertThrows(TrialbootException.class, () -> StatusReply.parse(root)).code());
    }

    @Test
    void theInstallReplyNamesItsAttempt() {
        assertEquals(12, InstallReply.attemptOf(List.of("attempt=12", "version=1.1.0", "slot=b")));
        assertEquals(Code.MALFORMED_INPUT,
                assertThrows(TrialbootException.class, () -> InstallReply.attemptOf(List.of("version=1.1.0"))).code());
    }
}
