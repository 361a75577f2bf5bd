package io.imgboard.infra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

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

    /** A port nobody uses right now, for tests. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new InfraException("no free port on 127.0.0.1", e);
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
