package dev.geoloc.demo;

import java.io.IOException;
import java.net.ServerSocket;

/** The demo's fixed ports, checked before a process is started on one, so that a taken port says which option moves it. */
final class FreePort {

    private FreePort() {
    }

    static void require(int port, String option) {
        try (ServerSocket probe = new ServerSocket(port)) {
            probe.setReuseAddress(true);
        } catch (IOException e) {
            throw new DemoException("port " + port + " is taken; free it or pass " + option);
        }
    }
}
