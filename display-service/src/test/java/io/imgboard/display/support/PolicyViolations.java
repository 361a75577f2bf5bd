package io.imgboard.display.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.infra.testing.Chromium;

import java.util.ArrayList;
import java.util.List;

/**
 * What a page's Content-Security-Policy refused, as the page itself hears of it: every
 * {@code securitypolicyviolation} event (an inline style or script, an image, a request the policy does
 * not allow), recorded by a script the browser runs before the page's own in every page it opens. The
 * Chromium helper does not pass console messages on; these events are what the console's "Refused to…"
 * lines report.
 */
public final class PolicyViolations {
    private static final String RECORD = "window.imgboardViolations = [];"
            + " document.addEventListener('securitypolicyviolation', function (e) {"
            + " window.imgboardViolations.push(e.effectiveDirective + ' refused ' + (e.blockedURI || 'inline')"
            + " + ' at ' + (e.sourceFile || e.documentURI) + ':' + e.lineNumber); });";

    private PolicyViolations() {
    }

    /** From now on, every page {@code browser} opens records its violations. */
    public static void watch(Chromium browser) throws Exception {
        browser.beforeEveryPage(RECORD);
    }

    /** The violations of the page open now, since it was opened (empty when there were none). */
    public static List<String> of(Chromium browser) throws Exception {
        JsonNode seen = browser.eval("window.imgboardViolations ? window.imgboardViolations : ['not watched']");
        List<String> violations = new ArrayList<>();
        seen.forEach(v -> violations.add(v.asText()));
        return violations;
    }

    /** Fails when the page open now met its policy's refusal since it was opened. */
    public static void assertNone(Chromium browser) throws Exception {
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), of(browser), "the page's Content-Security-Policy refused something");
    }
}
