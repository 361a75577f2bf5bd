package io.imgboard.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where the files under test are, and what the services themselves say. */
final class Project {
    static final Path ROOT = find();
    private static final Pattern HTTP_PORT = Pattern.compile("(?m)^quarkus\\.http\\.port=(?:\\$\\{[A-Z_]+:)?(\\d+)");

    private Project() {
    }

    private static Path find() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isDirectory(dir.resolve("deploy"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no project root above " + Path.of("").toAbsolutePath());
    }

    /** Whether a service talks to S3: its code maps the {@code imgboard.s3} settings. */
    static boolean usesS3(String service) throws IOException {
        try (var files = Files.walk(ROOT.resolve(service + "-service/src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (Files.readString(file).contains("@ConfigMapping(prefix = \"imgboard.s3\")")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether a service reads the service token ({@code imgboard.service.token}, {@code IMGBOARD_SERVICE_TOKEN}):
     * its code, or a module every service shares, maps {@code imgboard.service} or names the key.
     */
    static boolean readsServiceToken(String service) throws IOException {
        for (String module : new String[] {service + "-service", "telemetry", "events"}) {
            try (var files = Files.walk(ROOT.resolve(module + "/src/main/java"))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String code = Files.readString(file);
                    if (code.contains("@ConfigMapping(prefix = \"imgboard.service\")")
                            || code.contains("@ConfigProperty(name = \"imgboard.service.token\")")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The port a service's application.properties sets (quarkus.http.port), the one every deployment must use. */
    static int httpPort(String service) throws IOException {
        String properties = Files.readString(ROOT.resolve(service + "-service/src/main/resources/application.properties"));
        Matcher m = HTTP_PORT.matcher(properties);
        if (!m.find()) {
            throw new AssertionError(service + "-service sets no quarkus.http.port");
        }
        return Integer.parseInt(m.group(1));
    }

    /** A tag that names a release: present, not latest, with a digit in it. */
    static boolean pinned(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (image.contains("@sha256:")) {
            return true;
        }
        if (colon <= slash) {
            return false;
        }
        String tag = image.substring(colon + 1);
        return !tag.equals("latest") && tag.matches(".*\\d.*") && !tag.matches("\\d+(-[a-z]+)?");
    }
}
