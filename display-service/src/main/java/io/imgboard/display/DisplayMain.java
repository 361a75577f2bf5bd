package io.imgboard.display;

import io.imgboard.display.config.TlsFiles;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Checks what Quarkus would otherwise report with a stack trace (the TLS files) and stops with one line
 * and exit code 1; then runs the service.
 */
@QuarkusMain
public class DisplayMain {
    private DisplayMain() {
    }

    public static void main(String... args) {
        try {
            TlsFiles.check(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("img-board display cannot start: " + e.getMessage());
            System.exit(1);
        }
        Quarkus.run(args);
    }
}
