package io.imgboard.display.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Many SSE clients of one display in a few threads: non-blocking sockets on a few {@link Selector}s, spread
 * over loopback source addresses ({@code 127.0.0.2}, {@code 127.0.0.3}, …) so the client side does not
 * run out of ephemeral ports (about 28,000 per source and destination pair). Each connection keeps a
 * few fields and no buffer of its own: it looks for one marker (a photoId) in what arrives and notes
 * when it saw it. Used by {@code ./imgboard bench fanout} and its smoke test.
 */
public final class FanoutClients implements AutoCloseable {
    /** A connection's state, as the selector thread leaves it (read after {@link #await}). */
    public enum State { CONNECTING, OPEN, REFUSED, FAILED, CLOSED }

    private final InetSocketAddress server;
    private final String request;
    private final int sourceAddresses;
    private final List<Loop> loops = new ArrayList<>();
    private final List<Conn> conns = new ArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger streaming = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    /** Streams that saw the marker since {@link #expect}: counted as they see it, so waiting costs no scan. */
    private final AtomicInteger sawMarker = new AtomicInteger();
    private volatile byte[] marker = new byte[0];
    private volatile String lastRefusal = "";
    private volatile boolean reconnect;
    private volatile boolean running = true;

    /** One selector and its thread; a connection stays on one loop. */
    private final class Loop {
        final Selector selector;
        final Thread thread;
        final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);

        Loop(int index) throws IOException {
            selector = Selector.open();
            thread = new Thread(() -> run(this), "fanout-clients-" + index);
            thread.setDaemon(true);
        }

        void submit(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }
    }

    private final class Conn {
        final int index;
        final Loop loop;
        SocketChannel channel;
        volatile State state = State.CONNECTING;
        int status = -1;
        boolean headersDone;
        /** Bytes of the marker matched so far (the marker may be split across reads). */
        int matched;
        volatile long markerAt;
        volatile long firstEventAt;
        final StringBuilder head = new StringBuilder();

        Conn(int index) {
            this.index = index;
            this.loop = loops.get(index % loops.size());
        }
    }

    /**
     * @param path            e.g. {@code /api/v1/events?frame=default}
     * @param sourceAddresses how many {@code 127.0.0.x} addresses to spread over (1: the OS picks)
     */
    public FanoutClients(String host, int port, String path, int sourceAddresses) throws IOException {
        this(host, port, path, sourceAddresses, 1);
    }

    /**
     * @param threads selectors, each with its thread (a few, so that on a busy machine the client's
     *                share of the CPU is not what the figures measure)
     */
    public FanoutClients(String host, int port, String path, int sourceAddresses, int threads) throws IOException {
        this.server = new InetSocketAddress(host, port);
        this.request = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
        this.sourceAddresses = Math.max(1, sourceAddresses);
        for (int i = 0; i < Math.max(1, threads); i++) {
            loops.add(new Loop(i));
        }
        loops.forEach(loop -> loop.thread.start());
    }

    /**
     * Opens {@code count} more connections, at most {@code inFlight} at a time not yet answered (a
     * reconnect storm passes {@code count} at once), and returns when each is answered or failed or
     * {@code timeout} passed.
     */
    public void connect(int count, int inFlight, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
            int index;
            synchronized (conns) {
                index = conns.size();
                conns.add(new Conn(index));
            }
            Conn conn = conns.get(index);
            conn.loop.submit(() -> open(conn));
            while (pending() >= inFlight && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        }
        await(() -> pending() == 0, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /** Connections that are neither answered nor failed yet. */
    public int pending() {
        int answered = streaming.get() + refused.get() + failed.get() + closed.get();
        synchronized (conns) {
            return conns.size() - answered;
        }
    }

    /** Connections whose response is 200 and that are still open. */
    public int streaming() {
        return streaming.get();
    }

    /** Responses with status 200 so far, reconnects included. */
    public int opened() {
        return opened.get();
    }

    /** Answered with another status than 200 (e.g. 503 at the display's connection cap). */
    public int refused() {
        return refused.get();
    }

    /** Failed to connect or reset before an answer. */
    public int failed() {
        return failed.get();
    }

    /** Streams the server closed (or reset) after a 200. */
    public int closed() {
        return closed.get();
    }

    /** The status line and body start of the last refusal. */
    public String lastRefusal() {
        return lastRefusal;
    }

    /** Streams that saw their first event (the connection's {@code settings}). */
    public int withFirstEvent() {
        int n = 0;
        synchronized (conns) {
            for (Conn conn : conns) {
                if (conn.state == State.OPEN && conn.firstEventAt != 0) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Looks for {@code text} from now on in every stream; earlier sightings are forgotten. */
    public void expect(String text) {
        marker = new byte[0];
        List<CountDownTask> resets = new ArrayList<>();
        for (Loop loop : loops) {
            CountDownTask reset = new CountDownTask(() -> {
                synchronized (conns) {
                    for (Conn conn : conns) {
                        if (conn.loop == loop) {
                            conn.markerAt = 0;
                            conn.matched = 0;
                        }
                    }
                }
            });
            resets.add(reset);
            loop.submit(reset);
        }
        resets.forEach(CountDownTask::await);
        sawMarker.set(0);
        marker = text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@link System#nanoTime()} at which each open stream saw the marker, 0 for not yet. */
    public long[] markerTimes() {
        synchronized (conns) {
            return conns.stream().filter(c -> c.state == State.OPEN).mapToLong(c -> c.markerAt).toArray();
        }
    }

    /**
     * Streams that have seen the marker (read often while an event spreads: a counter, not a scan of
     * every connection, which on 2 cores took CPU from the very threads being timed).
     */
    public int sawMarker() {
        return sawMarker.get();
    }

    /**
     * From now on a stream the server closes is opened again at once (as frames do after a display
     * restart, without their random {@code retry}), until {@link #stopReconnecting()}.
     */
    public void reconnectOnClose() {
        reconnect = true;
    }

    public void stopReconnecting() {
        reconnect = false;
    }

    /** Waits until {@code condition} holds or {@code timeout} passes; whether it held. */
    public static boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        return true;
    }

    private void open(Conn conn) {
        try {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            // Small kernel buffers: the client side should cost little memory per connection.
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 8 * 1024);
            channel.setOption(StandardSocketOptions.SO_LINGER, 0); // close with RST: no TIME_WAIT pile-up
            if (sourceAddresses > 1) {
                channel.bind(new InetSocketAddress("127.0.0." + (2 + conn.index % sourceAddresses), 0));
            }
            conn.channel = channel;
            conn.state = State.CONNECTING;
            conn.status = -1;
            conn.headersDone = false;
            conn.head.setLength(0);
            conn.firstEventAt = 0;
            if (channel.connect(server)) {
                connected(conn);
            } else {
                channel.register(conn.loop.selector, SelectionKey.OP_CONNECT, conn);
            }
        } catch (IOException e) {
            end(conn, State.FAILED, null);
        }
    }

    private void connected(Conn conn) throws IOException {
        conn.channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
        conn.channel.register(conn.loop.selector, SelectionKey.OP_READ, conn);
    }

    private void run(Loop loop) {
        Selector selector = loop.selector;
        while (running) {
            try {
                selector.select(100);
                Runnable task;
                while ((task = loop.tasks.poll()) != null) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn conn = (Conn) key.attachment();
                    try {
                        if (key.isValid() && key.isConnectable()) {
                            conn.channel.finishConnect();
                            connected(conn);
                        } else if (key.isValid() && key.isReadable()) {
                            read(conn);
                        }
                    } catch (IOException e) {
                        end(conn, conn.status == 200 ? State.CLOSED : State.FAILED, null);
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                if (running) {
                    System.err.println("fanout clients: " + e);
                }
            }
        }
    }

    private void read(Conn conn) throws IOException {
        ByteBuffer readBuffer = conn.loop.readBuffer;
        while (true) {
            readBuffer.clear();
            int n = conn.channel.read(readBuffer);
            if (n < 0) {
                end(conn, conn.status == 200 ? State.CLOSED : State.FAILED, null);
                return;
            }
            if (n == 0) {
                return;
            }
            // Less than a full buffer: the socket is drained (saves a read that would return 0).
            boolean drained = n < readBuffer.capacity();
            readBuffer.flip();
            long now = System.nanoTime();
            if (!conn.headersDone) {
                while (readBuffer.hasRemaining() && !conn.headersDone) {
                    conn.head.append((char) (readBuffer.get() & 0xff));
                    if (conn.head.length() >= 4 && conn.head.lastIndexOf("\r\n\r\n") == conn.head.length() - 4) {
                        conn.headersDone = true;
                        String line = conn.head.substring(0, Math.max(0, conn.head.indexOf("\r\n")));
                        String[] parts = line.split(" ");
                        conn.status = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
                        if (conn.status != 200) {
                            byte[] rest = new byte[Math.min(200, readBuffer.remaining())];
                            readBuffer.get(rest);
                            end(conn, State.REFUSED, line + " " + new String(rest, StandardCharsets.UTF_8).strip());
                            return;
                        }
                        conn.head.setLength(0);
                        conn.state = State.OPEN;
                        streaming.incrementAndGet();
                        opened.incrementAndGet();
                    }
                }
            }
            if (readBuffer.hasRemaining() && conn.firstEventAt == 0) {
                conn.firstEventAt = now;
            }
            byte[] want = marker;
            if (want.length > 0 && conn.markerAt == 0) {
                while (readBuffer.hasRemaining()) {
                    byte b = readBuffer.get();
                    if (b == want[conn.matched]) {
                        if (++conn.matched == want.length) {
                            conn.markerAt = now;
                            sawMarker.incrementAndGet();
                            break;
                        }
                    } else {
                        conn.matched = b == want[0] ? 1 : 0;
                    }
                }
            }
            if (drained) {
                return;
            }
        }
    }

    private void end(Conn conn, State state, String refusal) {
        State before = conn.state;
        if (before == State.OPEN) {
            streaming.decrementAndGet();
        }
        conn.state = state;
        switch (state) {
            case REFUSED -> {
                refused.incrementAndGet();
                lastRefusal = refusal;
            }
            case FAILED -> failed.incrementAndGet();
            case CLOSED -> closed.incrementAndGet();
            default -> { }
        }
        try {
            if (conn.channel != null) {
                conn.channel.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        if (reconnect && running && state != State.REFUSED) {
            // Counted again when answered: a reconnect is a new attempt of the same client.
            if (state == State.CLOSED) {
                closed.decrementAndGet();
            } else {
                failed.decrementAndGet();
            }
            conn.loop.tasks.add(() -> open(conn));
        }
    }

    @Override
    public void close() {
        running = false;
        reconnect = false;
        for (Loop loop : loops) {
            loop.selector.wakeup();
            try {
                loop.thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (conns) {
            for (Conn conn : conns) {
                try {
                    if (conn.channel != null) {
                        conn.channel.close();
                    }
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
        for (Loop loop : loops) {
            try {
                loop.selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** A task for the selector thread that the caller waits for. */
    private static final class CountDownTask implements Runnable {
        private final Runnable work;
        private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

        CountDownTask(Runnable work) {
            this.work = work;
        }

        @Override
        public void run() {
            try {
                work.run();
            } finally {
                done.countDown();
            }
        }

        void await() {
            try {
                done.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
