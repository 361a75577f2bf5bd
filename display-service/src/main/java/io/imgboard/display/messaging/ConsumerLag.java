package io.imgboard.display.messaging;

import io.imgboard.display.config.OpsConfig;
import io.imgboard.support.KafkaAdmins;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Consumer lag per group and topic, computed centrally with the Kafka Admin client as
 * {@code kafka-consumer-groups.sh --describe} does (committed offsets against the end offsets), so
 * it still shows lag while a consumer is down, when it matters most. The clients' own
 * {@code records_lag} metrics cover only partitions assigned to a running process.
 *
 * <p>Display instances commit nothing (each reads the whole catalog and settings from the start in
 * a group of its own): their groups are listed and labelled; for this instance's own groups the
 * lag is the in-process position its consumers report, for other instances it is unknown.
 * End offsets are read as {@code READ_COMMITTED}, so transaction markers never count as lag.
 */
@ApplicationScoped
public class ConsumerLag {
    /** Prefix of every display instance's groups ({@code application.properties}). */
    static final String DISPLAY_GROUPS = "imgboard-display-";
    private static final Duration CALL = Duration.ofSeconds(10);

    /**
     * One group on one topic. {@code members}: the group's consumers reading the topic (the group's, on a row
     * without a topic); {@code lag} is null when it cannot be known (a display instance that commits nothing);
     * {@code committed} counts partitions with a committed offset.
     */
    public record Row(String group, String label, String topic, String state, int members, int partitions,
                      int committed, long endOffsets, Long lag, String note) {
    }

    /** A snapshot; {@code error} says why it could not be taken (then the rows are the last good ones). */
    public record Report(Instant at, List<Row> groups, String error) {
    }

    private final Map<String, Object> kafka;
    private final String instance;
    private final Duration cacheFor;
    private final MeterRegistry registry;
    private final MultiGauge lagGauge;
    private volatile Report last = new Report(null, List.of(), "not read yet");
    private Admin admin;

    ConsumerLag(@Identifier("default-kafka-broker") Map<String, Object> kafka,
                @ConfigProperty(name = "quarkus.uuid") String instance, OpsConfig ops, MeterRegistry registry) {
        this.kafka = kafka;
        this.instance = instance;
        this.cacheFor = ops.lagCacheFor();
        this.registry = registry;
        this.lagGauge = MultiGauge.builder("imgboard.consumer.lag")
                .description("Records a consumer group has not yet committed, per topic (Kafka Admin client)")
                .register(registry);
        Gauge.builder("imgboard.consumer.lag.groups", this, l -> l.last.groups().stream()
                        .map(Row::group).distinct().count())
                .description("Consumer groups the lag gauges cover").register(registry);
    }

    /** The last snapshot when it is fresh enough, else a new one. */
    public Report report() {
        Report current = last;
        if (current.at() != null && current.at().plus(cacheFor).isAfter(Instant.now())) {
            return current;
        }
        return refresh();
    }

    /** Asks the broker now; never throws (a failure is the report's {@code error}). */
    public synchronized Report refresh() {
        try {
            List<Row> rows = read(admin());
            last = new Report(Instant.now(), rows, null);
            lagGauge.register(rows.stream().filter(r -> r.lag() != null)
                    .map(r -> MultiGauge.Row.of(Tags.of("group", r.group(), "topic", r.topic()), r.lag()))
                    .toList(), true);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String reason = "Kafka cannot be asked: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            Log.warnf("consumer lag: %s", reason);
            last = new Report(Instant.now(), last.groups(), reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return last;
    }

    private List<Row> read(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        List<String> groups = new ArrayList<>();
        for (GroupListing listing : admin.listGroups(new ListGroupsOptions()).all().get(CALL.toSeconds(), TimeUnit.SECONDS)) {
            GroupType type = listing.type().orElse(GroupType.CLASSIC);
            if (type == GroupType.CLASSIC || type == GroupType.CONSUMER) {
                groups.add(listing.groupId());
            }
        }
        if (groups.isEmpty()) {
            return List.of();
        }
        Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
        groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed =
                admin.listConsumerGroupOffsets(specs).all().get(CALL.toSeconds(), TimeUnit.SECONDS);
        Map<String, ConsumerGroupDescription> descriptions =
                admin.describeConsumerGroups(groups).all().get(CALL.toSeconds(), TimeUnit.SECONDS);
        groups.removeIf(group -> goneDisplay(group, descriptions.get(group), committed.get(group)));

        // Partitions whose end offsets we need: every committed one, and every one a member is assigned.
        Map<String, Set<TopicPartition>> partitions = new TreeMap<>();
        Set<TopicPartition> all = new HashSet<>();
        for (String group : groups) {
            Set<TopicPartition> mine = new HashSet<>();
            committed.getOrDefault(group, Map.of()).forEach((tp, offset) -> {
                if (offset != null) {
                    mine.add(tp);
                }
            });
            ConsumerGroupDescription description = descriptions.get(group);
            if (description != null) {
                description.members().forEach(m -> mine.addAll(m.assignment().topicPartitions()));
            }
            partitions.put(group, mine);
            all.addAll(mine);
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        all.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = latest.isEmpty() ? Map.of()
                : admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(CALL.toSeconds(), TimeUnit.SECONDS);
        Map<String, Double> ownPositions = ownLag();

        List<Row> rows = new ArrayList<>();
        for (var entry : partitions.entrySet()) {
            String group = entry.getKey();
            ConsumerGroupDescription description = descriptions.get(group);
            String state = description == null ? "UNKNOWN" : String.valueOf(description.groupState());
            int members = description == null ? 0 : description.members().size();
            Map<TopicPartition, OffsetAndMetadata> offsets = committed.getOrDefault(group, Map.of());
            Map<String, List<TopicPartition>> byTopic = new TreeMap<>();
            entry.getValue().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp));
            if (byTopic.isEmpty()) {
                rows.add(new Row(group, label(group), null, state, members, 0, 0, 0, null,
                        "no partitions assigned and no committed offsets"));
            }
            for (var topic : byTopic.entrySet()) {
                long end = 0;
                long lag = 0;
                int withOffsets = 0;
                for (TopicPartition tp : topic.getValue()) {
                    ListOffsetsResult.ListOffsetsResultInfo info = ends.get(tp);
                    long partitionEnd = info == null ? 0 : info.offset();
                    end += partitionEnd;
                    OffsetAndMetadata offset = offsets.get(tp);
                    if (offset != null) {
                        withOffsets++;
                        lag += Math.max(0, partitionEnd - offset.offset());
                    } else {
                        // Assigned but never committed: everything is still to be read, as far as the group knows.
                        lag += partitionEnd;
                    }
                }
                Long shown = lag;
                String note = null;
                if (group.startsWith(DISPLAY_GROUPS) && withOffsets == 0) {
                    if (group.endsWith(instance)) {
                        Double position = ownPositions.get(topic.getKey());
                        shown = position == null ? null : Math.round(position);
                        note = "this display; commits nothing, lag from its consumer's position";
                    } else {
                        shown = null;
                        note = "another display instance; commits nothing, its position is its own";
                    }
                }
                // A service reads several topics in one group (the ledger's channels): on each topic's row, the
                // consumers reading that topic, not the group's, or one ledger reads as three.
                int reading = description == null ? 0 : (int) description.members().stream()
                        .filter(m -> m.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(topic.getKey())))
                        .count();
                rows.add(new Row(group, label(group), topic.getKey(), state, reading, topic.getValue().size(),
                        withOffsets, end, shown, note));
            }
        }
        rows.sort(Comparator.comparing(Row::label).thenComparing(Row::group)
                .thenComparing(r -> r.topic() == null ? "" : r.topic()));
        return rows;
    }

    /**
     * A display instance that has stopped: no member, and nothing committed (displays commit nothing).
     * It holds no position anyone waits on; the broker drops such a group only at its next offsets
     * clean-up, minutes later, so until then it is left out rather than shown as a display.
     */
    private boolean goneDisplay(String group, ConsumerGroupDescription description,
                                Map<TopicPartition, OffsetAndMetadata> offsets) {
        return group.startsWith(DISPLAY_GROUPS) && !group.endsWith(instance)
                && description != null && description.members().isEmpty()
                && (offsets == null || offsets.values().stream().allMatch(Objects::isNull));
    }

    /** What a person calls the group: the service, or which display. */
    String label(String group) {
        if (group.startsWith(DISPLAY_GROUPS)) {
            return group.endsWith(instance) ? "display (this instance)" : "display (other instance)";
        }
        if (group.startsWith("imgboard-")) {
            return group.substring("imgboard-".length());
        }
        return group;
    }

    /**
     * This process's consumers' lag per topic, from the Kafka client metrics Quarkus binds to every
     * SmallRye consumer ({@code kafka_consumer_fetch_manager_records_lag{topic,partition}}).
     */
    private Map<String, Double> ownLag() {
        Map<String, Double> byTopic = new HashMap<>();
        registry.find("kafka.consumer.fetch.manager.records.lag").gauges().forEach(g -> {
            String topic = g.getId().getTag("topic");
            double value = g.value();
            if (topic != null && g.getId().getTag("partition") != null && !Double.isNaN(value) && value >= 0) {
                byTopic.merge(topic, value, Double::sum);
            }
        });
        return byTopic;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = KafkaAdmins.create(kafka, "imgboard-display-ops-" + instance, CALL);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
