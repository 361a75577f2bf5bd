package io.imgboard.display.config;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.imgboard.support.Tokens;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * A short admin token stops start-up, as ingest's does: it opens the admin and ops APIs and keys the
 * media grants for hidden photos, so a guessable one would make both guessable. (The display never
 * holds the upload token, so the rule that the two differ is ingest's to check.)
 */
@Startup
@ApplicationScoped
class AdminTokenCheck {

    AdminTokenCheck(AdminConfig admin) {
        String problem = Tokens.adminProblem(admin.token(), Optional.empty());
        if (problem != null) {
            throw new ConfigurationException("display-service cannot start: " + problem);
        }
    }
}
