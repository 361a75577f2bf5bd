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

    /**
     * {@code request}, its body read as text. Its timeout (else {@link #timeout()}) bounds the whole answer;
     * past it the call fails with an {@link HttpTimeoutException} that says so, and the exchange is given up.
     */
    public CompletableFuture<HttpResponse<String>> send(HttpRequest request) {
        Duration limit = request.timeout().orElse(timeout);
        String late = "no answer within " + limit.toSeconds() + " s";
        CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> answer = new CompletableFuture<>();
        exchange.whenComplete((response, failure) -> {
            if (failure == null) {
                answer.complete(response);
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                answer.completeExceptionally(cause instanceof HttpTimeoutException ? new HttpTimeoutException(late) : cause);
            }
        });
        CompletableFuture.delayedExecutor(limit.toMillis(), TimeUnit.MILLISECONDS)
                .execute(() -> answer.completeExceptionally(new HttpTimeoutException(late)));
        // Late, or given up by the caller (a page closed): the exchange goes too, not only the wait for it.
        answer.whenComplete((response, failure) -> {
            if (failure != null) {
                exchange.cancel(true);
            }
        });
        return answer;
    }

    /** Why a request got no answer, for a person: "connection refused", "no answer within 5 s", … */
    public String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpTimeoutException) {
            return cause.getMessage();
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
