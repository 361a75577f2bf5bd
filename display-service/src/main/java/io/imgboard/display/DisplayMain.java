package io.imgboard.display;

import io.imgboard.support.TlsFiles;
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
        TlsFiles.problem(TlsFiles.fromEnvironment()).ifPresent(problem -> {
            System.err.println("img-board display cannot start: " + problem);
            System.exit(1);
        });
        Quarkus.run(args);
    }
}
