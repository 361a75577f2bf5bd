package io.imgboard.ingest.messaging;

import io.imgboard.events.FileEvent;
import jakarta.enterprise.inject.Vetoed;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real publisher, except that chosen calls fail as an unacknowledged send would: for tests of
 * what happens to the other files of a request when Kafka fails for one. Not a bean.
 */
@Vetoed
public final class ScriptedPublisher extends FileEventPublisher {
    private final FileEventPublisher real;
    private final Set<Integer> failingCalls;
    private final AtomicInteger calls = new AtomicInteger();

    private ScriptedPublisher(FileEventPublisher real, Set<Integer> failingCalls) {
        super(null);
        this.real = real;
        this.failingCalls = failingCalls;
    }

    /** Fails the given calls (counted from 1) and hands every other one to {@code real}. */
    public static ScriptedPublisher failing(FileEventPublisher real, Integer... calls) {
        return new ScriptedPublisher(real, Set.of(calls));
    }

    /** How many events it was asked to publish. */
    public int calls() {
        return calls.get();
    }

    @Override
    public void publish(FileEvent event) {
        int call = calls.incrementAndGet();
        if (failingCalls.contains(call)) {
            throw new PublishException("Kafka did not acknowledge the event for " + event.place() + " (call " + call
                    + " scripted to fail)", null);
        }
        real.publish(event);
    }
}
