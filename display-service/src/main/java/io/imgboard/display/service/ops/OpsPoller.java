package io.imgboard.display.service.ops;

import io.imgboard.display.config.DisplayConfig;
import io.imgboard.display.config.OpsConfig;
import io.imgboard.display.messaging.ConsumerLag;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gathers the ops figures in the background, so the plot has points and {@code /q/metrics} has lag
 * and dead letters whether or not anyone has the page open. One thread of its own: the reads block
 * (HTTP, Kafka Admin) and must never hold an event loop or a request worker.
 */
@ApplicationScoped
public class OpsPoller {
    private final Throughput throughput;
    private final ConsumerLag lag;
    private final DeadLetterCount deadLetters;
    private final FrameGauges frames;
    private final OpsConfig ops;
    private final DisplayConfig display;
    private ScheduledExecutorService timer;

    OpsPoller(Throughput throughput, ConsumerLag lag, DeadLetterCount deadLetters, FrameGauges frames, OpsConfig ops,
              DisplayConfig display) {
        this.throughput = throughput;
        this.lag = lag;
        this.deadLetters = deadLetters;
        this.frames = frames;
        this.ops = ops;
        this.display = display;
    }

    void start(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "imgboard-ops-poller");
            t.setDaemon(true);
            return t;
        });
        long scrape = Math.max(250, ops.scrapeInterval().toMillis());
        long refresh = Math.max(1000, ops.refreshInterval().toMillis());
        timer.scheduleAtFixedRate(guarded("throughput", throughput::scrape), 0, scrape, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(guarded("consumer lag", lag::refresh), 2000, refresh, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(guarded("dead letters", () -> deadLetters.refresh(display.upstreamTimeout())),
                1000, refresh, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(guarded("frames", frames::refresh), 0, scrape, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** A task that logs its failure instead of ending its schedule (an escaped exception would stop it for good). */
    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                Log.warnf("ops: reading %s failed: %s", what, e.toString());
            }
        };
    }
}
