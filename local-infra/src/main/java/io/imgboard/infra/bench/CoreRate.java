package io.imgboard.infra.bench;

import io.imgboard.infra.InfraException;
import io.imgboard.infra.Layout;
import org.apache.commons.io.FileUtils;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The imaging core alone on the burst's files, right after the pipeline's run: the preprocessor's
 * own {@code ./imgboard bench imaging} (its {@code Bench} class, the same memory settings as the
 * service, two workers, the same renditions and WebP effort), without sharp, one round. Its
 * {@code core: N images/s} line is the reference of the pipeline's throughput.
 */
final class CoreRate {
    private static final Pattern CORE = Pattern.compile("^\\s*core:\\s+([0-9.]+) images/s");

    private CoreRate() {
    }

    static double measure(Layout layout, Path folder, PrintStream out) throws IOException, InterruptedException {
        Path app = layout.projectRoot().resolve("preprocessor-service/target/quarkus-app");
        List<String> command = List.of(Layout.java(), "-Xmx384m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", app.resolve("app") + "/*:" + app.resolve("lib/main") + "/*",
                "io.imgboard.preprocessor.cli.Bench", "--no-sharp", "--rounds", "1", folder.toString());
        out.println("the imaging core alone on the same files (bench imaging --no-sharp --rounds 1) …");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("VIPS_WARNING", "1");
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        Process process = builder.start();
        double rate = Double.NaN;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                Matcher m = CORE.matcher(line);
                if (m.find()) {
                    rate = Double.parseDouble(m.group(1));
                    out.println("  " + line.strip());
                }
            }
        }
        if (process.waitFor() != 0 || Double.isNaN(rate)) {
            throw new InfraException("the imaging core's bench failed (exit " + process.exitValue() + ")");
        }
        FileUtils.deleteQuietly(folder.toFile());
        return rate;
    }
}
