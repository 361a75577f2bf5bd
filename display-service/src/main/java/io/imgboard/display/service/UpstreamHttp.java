package io.imgboard.display.service;

import io.imgboard.display.config.DisplayConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The display's one HTTP client to the other services. The JDK client's request timeout ends once the
 * answer's headers have come, so a body that stalls after them would hold the caller (and the page
 * asking) for ever: here the whole answer, body included, comes within the request's timeout or the
 * call fails as "no answer within … s".
 */
@ApplicationScoped
public class UpstreamHttp {
    private final HttpClient http;
    private final Duration timeout;

    UpstreamHttp(DisplayConfig display) {
        this.timeout = display.upstreamTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** How long a query to another service may take ({@code imgboard.display.upstream-timeout}). */
    public Duration timeout() {
        return timeout;
    }

    /** {@code request} (its timeout, else {@link #timeout()}, bounds the whole answer), its body read as text. */
    public CompletableFuture<HttpResponse<String>> send(HttpRequest request) {
        Duration limit = request.timeout().orElse(timeout);
        CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> answer = exchange.copy().orTimeout(limit.toMillis(), TimeUnit.MILLISECONDS);
        answer.whenComplete((response, failure) -> {
            if (failure instanceof TimeoutException) {
                exchange.cancel(true); // gives up the exchange, not only the wait
            }
        });
        return answer;
    }

    /** Why a request got no answer, for a person: "connection refused", "no answer within 5 s", … */
    public String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return "no answer within " + timeout.toSeconds() + " s";
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
