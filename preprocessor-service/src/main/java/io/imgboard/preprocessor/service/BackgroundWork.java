package io.imgboard.preprocessor.service;

import io.imgboard.preprocessor.imaging.ImageProcessor;
import io.imgboard.preprocessor.imaging.ImageRefusedException;
import io.quarkus.logging.Log;
import org.jboss.logging.MDC;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a photo's complete stage runs: the rest of a new photo once its early rendition is out, and
 * any photo that is not answered early (a reprocess). Its threads are nicer than the rest of the
 * JVM ({@code imgboard.preprocessor.complete-stage-nice}). The work is paced
 * ({@link ImageProcessor#process(java.nio.file.Path, java.util.List, ImageProcessor.Early, Runnable)}):
 * decoded, resized and encoded on the thread given it, not on libvips' own threads (which keep the
 * nice value of whichever thread started them: the README's "Work that can wait"), so the nice value
 * reaches all of it, and it pauses every few ms of work while an early stage runs or waits
 * ({@link WorkGate.Turn#yieldToEarly()}).
 * The caller waits for the result, keeping its turn at the imaging core ({@link WorkGate}), so as many
 * threads as workers are enough. Nice 0: the caller's own thread.
 */
final class BackgroundWork implements ImageProcessor.Handoff, AutoCloseable {
    private final int nice;
    private final ExecutorService pool;
    private final java.util.concurrent.atomic.AtomicLong ran = new java.util.concurrent.atomic.AtomicLong();

    BackgroundWork(int threads, int nice) {
        if (nice < 0 || nice > 19) {
            throw new IllegalArgumentException("imgboard.preprocessor.complete-stage-nice must be 0-19, was " + nice);
        }
        this.nice = nice;
        if (nice == 0) {
            this.pool = null;
        } else {
            ThreadPoolExecutor started = new ThreadPoolExecutor(Math.max(1, threads), Math.max(1, threads), 0,
                    TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads(nice));
            started.prestartAllCoreThreads(); // niced now, not when the first photo waits for one
            this.pool = started;
        }
    }

    private static java.util.concurrent.ThreadFactory threads(int nice) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(() -> {
                ThreadNice.set(nice).ifPresent(why -> Log.warnf(
                        "the complete stage runs at the service's own priority, not nice %d: %s", nice, why));
                task.run();
            }, "imgboard-complete-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    int nice() {
        return nice;
    }

    /** Pieces of work run on the background threads so far. */
    long ran() {
        return ran.get();
    }

    /**
     * Runs {@code work} on a background thread and waits for it, its failure rethrown as it was; on
     * the calling thread when nice is 0. An interrupted caller still waits for the work to end (it
     * may be reading the caller's images), then keeps the interrupt.
     */
    @Override
    public <T> T call(Callable<T> work) throws Exception {
        if (pool == null) {
            return work.call();
        }
        Map<String, Object> context = MDC.getMap();
        Future<T> future;
        try {
            future = pool.submit(() -> {
                context.forEach(MDC::put);
                ran.incrementAndGet();
                try {
                    return work.call();
                } finally {
                    MDC.clear();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            return work.call();
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception exception) {
                        throw exception;
                    }
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw e;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@link #call(Callable)} for the imaging core, with its own failures. */
    <T> T imaging(Retrier.ImagingCall<T> work) throws ImageRefusedException, IOException {
        try {
            return call(work::call);
        } catch (ImageRefusedException | IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
