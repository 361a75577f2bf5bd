package io.imgboard.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** Port checks on the loopback interface, where every process img-board starts listens. */
public final class Ports {
    private Ports() {
    }

    /** Fails with a message naming the port, its user and the variable that moves it. */
    public static void requireFree(int port, String what, String variable) {
        if (!isFree(port)) {
            throw new InfraException("port " + port + " (" + what + ") is already in use on 127.0.0.1; "
                    + "stop whatever holds it or set " + variable + " to another port");
        }
    }

    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the servers do: a port in TIME_WAIT after a restart is free to them
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Below Linux's ephemeral range; nothing picks ports here on its own. */
    private static final int LOWEST = 10_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A port nobody uses right now, for a server started a moment later. It comes from below the
     * kernel's ephemeral range: a port the kernel hands out ({@code bind(0)}) can be taken again in
     * that moment as the local end of any outgoing connection (a Kafka client's, say), and the
     * server then fails with "Address already in use". A port is never handed out twice in a JVM.
     */
    public static int free() {
        int highest = ephemeralLow() - 1;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; highest - LOWEST > 1_000 && attempt < 500; attempt++) {
            int port = LOWEST + random.nextInt(highest - LOWEST + 1);
            if (HANDED_OUT.add(port) && isUnused(port)) {
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new InfraException("no free port on 127.0.0.1", e);
        }
    }

    /** Strictly unused: not even in TIME_WAIT, on loopback or on every address. */
    private static boolean isUnused(int port) {
        for (InetAddress address : new InetAddress[] {InetAddress.getLoopbackAddress(), null}) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(address, port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** The first port of {@code net.ipv4.ip_local_port_range}; Linux's default when unreadable. */
    static int ephemeralLow() {
        try {
            // readAllLines, not readString: the latter trusts the size /proc reports and reads one byte.
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
