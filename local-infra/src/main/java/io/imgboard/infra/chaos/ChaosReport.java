package io.imgboard.infra.chaos;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The figures of a chaos run and its targets (issue 12): every photo in the catalog exactly once,
 * one {@code add} per photo on the frame's stream and none for a photo nobody sent, no 2xx upload
 * lost, nothing FAILED, convergence within the target after the last fault, every fault survived.
 *
 * <p>The frame's view is followed as a frame keeps it: a fresh snapshot replaces it, an {@code add}
 * joins it. An {@code add} for a photo the frame already holds is a duplicate, always a miss. After
 * a reconnect that could not resume, a photo may reach the frame only inside the fresh snapshot, or
 * be told again by an {@code add} because the snapshot left it out (a display that serves before it
 * has read the whole catalog): with the first protocol, which cannot resume, that is how a frame
 * catches up, so it is counted and shown but allowed; with v2 ({@code page} + {@code Last-Event-ID})
 * the stream must resume, so it is a miss.
 */
public record ChaosReport(
        int photos,
        long seed,
        Map<String, Integer> doors,
        int retries,
        int catalogPhotos,
        int expectedInCatalog,
        int expectedMoreThanOnce,
        int unexpectedInCatalog,
        int ready,
        int failed,
        int pending,
        int twins,
        int acknowledged,
        int acknowledgedMissing,
        int addedOnce,
        int addedMoreThanOnce,
        int toldTwice,
        int retoldAfterSnapshot,
        int onlyInSnapshot,
        int neverSeen,
        int addsForUnknown,
        int removes,
        int connections,
        int freshReconnects,
        int resumedReconnects,
        String protocol,
        int faultsPlanned,
        List<Faults.Injected> faults,
        Instant began,
        Instant lastFault,
        Duration convergence,
        Duration target,
        List<String> problems,
        List<String> examples) {

    static ChaosReport of(ChaosRun.Options options, Instant began, int planned, List<Faults.Injected> faults,
                          Map<String, String> expected, Set<String> acknowledged, Map<String, Integer> doors, int retries,
                          List<JsonNode> catalog, FrameWatcher frame, Instant lastFault, Duration convergence,
                          List<String> problems, Map<String, Integer> ports) {
        Map<String, Integer> rowsBySha = new HashMap<>();
        Map<String, JsonNode> bySha = new HashMap<>();
        Set<String> catalogIds = new HashSet<>();
        int ready = 0;
        int failed = 0;
        int pending = 0;
        int twins = 0;
        for (JsonNode photo : catalog) {
            String sha = photo.path("sha256").asText();
            rowsBySha.merge(sha, 1, Integer::sum);
            bySha.put(sha, photo);
            catalogIds.add(photo.path("photoId").asText());
            switch (photo.path("status").asText()) {
                case "READY" -> ready++;
                case "FAILED" -> failed++;
                case "PENDING" -> pending++;
                case "TWIN" -> twins++;
                default -> {
                }
            }
        }
        List<String> examples = new ArrayList<>();
        int inCatalog = 0;
        int moreThanOnce = 0;
        for (String sha : expected.keySet()) {
            int rows = rowsBySha.getOrDefault(sha, 0);
            if (rows > 0) {
                inCatalog++;
            } else {
                example(examples, "not in the catalog: " + expected.get(sha) + " (" + sha.substring(0, 12) + ")");
            }
            if (rows > 1) {
                moreThanOnce++;
                example(examples, "in the catalog " + rows + " times: " + expected.get(sha));
            }
        }
        int unexpected = (int) rowsBySha.keySet().stream().filter(sha -> !expected.containsKey(sha)).count();
        int ackMissing = 0;
        for (String sha : acknowledged) {
            JsonNode photo = bySha.get(sha);
            if (photo == null || !photo.path("status").asText().equals("READY")) {
                ackMissing++;
                example(examples, "answered 2xx but " + (photo == null ? "not in the catalog" : photo.path("status").asText())
                        + ": " + expected.get(sha));
            }
        }
        boolean v1 = frame.protocol().startsWith("v1");
        int once = 0;
        int twice = 0;
        int toldTwice = 0;
        int retold = 0;
        int onlySnapshot = 0;
        int never = 0;
        for (String sha : expected.keySet()) {
            JsonNode photo = bySha.get(sha);
            if (photo == null || !photo.path("status").asText().equals("READY")) {
                continue;
            }
            String id = photo.path("photoId").asText();
            int adds = frame.addsFor(id);
            if (frame.duplicatesFor(id) > 0) {
                toldTwice++;
                example(examples, "add while the frame already held it: " + expected.get(sha) + " (" + id + ")");
            }
            if (frame.retoldFor(id) > 0) {
                retold++;
                if (!v1) {
                    example(examples, "add again after a fresh page: " + expected.get(sha) + " (" + id + ")");
                }
            }
            if (adds == 1) {
                once++;
            } else if (adds > 1) {
                twice++;
            } else if (frame.inLaterSnapshot(id)) {
                onlySnapshot++;
                if (!v1) {
                    example(examples, "no add, only in a fresh page after a reconnect: " + expected.get(sha) + " (" + id + ")");
                }
            } else {
                never++;
                example(examples, "never reached the frame: " + expected.get(sha) + " (" + id + ")");
            }
        }
        int unknownAdds = 0;
        for (Map.Entry<String, Integer> add : frame.adds().entrySet()) {
            if (!catalogIds.contains(add.getKey())) {
                unknownAdds += add.getValue();
                example(examples, "add for a photo not in the catalog: " + add.getKey());
            }
        }
        int removes = frame.removes().values().stream().mapToInt(Integer::intValue).sum();
        return new ChaosReport(options.photos(), options.seed(), ChaosRun.ordered(doors), retries, catalog.size(), inCatalog,
                moreThanOnce, unexpected, ready, failed, pending, twins, acknowledged.size(), ackMissing, once, twice,
                toldTwice, retold, onlySnapshot, never, unknownAdds, removes, frame.connections(), frame.freshReconnects(),
                frame.resumedReconnects(), frame.protocol(), planned, List.copyOf(faults), began, lastFault, convergence,
                options.target(), List.copyOf(problems), examples);
    }

    private static void example(List<String> examples, String line) {
        if (examples.size() < 20) {
            examples.add(line);
        }
    }

    private boolean v1() {
        return protocol.startsWith("v1");
    }

    public boolean catalogExact() {
        return catalogPhotos == photos && expectedInCatalog == photos && expectedMoreThanOnce == 0 && unexpectedInCatalog == 0;
    }

    public boolean framesExact() {
        return toldTwice == 0 && neverSeen == 0 && addsForUnknown == 0 && removes == 0
                && (v1() || (onlyInSnapshot == 0 && retoldAfterSnapshot == 0));
    }

    public boolean faultsSurvived() {
        return faults.size() == faultsPlanned && faults.stream().allMatch(f -> f.backAfter() != null);
    }

    public boolean convergedInTime() {
        return convergence != null && convergence.compareTo(target) <= 0;
    }

    public boolean passed() {
        return catalogExact() && framesExact() && acknowledgedMissing == 0 && failed == 0 && faultsSurvived()
                && convergedInTime() && problems.isEmpty();
    }

    public String text() {
        StringBuilder s = new StringBuilder();
        s.append(String.format("%nchaos run, seed %d (replay: ./imgboard chaos --seed %d --photos %d)%n", seed, seed, photos));
        s.append(String.format("  photos fed                      %d (REST %d, folder %d, WebDAV %d; %d retries after no 2xx)%n",
                photos, doors.get("rest"), doors.get("folder"), doors.get("webdav"), retries));
        s.append(line("photos in the catalog", catalogPhotos + " (" + expectedInCatalog + " of ours, "
                + expectedMoreThanOnce + " more than once, " + unexpectedInCatalog + " unknown)", "exactly " + photos
                + ", each once", catalogExact()));
        s.append(line("add events per photo", addedOnce + " photos once, " + addedMoreThanOnce + " more than once, "
                + neverSeen + " never", "exactly one each", framesExact()));
        s.append(line("  told twice (frame held it)", Integer.toString(toldTwice), "0", toldTwice == 0));
        s.append(String.format("  %-31s %d photos told again after a fresh %s had left them out, %d only in a fresh %s%s%n",
                "  after a reconnect", retoldAfterSnapshot, v1() ? "playlist" : "page", onlyInSnapshot,
                v1() ? "playlist" : "page", v1() ? " (v1 cannot resume: allowed)" : " (v2 must resume: MISSED if not 0)"));
        s.append(line("add events for unknown photos", Integer.toString(addsForUnknown), "0", addsForUnknown == 0));
        s.append(line("remove events", Integer.toString(removes), "0", removes == 0));
        s.append(String.format("  frame stream                    protocol %s; %d connections, %d reconnects resumed, %d fresh%n",
                protocol, connections, resumedReconnects, freshReconnects));
        s.append(line("2xx uploads whose photo is missing", acknowledgedMissing + " of " + acknowledged, "0",
                acknowledgedMissing == 0));
        s.append(line("photos FAILED", failed + " (READY " + ready + ", PENDING " + pending + ", TWIN " + twins + ")", "0",
                failed == 0));
        s.append(line("last fault → converged", convergence == null ? "not converged" : String.format("%.1f s",
                convergence.toMillis() / 1000.0), "≤ " + target.toSeconds() + " s", convergedInTime()));
        s.append(String.format("  faults injected                 %d of %d planned%n", faults.size(), faultsPlanned));
        for (Faults.Injected f : faults) {
            s.append(String.format("    %s UTC +%6.1f s  %-64s %s%n", ChaosRun.clock(f.at()), ChaosRun.seconds(began, f.at()),
                    f.description(),
                    f.outcome()));
        }
        for (String problem : problems.subList(0, Math.min(20, problems.size()))) {
            s.append("  problem: ").append(problem).append('\n');
        }
        for (String example : examples) {
            s.append("  e.g. ").append(example).append('\n');
        }
        s.append(String.format("  total time                      %.0f s%n", ChaosRun.seconds(began, Instant.now())));
        s.append(passed() ? "RESULT: every target met\n" : "RESULT: FAILED (targets missed above)\n");
        return s.toString();
    }

    private static String line(String what, String value, String target, boolean met) {
        return String.format("  %-31s %-60s target %-18s %s%n", what, value, target, met ? "ok" : "MISSED");
    }
}
