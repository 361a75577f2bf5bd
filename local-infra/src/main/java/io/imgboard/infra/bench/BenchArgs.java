package io.imgboard.infra.bench;

/**
 * The benches' command lines, said once: an option's value, a whole number, help, an unknown option.
 * A mistake prints what was wrong and the usage, and exits 2.
 */
final class BenchArgs {
    private BenchArgs() {
    }

    /** The value after the option at {@code i - 1}. */
    static String value(String[] args, int i, String usage) {
        if (i >= args.length) {
            refuse("'" + args[i - 1] + "' needs a value", usage);
        }
        return args[i];
    }

    /** The whole number after the option at {@code i - 1}, at least {@code min}. */
    static int number(String[] args, int i, int min, String usage) {
        String value = value(args, i, usage);
        try {
            int number = Integer.parseInt(value.strip());
            if (number >= min) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        refuse("'" + args[i - 1] + "' needs a whole number from " + min + ", not '" + value + "'", usage);
        return min;
    }

    /** {@code -h}/{@code --help}: the usage, exit 0; anything else: refused as an unknown option. */
    static void helpOrUnknown(String arg, String usage) {
        if (arg.equals("-h") || arg.equals("--help")) {
            System.out.print(usage);
            System.exit(0);
        }
        refuse("unknown option '" + arg + "'", usage);
    }

    private static void refuse(String why, String usage) {
        System.err.print(why + "\n" + usage);
        System.exit(2);
    }
}
