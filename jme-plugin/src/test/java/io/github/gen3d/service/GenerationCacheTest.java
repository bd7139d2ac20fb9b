package io.github.gen3d.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The generator's disk cache with the stand-in models: hit, miss, corrupt and truncated entries. */
@Timeout(120)
class GenerationCacheTest {
    @TempDir
    Path tmp;

    static List<Path> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".") && Files.isRegularFile(p)
                    && !p.getFileName().toString().endsWith(".tmp")).sorted().toList();
        }
    }

    @Test
    void aRepeatedRequestIsAnsweredFromTheCacheAndABrokenEntryIsRegeneratedNeverServed() throws Exception {
        Path dir = tmp.resolve("cache");
        StandInEngine engine = new StandInEngine();
        GenerationRequest req = AssetGeneratorTest.quick().category("mushroom").seed(3)
                .output(GenerationRequest.Output.BOTH).mesh(48, 300).build();
        try (AssetGenerator gen = AssetGeneratorTest.start(engine, AssetGeneratorTest.options()
                .withCache(dir, 64L << 20))) {
            GenerationResult first = gen.submit(req).future().get(60, TimeUnit.SECONDS);
            assertFalse(first.metadata().fromCache());
            assertEquals(1, engine.samplers.get());
            assertEquals(1, entries(dir).size());

            GenerationResult hit = gen.submit(req).future().get(60, TimeUnit.SECONDS);
            assertTrue(hit.metadata().fromCache());
            assertEquals(1, engine.samplers.get(), "a hit runs no model");
            assertEquals(1, engine.draws.get(), "not even the front end");
            assertArrayEquals(first.gaussians().positions(), hit.gaussians().positions());
            assertArrayEquals(first.gaussians().sh(), hit.gaussians().sh());
            assertArrayEquals(first.mesh().get().indices(), hit.mesh().get().indices());
            assertEquals(first.metadata().inputSha256(), hit.metadata().inputSha256());
            assertEquals(first.threeDPreview().getRGB(5, 5), hit.threeDPreview().getRGB(5, 5));

            gen.submit(req.toBuilder().seed(4).build()).future().get(60, TimeUnit.SECONDS);
            assertEquals(2, engine.samplers.get(), "another seed is a miss");
            gen.submit(req.toBuilder().steps(5).build()).future().get(60, TimeUnit.SECONDS);
            assertEquals(3, engine.samplers.get(), "other steps are a miss");
            assertEquals(3, entries(dir).size());

            // flip a byte in the middle of every entry: each is detected and regenerated, never served
            for (Path p : entries(dir)) {
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    long at = f.length() / 2;
                    f.seek(at);
                    int b = f.read();
                    f.seek(at);
                    f.write(b ^ 0x5a);
                }
            }
            GenerationResult regenerated = gen.submit(req).future().get(60, TimeUnit.SECONDS);
            assertFalse(regenerated.metadata().fromCache());
            assertEquals(4, engine.samplers.get());
            assertArrayEquals(first.gaussians().sh(), regenerated.gaussians().sh());
            assertTrue(gen.submit(req).future().get(60, TimeUnit.SECONDS).metadata().fromCache(),
                    "the regenerated entry is served again");

            // truncate every entry
            for (Path p : entries(dir)) {
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    f.setLength(f.length() / 3);
                }
            }
            GenerationResult afterTruncation = gen.submit(req).future().get(60, TimeUnit.SECONDS);
            assertFalse(afterTruncation.metadata().fromCache());
            assertEquals(5, engine.samplers.get());
            assertArrayEquals(first.gaussians().sh(), afterTruncation.gaussians().sh());
        }
    }

    @Test
    void theCacheKeepsToItsSizeLimit() throws Exception {
        Path dir = tmp.resolve("small");
        StandInEngine engine = new StandInEngine();
        try (AssetGenerator gen = AssetGeneratorTest.start(engine, AssetGeneratorTest.options()
                .withCache(dir, 40_000))) {
            long largest = 0;
            for (int s = 0; s < 8; s++) {
                gen.submit(AssetGeneratorTest.quick().category("crate").seed(s).build()).future().get(60,
                        TimeUnit.SECONDS);
                long total = 0;
                for (Path p : entries(dir)) {
                    total += Files.size(p);
                    largest = Math.max(largest, Files.size(p));
                }
                assertTrue(total <= 40_000, "cache holds " + total + " bytes after " + (s + 1) + " results");
            }
            assertTrue(largest > 10_000 && entries(dir).size() < 8, entries(dir).size() + " entries of up to "
                    + largest + " bytes");
            // the most recent one is still there
            gen.submit(AssetGeneratorTest.quick().category("crate").seed(7).build()).future().get(60,
                    TimeUnit.SECONDS);
            assertEquals(8, engine.samplers.get());
        }
    }
}
