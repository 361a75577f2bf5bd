package io.imgboard.support;

import org.jboss.logging.Logger;

/**
 * The log of a recurring job (a scan tick, a sweep) while the database is away: one WARN when the
 * outage starts, one INFO when the job works again, nothing in between. Without it, a job every
 * second wrote an ERROR with a full stack trace each time, and an expected outage read like a crash.
 * A failure that is not the database being away is the caller's to report, as before.
 */
public final class OutageLog {
    private final Logger log;
    private final String job;
    private volatile boolean away;

    public OutageLog(Class<?> owner, String job) {
        this.log = Logger.getLogger(owner);
        this.job = job;
    }

    /** True when {@code failure} is the database away (logged once per outage); false for anything else. */
    public boolean failed(Throwable failure) {
        if (!DatabaseFailures.unavailable(failure)) {
            return false;
        }
        if (!away) {
            away = true;
            log.warnf("%s waits: the database is unavailable (%s); it goes on by itself once it is back", job,
                    DatabaseFailures.describe(failure));
        }
        return true;
    }

    /** Runs the job: a database outage is logged as above and ends the run; anything else is thrown on. */
    public void run(Runnable job) {
        try {
            job.run();
            succeeded();
        } catch (RuntimeException e) {
            if (!failed(e)) {
                throw e;
            }
        }
    }

    /** The job ran: ends an outage that was logged. */
    public void succeeded() {
        if (away) {
            away = false;
            log.infof("%s goes on: the database is back", job);
        }
    }
}
