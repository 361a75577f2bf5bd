package io.imgboard.display.rest;

import io.imgboard.display.support.Catalog;
import io.imgboard.display.support.Neighbours;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Consumer lag on the real Kafka broker (LocalInfraResource): a group that committed M of N records
 * shows N − M, per topic, on {@code /api/v1/ops/lag} and as {@code imgboard_consumer_lag} on
 * {@code /q/metrics}; it follows new records; the display's own groups are there and labelled.
 */
@QuarkusTest
class OpsLagTest {

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Catalog.bootstrap()));
    }

    private static void produce(String topic, int partition, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, Catalog.bootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, partition, "k" + i, "{\"n\":" + i + "}")).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The lag row of one group and topic, or null when the answer has none yet. */
    private static Map<String, Object> row(String group, String topic) {
        JsonPath body = given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/v1/ops/lag")
                .then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> groups = body.getList("groups");
        return groups.stream().filter(g -> group.equals(g.get("group")) && topic.equals(g.get("topic"))).findFirst().orElse(null);
    }

    @Test
    void aGroupThatCommittedMOfNRecordsLagsNMinusMAndFollowsNewRecords() throws Exception {
        String topic = "ops-lag-" + UUID.randomUUID();
        String group = "ops-lag-group-" + UUID.randomUUID();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            produce(topic, 0, 4);
            produce(topic, 1, 3);
            // The group has read 2 of partition 0 and 1 of partition 1: 3 of 7.
            admin.alterConsumerGroupOffsets(group, Map.of(
                    new TopicPartition(topic, 0), new OffsetAndMetadata(2),
                    new TopicPartition(topic, 1), new OffsetAndMetadata(1))).all().get(30, TimeUnit.SECONDS);
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<String, Object> row = row(group, topic);
            assertThat("a row for " + group, row != null, equalTo(true));
            assertThat(row.get("lag"), equalTo(4));
            assertThat(row.get("endOffsets"), equalTo(7));
            assertThat(row.get("partitions"), equalTo(2));
            assertThat(row.get("committed"), equalTo(2));
            assertThat(row.get("members"), equalTo(0));
            assertThat(row.get("label"), equalTo(group));
        });

        produce(topic, 1, 5);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(row(group, topic).get("lag"), equalTo(9)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString(),
                        containsString("imgboard_consumer_lag{group=\"" + group + "\",topic=\"" + topic + "\"} 9.0")));
    }

    @Test
    void theDisplaysOwnGroupsAreListedAndLabelled() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonPath body = given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/v1/ops/lag")
                    .then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> mine = body.<Map<String, Object>>getList("groups").stream()
                    .filter(g -> "display (this instance)".equals(g.get("label"))).toList();
            assertThat(mine.stream().map(g -> g.get("topic")).toList(), hasItem("imgboard.catalog"));
            assertThat(mine.stream().map(g -> (String) g.get("note")).toList(),
                    hasItem("this display; commits nothing, lag from its consumer's position"));
        });
    }
}
