package io.trialboot.harness;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * QEMU's console escapes, kept by the harness: QEMU runs with {@code -qmp} (so no default monitor)
 * and {@code -nographic} then gives a plain {@code stdio} console that knows no Ctrl-A. A person's
 * keys pass through here first: Ctrl-A X quits, Ctrl-A C switches between the console and the
 * monitor, Ctrl-A H lists these, Ctrl-A A types a Ctrl-A; every other key (Ctrl-C included) goes
 * to the guest. An escape split across two reads still counts. Not thread-safe: one keyboard.
 */
final class EscapeKeys {
    static final int CTRL_A = 0x01;

    /** What a Ctrl-A sequence asks for. */
    enum Escape { QUIT, MONITOR, HELP }

    /** A run of keys, in order: bytes for the guest, or an escape. */
    sealed interface Key permits Text, Command {}

    record Text(byte[] bytes) implements Key {}

    record Command(Escape escape) implements Key {}

    static final String HELP = """
            C-a x    quit QEMU (the guest gets no shutdown)
            C-a c    switch between the console and the QEMU monitor
            C-a h    this help
            C-a a    type C-a
            C-c and every other key go to the guest""";

    private boolean escaped;

    /** The first {@code n} bytes of {@code buf}, as the guest's text and escapes in the order typed. */
    List<Key> feed(byte[] buf, int n) {
        List<Key> keys = new ArrayList<>();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            int b = buf[i] & 0xff;
            if (!escaped) {
                if (b == CTRL_A) escaped = true;
                else text.write(b);
                continue;
            }
            escaped = false;
            Escape e = switch (Character.toLowerCase((char) b)) {
                case 'x' -> Escape.QUIT;
                case 'c' -> Escape.MONITOR;
                case 'h' -> Escape.HELP;
                default -> null;
            };
            if (e != null) {
                flush(text, keys);
                keys.add(new Command(e));
            } else if (b == 'a' || b == 'A' || b == CTRL_A) {
                text.write(CTRL_A); // QEMU's mux types one Ctrl-A for C-a a and for C-a C-a
            }
            // any other key after Ctrl-A is dropped, as QEMU's mux does
        }
        flush(text, keys);
        return keys;
    }

    private static void flush(ByteArrayOutputStream text, List<Key> keys) {
        if (text.size() > 0) {
            keys.add(new Text(text.toByteArray()));
            text.reset();
        }
    }
}
