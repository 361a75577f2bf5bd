package io.imgboard.infra.chaos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chaos run's pure parts: its photos, its fault plan, the soak's trend verdict and the options. */
class ChaosPartsTest {

    @Test
    void photosAreOneMegapixelJpegsTheSameForASeedAndDistinctAcrossIndexes() throws Exception {
        byte[] first = SeededPhotos.jpeg(42, 0);
        assertArrayEquals(first, SeededPhotos.jpeg(42, 0), "the same seed and index must give the same bytes");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(first));
        assertEquals(SeededPhotos.WIDTH, image.getWidth());
        assertEquals(SeededPhotos.HEIGHT, image.getHeight());
        assertTrue(image.getWidth() * image.getHeight() > 950_000, "about one megapixel");
        Set<String> shas = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            shas.add(ChaosRun.sha256(SeededPhotos.jpeg(42, i)));
        }
        shas.add(ChaosRun.sha256(SeededPhotos.jpeg(43, 0)));
        assertEquals(21, shas.size(), "every photo distinct");
        // Far apart to the eye, not only in bytes: the ledger's near-duplicate check must keep them apart.
        assertTrue(meanDifference(image, ImageIO.read(new ByteArrayInputStream(SeededPhotos.jpeg(42, 1)))) > 30);
    }

    @Test
    void theDefaultPlanKillsEachServiceTwiceAndHitsEachServerOnceInASeededOrder() {
        List<Faults.Fault> plan = Faults.plan(2, true, 7);
        assertEquals(11, plan.size());
        for (String service : Faults.SERVICES) {
            assertEquals(2, plan.stream().filter(f -> f.target().equals(service) && f.kind() == Faults.Kind.KILL_SERVICE).count());
        }
        for (Faults.Kind kind : List.of(Faults.Kind.RESTART_KAFKA, Faults.Kind.RESTART_POSTGRES, Faults.Kind.PAUSE_S3)) {
            assertEquals(1, plan.stream().filter(f -> f.kind() == kind).count(), kind.toString());
        }
        assertEquals(plan, Faults.plan(2, true, 7), "a seed replays the same order");
        assertNotEquals(plan, Faults.plan(2, true, 8));
    }

    @Test
    void aSteadyClimbIsGrowthButNoiseAndAFlatLineAreNot() {
        Duration window = Duration.ofMinutes(24);
        // 300 MB climbing 60 MB an hour, sampled every 10 s for 30 minutes
        List<Soak.Sample> climbing = new ArrayList<>();
        List<Soak.Sample> noisy = new ArrayList<>();
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 180; i++) {
            double hours = i * 10 / 3600.0;
            climbing.add(new Soak.Sample(hours, 1, (long) (300 * 1024 + 60 * 1024 * hours), 100 + i / 6));
            noisy.add(new Soak.Sample(hours, 1, 300 * 1024 + random.nextInt(40 * 1024), 100 + random.nextInt(5)));
        }
        Soak.Trend up = Soak.trend("ledger-service", climbing);
        assertEquals(60 * 1024, up.rss().slopePerHour(), 1);
        assertTrue(up.rssGrows(window));
        assertTrue(up.fdsGrow(window), "one more file every minute is a leak");
        Soak.Trend flat = Soak.trend("ledger-service", noisy);
        assertFalse(flat.rssGrows(window), flat.toString());
        assertFalse(flat.fdsGrow(window), flat.toString());
        assertFalse(flat.restarted());

        List<Soak.Sample> restarted = new ArrayList<>(noisy);
        restarted.add(new Soak.Sample(0.6, 2, 200 * 1024, 90));
        assertTrue(Soak.trend("ingest-service", restarted).restarted());
    }

    @Test
    void aJvmIsJudgedOnWhatItKeepsAfterAFullCollection() {
        Duration window = Duration.ofMinutes(24);
        // a heap growing into its -Xmx between collections (+120 MB/h as sampled), the same 250 MB
        // after every full collection (once a minute), and a live heap that stays at 30 MB
        List<Soak.Sample> growingHeap = new ArrayList<>();
        List<Soak.Sample> leaking = new ArrayList<>();
        for (int i = 0; i < 180; i++) {
            double hours = i * 10 / 3600.0;
            boolean collected = i % 6 == 0;
            long between = (long) (250 * 1024 + 120 * 1024 * hours);
            growingHeap.add(new Soak.Sample(hours, 1, collected ? 250 * 1024 + i % 5 * 1024 : between, 100,
                    collected ? 30 * 1024 + i % 7 * 512 : -1));
            leaking.add(new Soak.Sample(hours, 1, collected ? (long) (250 * 1024 + 60 * 1024 * hours) : between, 100,
                    collected ? (long) (30 * 1024 + 60 * 1024 * hours) : -1));
        }
        Soak.Trend warming = Soak.trend("ledger-service", growingHeap);
        assertFalse(warming.grows(window), warming.toString());
        Soak.Trend leak = Soak.trend("ledger-service", leaking);
        assertTrue(leak.liveGrows(window), leak.toString());
        assertTrue(leak.rssGrows(window), leak.toString());
        assertEquals(60 * 1024, leak.live().slopePerHour(), 1);
    }

    @Test
    void heapInfoOfSerialAndG1IsSummedOverTheHeapNotMetaspace() {
        String serial = """
                8407:
                 def new generation   total 116224K, used 47922K [0x00000000e8000000, 0x00000000efe10000)
                  eden space 103360K,  46% used [0x00000000e8000000, 0x00000000eaecca40)
                 tenured generation   total 258048K, used 26871K [0x00000000f0000000, 0x0000000100000000)
                   the space 258048K,  10% used [0x00000000f0000000, 0x00000000ffc00000)
                 Metaspace       used 101442K, committed 102272K, reserved 1179648K
                  class space    used 13046K, committed 13440K, reserved 1048576K
                """;
        HeapProbe.Reading reading = HeapProbe.parse(serial).orElseThrow();
        assertEquals(47922 + 26871, reading.liveKb(), "both generations, not Metaspace");
        assertTrue(reading.nativeKb().isEmpty(), "no native memory tracking in the answer");
        String g1 = """
                7575:
                 garbage-first heap   total 131072K, used 67453K [0x00000000e0000000, 0x0000000100000000)
                  region size 1024K, 16 young (16384K), 1 survivors (1024K)
                 Metaspace       used 45898K, committed 46848K, reserved 1114112K
                """;
        HeapProbe.Reading g1Reading = HeapProbe.parse(g1).orElseThrow();
        assertEquals(67453, g1Reading.liveKb());
        String tracked = serial + """

                Native Memory Tracking:

                Total: reserved=1857805KB, committed=462337KB
                -                 Java Heap (reserved=393216KB, committed=374272KB)
                                            (mmap: reserved=393216KB, committed=374272KB)

                -                      Code (reserved=249887KB, committed=23747KB)
                                            (malloc=2199KB #9361)
                -                    Thread (reserved=32947KB, committed=2647KB)
                """;
        assertEquals(java.util.Map.of("Total", 462337L, "Java Heap", 374272L, "Code", 23747L, "Thread", 2647L),
                HeapProbe.parse(tracked).orElseThrow().nativeKb());
        assertTrue(HeapProbe.parse("7575:\nAttachNotSupportedException: Unable to open socket file").isEmpty());
    }

    @Test
    void whereMemoryOutsideTheHeapGrewIsToldPerCategory() {
        List<Soak.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            double hours = i / 60.0;
            long code = (long) (20 * 1024 + 30 * 1024 * hours);
            samples.add(new Soak.Sample(hours, 1, 300 * 1024 + code, 100, 30 * 1024,
                    java.util.Map.of("Total", 250 * 1024 + code, "Code", code, "Thread", 3 * 1024L)));
        }
        String line = Soak.nativeTrends(samples, 10 / 60.0);
        assertTrue(line.startsWith("Total +30.0  Code +30.0") || line.startsWith("Code +30.0  Total +30.0"), line);
        assertTrue(line.contains("untracked +0.0"), line);
        assertFalse(line.contains("Thread"), "a flat category is left out: " + line);
        assertEquals("", Soak.nativeTrends(samples.stream().map(s -> new Soak.Sample(s.hours(), 1, s.rssKb(), 100)).toList(), 0));
    }

    @Test
    void onlyAJvmIsAskedForItsHeap(@TempDir java.nio.file.Path folder) throws Exception {
        assertTrue(HeapProbe.isJvm(ProcessHandle.current().pid()), "this test runs on a JVM");
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            // a process that is not a JVM is never attached to: attaching sends it SIGQUIT
            assertFalse(HeapProbe.isJvm(sleeper.pid()));
            assertTrue(HeapProbe.find(folder).orElseThrow()
                    .collect(sleeper.pid()).isEmpty());
            assertTrue(sleeper.isAlive(), "the process was not signalled");
        } finally {
            sleeper.destroy();
        }
    }

    @Test
    void durationsAndBadOptionsSayWhatIsExpected() {
        assertEquals(Duration.ofMinutes(30), ChaosMain.duration("--soak", "30m"));
        assertEquals(Duration.ofSeconds(10), ChaosMain.duration("--sample", "10s"));
        assertEquals(Duration.ofHours(1), ChaosMain.duration("--soak", "1h"));
        assertEquals(Duration.ofMillis(500), ChaosMain.duration("--every", "500ms"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChaosMain.duration("--soak", "soon"));
        assertTrue(e.getMessage().contains("30m"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChaosMain.run(List.of("--photos", "0")));
        assertThrows(IllegalArgumentException.class, () -> ChaosMain.run(List.of("--frobnicate")));
    }

    private static double meanDifference(BufferedImage a, BufferedImage b) {
        long sum = 0;
        long n = 0;
        for (int y = 0; y < a.getHeight(); y += 8) {
            for (int x = 0; x < a.getWidth(); x += 8) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                sum += Math.abs(((p >> 16) & 0xFF) - ((q >> 16) & 0xFF)) + Math.abs(((p >> 8) & 0xFF) - ((q >> 8) & 0xFF))
                        + Math.abs((p & 0xFF) - (q & 0xFF));
                n++;
            }
        }
        return sum / (3.0 * n);
    }
}
