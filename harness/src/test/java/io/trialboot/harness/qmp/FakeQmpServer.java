package io.trialboot.harness.qmp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A scripted QMP server on a real Unix socket for tests: sends a greeting, then answers each request
 * line with {@code answer} (null hangs up, as QEMU does after {@code quit}).
 */
public final class FakeQmpServer implements AutoCloseable {
    public static final String GREETING =
            "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, \"capabilities\": [\"oob\"]}}";

    private final ServerSocketChannel server;
    private final Thread thread;
    private final List<String> received = new CopyOnWriteArrayList<>();

    public FakeQmpServer(Path socket, String greeting, Function<String, String> answer) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(() -> {
            try (SocketChannel ch = server.accept()) {
                OutputStream out = Channels.newOutputStream(ch);
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                out.write((greeting + "\r\n").getBytes(StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    received.add(line);
                    String reply = answer.apply(line);
                    if (reply == null) return;
                    out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the client went away or the test closed the server: the test asserts on what it saw
            }
        }, "fake-qmp");
        thread.setDaemon(true);
        thread.start();
    }

    /** The request lines received so far, in order. */
    public List<String> received() {
        return received;
    }

    @Override
    public void close() throws IOException {
        server.close();
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
