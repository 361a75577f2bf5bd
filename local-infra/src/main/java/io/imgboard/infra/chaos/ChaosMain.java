package io.imgboard.infra.chaos;

import io.imgboard.infra.InfraException;
import io.imgboard.infra.Layout;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./imgboard chaos}: a chaos run ({@link ChaosRun}) or, with {@code --soak}, a soak
 * ({@link Soak}) on a system of its own. Exit status 0 only when every target is met.
 */
public final class ChaosMain {
    static final String USAGE = """
            usage: ./imgboard chaos [--photos N] [--seed S] [--kills-per-service K] [--window W] [--keep]
                   ./imgboard chaos --soak DURATION [--warm-up 10m] [--sample 10s] [--every 2s] [--seed S]
              --photos N             distinct generated photos (about 1 MP), a third each by REST, folder, WebDAV (1000)
              --seed S               replays a run: same photos, same fault order (default: random, printed)
              --kills-per-service K  kill -9 of each service K times (2); Kafka and PostgreSQL restart once, S3 stops 10 s
              --window W             photos fed ahead of what the ledger has finished (50)
              --keep                 keep the state folder and logs (a failed run always keeps them)
              --soak DURATION        uploads and deletes at a steady rate instead, sampling RSS and open files (e.g. 30m)
              --warm-up W            the soak's first W at the same rate are not judged (10m): heaps, pools, JIT settle
            """;

    private ChaosMain() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(List.of(args)) ? 0 : 1);
        } catch (InfraException | IllegalArgumentException e) {
            System.err.println("imgboard chaos: " + e.getMessage());
            System.exit(2);
        }
    }

    static boolean run(List<String> args) {
        int photos = 1000;
        long seed = new SecureRandom().nextLong() & 0xFFFF_FFFFL;
        int kills = 2;
        int window = 50;
        boolean keep = false;
        Duration soak = null;
        Duration sample = Duration.ofSeconds(10);
        Duration warmUp = Duration.ofMinutes(10);
        Duration every = Duration.ofSeconds(2);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--photos" -> photos = positive(arg, value(args, ++i, arg));
                case "--seed" -> seed = parseLong(arg, value(args, ++i, arg));
                case "--kills-per-service" -> kills = (int) parseLong(arg, value(args, ++i, arg));
                case "--window" -> window = positive(arg, value(args, ++i, arg));
                case "--keep" -> keep = true;
                case "--soak" -> soak = duration(arg, value(args, ++i, arg));
                case "--sample" -> sample = duration(arg, value(args, ++i, arg));
                case "--warm-up" -> warmUp = duration(arg, value(args, ++i, arg));
                case "--every" -> every = duration(arg, value(args, ++i, arg));
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return true;
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'\n" + USAGE);
            }
        }
        if (kills < 0 || kills > 10) {
            throw new IllegalArgumentException("--kills-per-service must be between 0 and 10");
        }
        Layout layout = Layout.find();
        if (soak != null) {
            return new Soak(soak, warmUp, sample, every, seed, layout, System.out).run();
        }
        ChaosRun.Options options = ChaosRun.Options.defaults(photos, seed).withKillsPerService(kills).withWindow(window)
                .keeping(keep);
        ChaosReport report = new ChaosRun(options, layout, System.out).run();
        System.out.print(report.text());
        return report.passed();
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static int positive(String option, String value) {
        long n = parseLong(option, value);
        if (n < 1 || n > 1_000_000) {
            throw new IllegalArgumentException(option + " " + value + ": expected a number from 1 to 1000000");
        }
        return (int) n;
    }

    private static long parseLong(String option, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + value + ": not a number");
        }
    }

    /** {@code 30m}, {@code 10s}, {@code 1h}, {@code 500ms}. */
    static Duration duration(String option, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            } else if (v.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            } else {
                throw new NumberFormatException();
            }
            if (d.isNegative() || d.isZero()) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " " + value + ": expected a duration such as 30m, 10s, 1h or 500ms");
        }
    }
}
