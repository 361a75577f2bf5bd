package io.imgboard.support;

import java.util.Optional;

/** What makes a token usable, for every service that takes one. */
public final class Tokens {
    /** Shortest token a service accepts: anything shorter can be guessed. */
    public static final int MIN_LENGTH = 16;

    private Tokens() {
    }

    /**
     * What is wrong with the admin token, or null when nothing is. It may be absent (the operator APIs
     * are then off, and say so); when set it must be long enough, and not the upload token, or every
     * uploader would be an admin.
     */
    public static String adminProblem(Optional<String> admin, Optional<String> upload) {
        String token = admin.map(String::strip).orElse("");
        if (token.isEmpty()) {
            return null;
        }
        if (token.length() < MIN_LENGTH) {
            return "the admin token IMGBOARD_ADMIN_TOKEN (imgboard.admin.token) has " + token.length()
                    + " characters; it needs at least " + MIN_LENGTH;
        }
        if (upload.map(String::strip).filter(token::equals).isPresent()) {
            return "the admin token IMGBOARD_ADMIN_TOKEN (imgboard.admin.token) is the upload token, so every uploader"
                    + " would be an admin: give it a secret of its own";
        }
        return null;
    }
}
