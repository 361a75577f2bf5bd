package io.imgboard.infra;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * The three credentials of a running system, kept apart (none falls back to another):
 * {@code admin} for the admin APIs of display and ingest, {@code upload} for uploads to ingest
 * only, {@code service} for one service calling another (the ledger's writes).
 */
public record Credentials(String admin, String upload, String service) {
    public static final String ADMIN_VARIABLE = "IMGBOARD_ADMIN_TOKEN";
    public static final String UPLOAD_VARIABLE = "IMGBOARD_UPLOAD_TOKEN";
    public static final String SERVICE_VARIABLE = "IMGBOARD_SERVICE_TOKEN";

    /** Refuses one token for two roles; {@code up} calls it on what the environment gave. */
    public Credentials requireApart() {
        if (admin.equals(upload) || admin.equals(service) || upload.equals(service)) {
            throw new InfraException(ADMIN_VARIABLE + ", " + UPLOAD_VARIABLE
                    + " and " + SERVICE_VARIABLE + " must all differ: the admin token must not be the token every phone"
                    + " holds, nor the one every service holds");
        }
        return this;
    }

    /**
     * Each from its environment variable when set, else generated once into the state folder's
     * secrets ({@code admin-token}, {@code upload-token}, {@code service-token}, mode 600).
     */
    public static Credentials of(StateDir state, Function<String, String> env) {
        return new Credentials(pick(state, env, ADMIN_VARIABLE, "admin-token"),
                pick(state, env, UPLOAD_VARIABLE, "upload-token"),
                pick(state, env, SERVICE_VARIABLE, "service-token")).requireApart();
    }

    /** Three fresh random tokens, for a throwaway system. */
    public static Credentials random() {
        return new Credentials("admin-" + random24(), "upload-" + random24(), "service-" + random24());
    }

    private static String pick(StateDir state, Function<String, String> env, String variable, String secret) {
        String value = env.apply(variable);
        if (value != null && !value.isBlank()) {
            if (value.trim().length() < 16) {
                throw new InfraException(variable + " is shorter than 16 characters; use a long random value "
                        + "(openssl rand -hex 24) or unset it to have one generated");
            }
            return value.trim();
        }
        return state.secret(secret);
    }

    private static String random24() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Never the values: a record's default toString would print them into logs. */
    @Override
    public String toString() {
        return "Credentials[admin, upload, service]";
    }
}
