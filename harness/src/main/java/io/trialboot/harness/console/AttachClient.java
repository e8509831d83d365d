package io.trialboot.harness.console;

import io.trialboot.harness.VmTerminal;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code scripts/vm --attach <run dir>}: this terminal on the console a failed test's kept VM
 * serves ({@code -Dtrialboot.keepFailedVm=true}). A plain pipe: the test's JVM handles the Ctrl-A
 * keys, the banners and guest resets, so the session behaves as {@code scripts/vm}'s own.
 */
final class AttachClient {
    private AttachClient() {}

    /** 0 once the kept VM's console closed (QEMU quit), 1 when it cannot be reached, 2 when there is none. */
    static int run(Path runDir, InputStream keyboard, PrintStream out, PrintStream err) {
        Path socket = runDir.resolve(VmTerminal.CONSOLE_SOCKET);
        if (!Files.exists(socket)) {
            err.println("vm: nothing to attach to in " + runDir + ": no " + VmTerminal.CONSOLE_SOCKET + ". A failed test keeps"
                    + " its VM only with -Dtrialboot.keepFailedVm=true, while that test run waits; otherwise"
                    + " scripts/vm --from " + runDir + " boots the overlay the test left");
            return 2;
        }
        try (SocketChannel console = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            Tty.raw();
            Thread keys = new Thread(() -> type(keyboard, console), "attach-keyboard");
            keys.setDaemon(true);
            keys.start();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (console.read(buf) >= 0) {
                out.write(buf.array(), 0, buf.position());
                out.flush();
                buf.clear();
            }
            out.print("\r\nvm: the kept VM's console closed\r\n");
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("vm: cannot attach to " + socket + ": " + e.getMessage() + " (has the test run that kept it ended?)");
            return 1;
        }
    }

    private static void type(InputStream keyboard, SocketChannel console) {
        byte[] buf = new byte[256];
        try {
            for (int n = keyboard.read(buf); n >= 0; n = keyboard.read(buf)) {
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) console.write(b);
            }
            console.shutdownOutput(); // the person's keyboard ended: detach, the VM runs on
        } catch (IOException e) {
            // the console closed under the keyboard: the reading side reports it
        }
    }
}
