package io.imgboard.display.health;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** Readiness asks the real Kafka and S3; metrics and the OpenAPI document are there. */
@QuarkusTest
class HealthTest {

    @Test
    void readyWhenKafkaS3AndTheCatalogAre() {
        given().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("s3", "catalog", "SmallRye Reactive Messaging - readiness check"))
                .body("checks.find { it.name == 's3' }.data.bucket", equalTo("imgboard-renditions"));
    }

    @Test
    void metricsHaveTheStreamAndPlaylistGauges() {
        given().get("/q/metrics").then()
                .statusCode(200)
                .body(containsString("imgboard_display_sse_clients"))
                .body(containsString("imgboard_display_playlist_photos"));
    }

    @Test
    void openApiDescribesTheEndpoints() {
        given().get("/q/openapi").then()
                .statusCode(200)
                .body(containsString("/api/v1/events"))
                .body(containsString("/api/v1/playlist"))
                .body(containsString("/media/{photoId}/{file}"))
                .body(containsString("/api/v1/admin/failures"));
    }
}
