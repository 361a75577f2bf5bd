package io.imgboard.support;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The one way a service makes a Kafka Admin client: from the connection settings its Kafka channels
 * use (SmallRye's {@code default-kafka-broker} map: the bootstrap servers and any security settings),
 * keeping only those an Admin client knows, with the caller's timeouts.
 */
public final class KafkaAdmins {
    private KafkaAdmins() {
    }

    public static Admin create(Map<String, Object> kafka, String clientId, Duration timeout) {
        Properties properties = new Properties();
        Set<String> known = AdminClientConfig.configNames();
        kafka.forEach((key, value) -> {
            if (known.contains(key)) {
                properties.put(key, value);
            }
        });
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        return Admin.create(properties);
    }
}
