package io.imgboard.display.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.support.Catalog;
import io.imgboard.infra.testing.Chromium;
import io.imgboard.display.support.Neighbours;
import io.imgboard.display.support.OpsNeighbours;
import io.imgboard.display.support.PolicyViolations;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ops page against busy neighbours ({@link OpsNeighbours}; Kafka is the real broker): the throughput
 * figures come from the services' counters, dead letters are listed and replayed through the ledger
 * with the service token, sources, versions and restarts appear, and in real headless Chromium the
 * uPlot canvas holds non-empty series that move. Screenshots go to {@code target/screenshots}
 * (looked at, then copied to {@code docs/screenshots}).
 */
@QuarkusTest
@QuarkusTestResource(value = OpsNeighbours.class, restrictToAnnotatedClass = true)
class OpsPageBrowserTest {
    static final Path SHOTS = Path.of("target", "screenshots");
    private static final String STATE = "JSON.stringify(window.imgboardOps ? window.imgboardOps() : null)";

    @TestHTTPResource("/")
    URI root;

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN);
    }

    @Test
    void throughputIsTheDifferenceOfTheServicesCountersPerStage() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                admin().get("/api/v1/ops/throughput").then().statusCode(200)
                        .body("stages", equalTo(java.util.List.of("uploads", "files found", "processed", "failed")))
                        .body("intervalSeconds", equalTo(1))
                        .body("scrapes.ok", equalTo(java.util.List.of(true, true)))
                        .body("recent.time.size()", greaterThan(3))
                        // each read adds 3 created uploads, so after the baseline every step has uploads
                        .body("recent.values[0][-1]", greaterThan(0f))
                        .body("recent.values[2][-1]", greaterThan(0f))
                        .body("lastHour[0]", greaterThan(0f))
                        .body("lastHour[1]", greaterThan(0f))
                        .body("lastHour[2]", greaterThan(0f))
                        .body("minutes.time.size()", greaterThan(0)));
        // This display began counting moments ago (its history is in memory): the figures say since when,
        // not "last hour", and that is no later than now.
        long since = admin().get("/api/v1/ops/throughput").jsonPath().getLong("since");
        assertThat(since, lessThanOrEqualTo(java.time.Instant.now().getEpochSecond()));
        assertThat(since, greaterThan(java.time.Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond()));
    }

    @Test
    void deadLettersAreListedAndReplayedThroughTheLedgerWithTheServiceToken() {
        admin().get("/api/v1/ops/dead-letters").then().statusCode(200)
                .body("id", hasItems(41, 42))
                .body("find { it.id == 42 }.reason", equalTo("FileAnnounced without sha256"))
                .body("find { it.id == 42 }.topic", equalTo("imgboard.files"));
        admin().post("/api/v1/ops/dead-letters/42/replay").then().statusCode(200)
                .body("id", equalTo(42)).body("replayedAt", not(nullValue()));
        assertThat(OpsNeighbours.REPLAYS, org.hamcrest.Matchers.hasItem("42 Bearer " + Neighbours.SERVICE_TOKEN));
        admin().post("/api/v1/ops/dead-letters/7/replay").then().statusCode(404)
                .contentType("application/json").body("error", equalTo("no dead letter 7")).body("status", equalTo(404));
        int asked = OpsNeighbours.REPLAYS.size();
        for (String bad : new String[]{"abc", "-1", "1;DROP", "99999999999999999999"}) {
            admin().post("/api/v1/ops/dead-letters/{id}/replay", bad).then().statusCode(400)
                    .contentType("application/json").body("status", equalTo(400))
                    .body("error", containsString("not a dead letter id"));
        }
        given().post("/api/v1/ops/dead-letters/41/replay").then().statusCode(401);
        assertThat("nothing bad or unauthenticated reached the ledger", OpsNeighbours.REPLAYS.size(), equalTo(asked));
    }

    @Test
    void sourcesServicesAndFramesAreThere() {
        admin().get("/api/v1/ops/sources").then().statusCode(200)
                .body("id", hasItems("nas", "phone-backup"))
                .body("find { it.id == 'phone-backup' }.errors[0]", containsString("not readable"));
        admin().get("/api/v1/ops/services").then().statusCode(200)
                .body("supervised", equalTo(true))
                .body("supervisor", equalTo("running"))
                .body("services.name", hasItems("ingest", "ledger", "preprocessor", "display"))
                .body("services.find { it.name == 'ledger' }.version", equalTo(OpsNeighbours.VERSION))
                .body("services.find { it.name == 'preprocessor' }.process.restarts", equalTo(2))
                .body("services.find { it.name == 'preprocessor' }.process.lastExit", equalTo("killed by SIGKILL (exit 137)"))
                .body("infrastructure.name", hasItems("kafka"));
        admin().get("/api/v1/ops/health").then().statusCode(200)
                .body("services.find { it.name == 'preprocessor' }.checks.find { it.name == 'libvips' }.data.warning",
                        equalTo(OpsNeighbours.LIBVIPS_WARNING))
                .body("services.find { it.name == 'ledger' }.status", equalTo("DOWN"))
                .body("services.find { it.name == 'ledger' }.checks.find { it.name == 'postgresql' }.data.error",
                        equalTo(OpsNeighbours.LEDGER_DOWN));
        admin().get("/api/v1/ops/frames").then().statusCode(200)
                .body("total", greaterThan(-1)).body("byFrame", not(nullValue()));
    }

    @Test
    void thePagePlotsMovingThroughputAndReadsAt360Px() throws Exception {
        try (Chromium page = Chromium.start("1280", "1800")) {
            PolicyViolations.watch(page);
            page.open(root + "ops");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> page.eval("!!document.getElementById('plot')").asBoolean());
            page.eval("localStorage.setItem('imgboard.adminToken', '" + Neighbours.ADMIN_TOKEN + "'); true");
            page.open(root + "ops");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                JsonNode s = state(page);
                return s.path("canvas").asBoolean() && s.path("series").asInt() == 4 && s.path("nonZero").asInt() > 3
                        && s.path("points").asInt() >= 3;
            });
            // Each section fills on its own answer: wait until all of them have.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                    text(page, "dead-letters").contains("FileAnnounced") && text(page, "sources").contains("permission denied")
                            // what the last scan found, in words: no field names, times or empty counts
                            && text(page, "sources").contains("1204 discovered, 12 new, 1 pending, 13 read, 3 skipped (not an image 3)")
                            // and what the source holds, which a large import's later scans no longer say
                            && text(page, "sources").contains("in all: 1190 taken, 14 waiting, 3 skipped")
                            && !text(page, "sources").contains("startedAt")
                            // on the frames is not "ready": hidden, retired and deleted photos are ready too
                            && text(page, "stats").contains("on the frames") && text(page, "stats").contains("1201")
                            && text(page, "stats").contains("retired")
                            // files the sources left out, each with its reason, and how many there are
                            && text(page, "skipped").contains("IMG_2041.MOV") && text(page, "skipped").contains("not an image (video/quicktime)")
                            && text(page, "skipped").contains("46.0 MB") && text(page, "skipped").contains("The newest 2 of 212.")
                            // a bidi control in a name is shown as what it is, so one file cannot pass for another
                            && text(page, "skipped").contains("r/report\u27e8U+202E\u27e9gpj.txt")
                            && !text(page, "skipped").contains("\u202e")
                            && text(page, "services").contains("killed by SIGKILL")
                            && text(page, "services").contains("libvips: " + OpsNeighbours.LIBVIPS_WARNING)
                            && text(page, "services").contains("postgresql: " + OpsNeighbours.LEDGER_DOWN)
                            && text(page, "lag").contains("display (this instance)")
                            // refused uploads are shown where operators look, with their reason
                            && text(page, "rejections").contains("notes.txt") && text(page, "rejections").contains("not an image")
                            // a display that began counting minutes ago does not call them the last hour
                            && text(page, "overview").contains("processed (since ")
                            && text(page, "throughput-totals").contains("uploads (since ")
                            && !text(page, "overview").contains("last hour"));
            // a warning (files left out by case) is amber, not counted or coloured as an error
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> text(page, "overview")
                    .contains("sources with errors or warnings"));
            assertThat(text(page, "overview"), containsString("3 / 4"));
            // a source whose scans fail at once did not "find nothing" in "0 ms"
            assertThat(page.eval("[...document.querySelectorAll('#sources tbody tr')].find(r => r.textContent.includes('arch'))"
                    + ".textContent").asText(), allOf(containsString("–"), not(containsString("nothing")), not(containsString("0 ms"))));
            // the counts say how they add up
            assertThat(text(page, "stats"), containsString("Each photo counts once among on the frames, pending, failed,"));
            // a 255-character name wraps: the refused uploads' reasons and times stay on the screen
            assertTrue(page.eval("(() => { const t = document.querySelector('#rejections table');"
                    + " return t.getBoundingClientRect().width <= t.parentElement.getBoundingClientRect().width + 1; })()").asBoolean(),
                    "the refused uploads' table is wider than its box");
            assertThat(page.eval("[...document.querySelectorAll('#sources tbody tr')].find(r => r.textContent.includes('icloud'))"
                    + ".querySelector('.level').className").asText(), equalTo("level warn"));
            long firstLast = state(page).path("last").asLong();
            Path first = SHOTS.resolve("ops.png");
            page.screenshot(first, true);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> state(page).path("last").asLong() >= firstLast + 3);
            Path later = SHOTS.resolve("ops-later.png");
            page.screenshot(later, true);
            assertFalse(Arrays.equals(Files.readAllBytes(first), Files.readAllBytes(later)), "the plot moved between shots");

            page.viewport(360, 1600);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                    page.eval("document.querySelector('#plot canvas').getBoundingClientRect().width").asDouble() <= 360);
            assertThat("no sideways scrolling of the page at 360 px",
                    page.eval("document.documentElement.scrollWidth").asInt(), lessThanOrEqualTo(360));
            page.screenshot(SHOTS.resolve("ops-360.png"), true);
            // the plot and every section worked under the page's Content-Security-Policy
            PolicyViolations.assertNone(page);
        }
    }

    private static String text(Chromium page, String id) throws Exception {
        return page.eval("document.getElementById('" + id + "').textContent").asText();
    }

    private static JsonNode state(Chromium page) throws Exception {
        return Catalog.JSON.readTree(page.eval(STATE).asText("null"));
    }
}
