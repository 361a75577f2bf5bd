package io.imgboard.infra;

import java.util.LinkedHashMap;
import java.util.Map;

/** How the services reach the infrastructure: as environment variables and as Quarkus config keys. */
public record Endpoints(
        String kafkaBootstrap,
        String jdbcUrl,
        String dbUser,
        String dbPassword,
        String s3Endpoint,
        String s3AccessKey,
        String s3SecretKey) {

    /** The same servers, with the JDBC URL naming another database on the same PostgreSQL server. */
    public Endpoints withDatabase(String database) {
        int slash = jdbcUrl.lastIndexOf('/');
        return new Endpoints(kafkaBootstrap, jdbcUrl.substring(0, slash + 1) + database, dbUser, dbPassword,
                s3Endpoint, s3AccessKey, s3SecretKey);
    }

    /** The variables of {@link #env()} that name the database and its credentials. */
    public static final java.util.List<String> DATABASE_VARIABLES = java.util.List.of("QUARKUS_DATASOURCE_JDBC_URL",
            "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD");

    /** Environment variables, the way the services are configured in every deployment. */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl);
        env.put("QUARKUS_DATASOURCE_USERNAME", dbUser);
        env.put("QUARKUS_DATASOURCE_PASSWORD", dbPassword);
        env.put("IMGBOARD_S3_ENDPOINT", s3Endpoint);
        env.put("IMGBOARD_S3_ACCESS_KEY", s3AccessKey);
        env.put("IMGBOARD_S3_SECRET_KEY", s3SecretKey);
        return env;
    }

    /** The same as Quarkus configuration keys, for {@code @QuarkusTest} resources. */
    public Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafkaBootstrap);
        config.put("quarkus.datasource.jdbc.url", jdbcUrl);
        config.put("quarkus.datasource.username", dbUser);
        config.put("quarkus.datasource.password", dbPassword);
        config.put("imgboard.s3.endpoint", s3Endpoint);
        config.put("imgboard.s3.access-key", s3AccessKey);
        config.put("imgboard.s3.secret-key", s3SecretKey);
        return config;
    }

    /** Ports of the three servers. */
    public record Ports3(int kafka, int kafkaController, int postgres, int s3) {
        public static Ports3 free() {
            return new Ports3(Ports.free(), Ports.free(), Ports.free(), Ports.free());
        }
    }
}
