package io.github.gen3d.bench;

import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.splat.SplatFrame;
import io.github.gen3d.splat.SplatIO;
import io.github.gen3d.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Splat file reading and writing: a real 14.5k-splat PLY and .splat, and a synthetic 200k-splat SH3 PLY
 * (48 MB) read from memory and written to a temporary file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SplatIOBench {
    private byte[] luigi;
    private byte[] lastchance;
    private byte[] bigPly;
    private GaussianCloud big;
    private Path dir;

    /** Loads the inputs. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        luigi = Files.readAllBytes(TestData.splat("inria_sh0_luigi.ply"));
        lastchance = Files.readAllBytes(TestData.splat("real_lastchance_14007.splat"));
        Random r = new Random(1);
        big = new GaussianCloud(200_000, 3);
        for (int i = 0; i < big.size(); i++) {
            big.set(i, new float[] {r.nextFloat(), r.nextFloat(), r.nextFloat()},
                    new float[] {0.01f + r.nextFloat(), 0.01f + r.nextFloat(), 0.01f + r.nextFloat()},
                    new float[] {r.nextFloat(), r.nextFloat(), r.nextFloat(), r.nextFloat()}, r.nextFloat());
        }
        for (int j = 0; j < big.sh().length; j++) {
            big.sh()[j] = (float) r.nextGaussian() * 0.1f;
        }
        dir = Files.createTempDirectory("splatbench");
        Path p = dir.resolve("big.ply");
        SplatIO.write(big, p, SplatFrame.RDF);
        bigPly = Files.readAllBytes(p);
    }

    /** Removes the temporary files. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /** 14,526 splats, SH0, binary PLY, file frame. */
    @Benchmark
    public GaussianCloud readLuigiPlyNative() throws IOException {
        return SplatIO.read(new ByteArrayInputStream(luigi), "luigi.ply", null, null);
    }

    /** 14,526 splats, SH0, converted to jME's frame. */
    @Benchmark
    public GaussianCloud readLuigiPlyToJme() throws IOException {
        return SplatIO.read(new ByteArrayInputStream(luigi), "luigi.ply", null, SplatFrame.RUB);
    }

    /** 14,007 splats, .splat, file frame. */
    @Benchmark
    public GaussianCloud readLastchanceSplat() throws IOException {
        return SplatIO.read(new ByteArrayInputStream(lastchance), "lastchance.splat", null, null);
    }

    /** 200,000 splats, SH3, binary PLY (48 MB), file frame. */
    @Benchmark
    public GaussianCloud readBigPlyNative() throws IOException {
        return SplatIO.read(new ByteArrayInputStream(bigPly), "big.ply", null, null);
    }

    /** 200,000 splats, SH3, converted to jME's frame (positions, rotations and SH rotated). */
    @Benchmark
    public GaussianCloud readBigPlyToJme() throws IOException {
        return SplatIO.read(new ByteArrayInputStream(bigPly), "big.ply", null, SplatFrame.RUB);
    }

    /** 200,000 splats, SH3, written atomically to a temporary PLY (with fsync). */
    @Benchmark
    public Path writeBigPly() throws IOException {
        Path p = dir.resolve("out.ply");
        SplatIO.write(big, p, SplatFrame.RDF);
        return p;
    }
}
