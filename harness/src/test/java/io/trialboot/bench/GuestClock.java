package io.trialboot.bench;

import io.trialboot.harness.QemuVm;
import io.trialboot.markers.ConsoleLine;
import io.trialboot.markers.LinePattern;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading times off the guest's console for the benchmarks: line timestamps and busybox {@code time}. */
final class GuestClock {
    private static final Pattern BUSYBOX_REAL = Pattern.compile("real\\s+(\\d+)m\\s*([\\d.]+)s");

    private GuestClock() {}

    /** The first console line starting with {@code prefix}. */
    static ConsoleLine line(QemuVm vm, String prefix) {
        return vm.lines().stream().filter(l -> l.text().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no console line starting '" + prefix + "'"));
    }

    /** The first console line that is {@code marker}'s (a catalog marker with its arguments, as in a contract). */
    static ConsoleLine line(QemuVm vm, LinePattern marker) {
        return line(vm, 0, marker);
    }

    /** The first console line from index {@code from} on that is {@code marker}'s. */
    static ConsoleLine line(QemuVm vm, int from, LinePattern marker) {
        List<ConsoleLine> lines = vm.lines();
        return lines.subList(Math.min(from, lines.size()), lines.size()).stream()
                .filter(l -> marker.match(l.text(), Map.of()).isPresent()).findFirst()
                .orElseThrow(() -> new AssertionError("no console line '" + marker.source() + "' after line " + from));
    }

    static double seconds(ConsoleLine from, ConsoleLine to) {
        return (to.at().toNanos() - from.at().toNanos()) / 1e9;
    }

    /** Waits for the "real 0m 4.12s" line busybox {@code time} prints next and returns its seconds. */
    static double awaitBusyboxReal(QemuVm vm, Duration timeout) throws InterruptedException {
        return awaitBusyboxReal(vm, Math.max(0, vm.lines().size() - 5), timeout);
    }

    /** {@link #awaitBusyboxReal(QemuVm, Duration)} looking only at console lines from index {@code from} on. */
    static double awaitBusyboxReal(QemuVm vm, int from, Duration timeout) throws InterruptedException {
        ConsoleLine real = awaitLine(vm, from, l -> busyboxReal(l).isPresent(), "'real' line from busybox time", timeout);
        return busyboxReal(real.text()).orElseThrow();
    }

    /** The seconds of busybox {@code time}'s "real 0m 4.12s" line, or empty for another line. */
    static OptionalDouble busyboxReal(String line) {
        Matcher m = BUSYBOX_REAL.matcher(line.strip());
        return m.find() ? OptionalDouble.of(Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2)))
                : OptionalDouble.empty();
    }

    /** Waits for the first console line from index {@code from} on whose text {@code matches}. */
    static ConsoleLine awaitLine(QemuVm vm, int from, Predicate<String> matches, String what, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            List<ConsoleLine> lines = vm.lines();
            for (ConsoleLine l : lines.subList(Math.min(from, lines.size()), lines.size())) {
                if (matches.test(l.text())) {
                    return l;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + what + " within " + timeout + "; see " + vm.serialLog());
    }
}
