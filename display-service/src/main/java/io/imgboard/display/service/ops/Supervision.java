package io.imgboard.display.service.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.display.config.OpsConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Restarts and last exits of every process, from the status file {@code ./imgboard up}'s supervisor
 * writes ({@code IMGBOARD_STATUS_FILE}, shape in local-infra's {@code Supervisor}). Read on each
 * request: the supervisor rewrites it atomically at least every 5 s. Without the variable the
 * services run some other way (compose, Kubernetes) and the page says "not supervised".
 */
@ApplicationScoped
public class Supervision {
    /**
     * The supervisor rewrites its status every 5 s when its loop is quick, but the loop also waits for
     * each process's health checks (up to 6 s each on a busy machine): this is well past its slowest round.
     */
    static final Duration SILENT_AFTER = Duration.ofSeconds(120);

    /** One supervised process as the status file tells it. */
    public record Process(String name, String kind, Long pid, Integer port, String state, String startedAt,
                          String readySince, int restarts, String lastExit, String lastExitAt, String nextStartAt) {
    }

    /**
     * @param supervised false when no status file is configured
     * @param state      the supervisor's own state, or null
     * @param error      why the file could not be read (configured but missing, unreadable)
     */
    public record Status(boolean supervised, String file, String state, String updatedAt, List<Process> processes,
                         String error) {
        public Optional<Process> process(String name) {
            return processes.stream().filter(p -> p.name().equals(name)).findFirst();
        }
    }

    private final Optional<Path> file;
    private final ObjectMapper json;

    Supervision(OpsConfig ops, ObjectMapper json) {
        this.file = ops.statusFile().map(String::strip).filter(s -> !s.isEmpty()).map(Path::of);
        this.json = json;
    }

    public Status read() {
        if (file.isEmpty()) {
            return new Status(false, null, null, null, List.of(), null);
        }
        Path path = file.get();
        JsonNode root;
        try {
            root = json.readTree(Files.readString(path));
        } catch (NoSuchFileException e) {
            return new Status(true, path.toString(), null, null, List.of(), "no status file at " + path);
        } catch (IOException e) {
            return new Status(true, path.toString(), null, null, List.of(), "cannot read " + path + ": " + e.getMessage());
        }
        List<Process> processes = new ArrayList<>();
        for (JsonNode p : root.path("processes")) {
            processes.add(new Process(p.path("name").asText(), text(p, "kind"),
                    p.path("pid").isNumber() ? p.path("pid").asLong() : null,
                    p.path("port").isNumber() ? p.path("port").asInt() : null,
                    text(p, "state"), text(p, "startedAt"), text(p, "readySince"), p.path("restarts").asInt(0),
                    text(p, "lastExit"), text(p, "lastExitAt"), text(p, "nextStartAt")));
        }
        String updatedAt = text(root, "updatedAt");
        String state = text(root.path("supervisor"), "state");
        JsonNode pid = root.path("supervisor").path("pid");
        boolean ended = pid.isIntegralNumber() && ProcessHandle.of(pid.asLong()).map(h -> !h.isAlive()).orElse(true);
        return new Status(true, path.toString(), state, updatedAt, processes, silence(state, updatedAt, ended, Instant.now()));
    }

    /**
     * A supervisor killed outright (SIGKILL, the machine's OOM killer) leaves its last word behind,
     * which must not read as "running": its process is gone (it runs on this machine, as the display
     * it started does), or it has not rewritten its status for {@link #SILENT_AFTER}.
     *
     * @return what to tell the operator then, else null
     */
    static String silence(String state, String updatedAt, boolean ended, Instant now) {
        if (!"running".equals(state) && !"starting".equals(state)) {
            return null;
        }
        if (ended) {
            return "the supervisor (./imgboard up) has ended without stopping what it ran: nothing restarts a process"
                    + " that ends; the restarts and states here are its last (./imgboard down, then ./imgboard up)";
        }
        Instant written;
        try {
            written = updatedAt == null ? null : Instant.parse(updatedAt);
        } catch (java.time.format.DateTimeParseException e) {
            written = null;
        }
        if (written != null && Duration.between(written, now).compareTo(SILENT_AFTER) <= 0) {
            return null;
        }
        return "the supervisor (./imgboard up) has not written its status since " + (written == null ? "an unknown time" : written)
                + ": it is not running, so nothing restarts a process that ends; the restarts and states here are from then"
                + " (./imgboard down, then ./imgboard up)";
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNull() || value.isMissingNode() ? null : value.asText();
    }
}
