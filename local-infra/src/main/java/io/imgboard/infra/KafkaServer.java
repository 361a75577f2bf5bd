package io.imgboard.infra;

import io.imgboard.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Kafka in KRaft mode (broker and controller in one process), from the broker jars
 * Maven resolved into local-infra/kafka-broker/target/lib. Data lives in {@code <state>/kafka}.
 */
public final class KafkaServer {
    static final String NAME = "kafka";

    private KafkaServer() {
    }

    public static ManagedProcess start(Layout layout, StateDir state, int port, int controllerPort) {
        Ports.requireFree(port, "Kafka", "IMGBOARD_KAFKA_PORT");
        Ports.requireFree(controllerPort, "Kafka controller", "IMGBOARD_KAFKA_CONTROLLER_PORT");
        Path home = state.dir(NAME);
        Path data = home.resolve("data");
        Path config = home.resolve("server.properties");
        Path log4j = home.resolve("log4j2.properties");
        try {
            Files.writeString(config, serverProperties(data, port, controllerPort));
            Files.writeString(log4j, LOG4J);
        } catch (IOException e) {
            throw new InfraException("cannot write Kafka configuration in " + home + ": " + e.getMessage(), e);
        }
        String classpath = layout.kafkaLibs().resolve("*").toString();
        List<String> jvm = new ArrayList<>(layout.javaCommand("-Xms128m", "-Xmx512m", "-XX:+UseG1GC",
                "-Djava.awt.headless=true", "-Dlog4j2.configurationFile=" + log4j));
        jvm.addAll(List.of("-cp", classpath));
        // Formatting twice fails, and reformatting would lose data: format only a new folder.
        if (!Files.exists(data.resolve("meta.properties"))) {
            List<String> format = new ArrayList<>(jvm);
            format.addAll(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                    "-c", config.toString()));
            runToCompletion(format, home, state, Duration.ofSeconds(60));
        }
        List<String> run = new ArrayList<>(jvm);
        run.addAll(List.of("kafka.Kafka", config.toString()));
        return ManagedProcess.start(NAME, run, Map.of(), home, state);
    }

    /** Waits until the broker answers metadata requests, then creates the topics that are missing. */
    public static void awaitAndCreateTopics(ManagedProcess process, String bootstrap, Map<String, Boolean> topics,
                                            Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        Instant deadline = Instant.now().plus(timeout);
        try (Admin admin = Admin.create(props)) {
            while (true) {
                process.requireAlive();
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    break;
                } catch (Exception notYet) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new InfraException("Kafka did not become ready within " + timeout.toSeconds() + " s; see "
                                + process.logFile());
                    }
                }
            }
            List<NewTopic> wanted = topics.entrySet().stream().map(e -> newTopic(e.getKey(), e.getValue())).toList();
            for (NewTopic topic : wanted) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new InfraException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e);
                    }
                    growPartitions(admin, topic);
                }
            }
            // createTopics returns once the controller has the topics; the broker's metadata may
            // lag behind on a busy machine, and a service subscribing then would not see them.
            while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(topics.keySet())) {
                process.requireAlive();
                if (Instant.now().isAfter(deadline)) {
                    throw new InfraException("Kafka did not list the new topics within " + timeout.toSeconds() + " s; see "
                            + process.logFile());
                }
                Sleeper.pause(Duration.ofMillis(100));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfraException("interrupted while waiting for Kafka", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new InfraException("Kafka did not create topics in time", e);
        } catch (ExecutionException e) {
            throw new InfraException("Kafka could not list its topics: " + e.getCause().getMessage(), e);
        }
    }

    /** How many records {@link #warmUp} sends and reads. */
    static final int WARM_UP_RECORDS = 200;

    /**
     * Runs the broker's hot paths for a photo's events, which are otherwise first run by the first
     * photo after the broker's start ({@code up}, and each time the supervisor starts it again):
     * {@link #WARM_UP_RECORDS} idempotent sends with acks=all, each read by a
     * consumer whose fetch is waiting on the broker when it comes (the way the services' consumers
     * wait), on {@link Topics#WARM_UP}, which no service reads. A failure costs only the first photo's
     * speed: it is written to {@code log}, never thrown.
     *
     * @param log where one line says what it took (or why it failed)
     * @return whether every record was acknowledged and read
     */
    public static boolean warmUp(String bootstrap, Path log) {
        long start = System.nanoTime();
        String outcome;
        boolean done = false;
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        Map<String, Object> consumerConfig = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        TopicPartition partition = new TopicPartition(Topics.WARM_UP, 0);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new StringSerializer());
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                     new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            long from = consumer.position(partition, Duration.ofSeconds(10));
            long firstNanos = 0;
            long lastNanos = 0;
            for (int sent = 0; sent < WARM_UP_RECORDS; sent++) {
                long round = System.nanoTime();
                // The send is in flight while the consumer's fetch waits for it; then the record is read.
                Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(Topics.WARM_UP, "launcher",
                        "warm-up " + sent));
                long wanted = from + sent + 1;
                Instant deadline = Instant.now().plusSeconds(10);
                while (consumer.position(partition) < wanted) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new java.util.concurrent.TimeoutException("record " + sent + " was not read within 10 s");
                    }
                    consumer.poll(Duration.ofMillis(500));
                }
                ack.get(10, TimeUnit.SECONDS);
                long took = System.nanoTime() - round;
                if (sent == 0) {
                    firstNanos = took;
                }
                lastNanos = took;
            }
            done = true;
            outcome = String.format("Kafka warmed up in %d ms: %d records sent and read (the first in %.1f ms, the last in %.1f ms)",
                    (System.nanoTime() - start) / 1_000_000, WARM_UP_RECORDS, firstNanos / 1e6, lastNanos / 1e6);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "Kafka warm-up interrupted";
        } catch (Exception e) {
            outcome = "Kafka warm-up failed (the next photo meets a cold broker, and is slower): " + e;
        }
        try {
            Files.writeString(log, Instant.now() + " " + outcome + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the line is all that is lost
        }
        return done;
    }

    /** Partitions of process-requests: as many preprocessors as this can share the work ({@code up --scale}). */
    public static final int PROCESS_REQUEST_PARTITIONS = 6;

    /**
     * A state folder made before a topic needed more partitions gets them now (Kafka can add
     * partitions, never remove them). Keys then map to other partitions, which only matters for
     * records still waiting, and each is handled idempotently.
     */
    private static void growPartitions(Admin admin, NewTopic topic) throws InterruptedException,
            java.util.concurrent.TimeoutException {
        try {
            int current = admin.describeTopics(List.of(topic.name())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic.name()).partitions().size();
            if (current < topic.numPartitions()) {
                admin.createPartitions(Map.of(topic.name(), NewPartitions.increaseTo(topic.numPartitions())))
                        .all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            throw new InfraException("cannot grow topic " + topic.name() + " to " + topic.numPartitions()
                    + " partitions: " + e.getCause().getMessage(), e);
        }
    }

    private static NewTopic newTopic(String name, boolean compacted) {
        // Where work runs in parallel, partitions to share it: process-requests (one image per core per
        // preprocessor, several preprocessors with up --scale), two elsewhere; one where order is global.
        int partitions = compacted || name.endsWith("dead-letter") ? 1
                : name.equals(Topics.PROCESS_REQUESTS) ? PROCESS_REQUEST_PARTITIONS : 2;
        NewTopic topic = new NewTopic(name, partitions, (short) 1);
        if (compacted) {
            topic.configs(Map.of("cleanup.policy", "compact"));
        }
        return topic;
    }

    private static String serverProperties(Path data, int port, int controllerPort) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=1",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // One broker, no replica to fall back on: a record is on disk before it is acknowledged, so an
                // upload answered 2xx keeps its event through a power cut (Kafka's default leaves it to the OS).
                "log.flush.interval.messages=1",
                "log.segment.bytes=67108864",
                "log.cleaner.dedupe.buffer.size=16777216",
                "") + "\n";
    }

    private static final String LOG4J = String.join("\n",
            "status = warn",
            "appender.console.type = Console",
            "appender.console.name = STDOUT",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.stdout.ref = STDOUT",
            "logger.kafka.name = kafka",
            "logger.kafka.level = WARN",
            "logger.server.name = kafka.server.KafkaRaftServer",
            "logger.server.level = INFO",
            "logger.apache.name = org.apache.kafka",
            "logger.apache.level = WARN",
            "") + "\n";

    static void runToCompletion(List<String> command, Path workDir, StateDir state, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(state.logFile(NAME + "-format").toFile()));
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new InfraException("Kafka storage format did not finish in " + timeout.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new InfraException("Kafka storage format failed:\n"
                        + ManagedProcess.tail(state.logFile(NAME + "-format"), 10));
            }
        } catch (IOException e) {
            throw new InfraException("cannot run Kafka storage format: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfraException("interrupted", e);
        }
    }
}
