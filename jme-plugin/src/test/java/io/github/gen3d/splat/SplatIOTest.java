package io.github.gen3d.splat;

import static io.github.gen3d.splat.SplatTestSupport.C0;
import static io.github.gen3d.splat.SplatTestSupport.sigmoid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.splat.SplatTestSupport.RawPly;
import io.github.gen3d.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade: format choice, frames, atomic writes, size limits, cross-format agreement. */
class SplatIOTest {
    @TempDir
    Path tmp;

    @Test
    void defaultReadConvertsRdfToRubByTurningAboutX() throws IOException {
        Path file = TestData.splat("inria_sh3_train3pts.ply");
        GaussianCloud rdf = SplatIO.read(file, null, null);
        GaussianCloud rub = SplatIO.read(file);
        assertEquals(3, rub.size());
        double[] f = {1, 0, 0, 0, -1, 0, 0, 0, -1};
        for (int i = 0; i < 3; i++) {
            assertEquals(rdf.positions()[i * 3], rub.positions()[i * 3]);
            assertEquals(-rdf.positions()[i * 3 + 1], rub.positions()[i * 3 + 1]);
            assertEquals(-rdf.positions()[i * 3 + 2], rub.positions()[i * 3 + 2]);
            assertArrayEquals(java.util.Arrays.copyOfRange(rdf.scales(), i * 3, i * 3 + 3),
                    java.util.Arrays.copyOfRange(rub.scales(), i * 3, i * 3 + 3));
            assertEquals(rdf.opacities()[i], rub.opacities()[i]);
            // the ellipsoid turns with the frame: R_rub = F · R_rdf (a rotation, no mirror)
            double[] a = SplatTestSupport.matrix(rdf.rotations(), i);
            double[] b = SplatTestSupport.matrix(rub.rotations(), i);
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(f[r * 3 + r] * a[r * 3 + c], b[r * 3 + c], 1e-5);
                }
            }
            // view-dependent colour: seen from direction d in RDF = seen from F·d in RUB
            Random rnd = new Random(i);
            double[] scratch = new double[16];
            float[] ca = new float[3], cb = new float[3];
            for (int s = 0; s < 20; s++) {
                double x = rnd.nextGaussian(), y = rnd.nextGaussian(), z = rnd.nextGaussian();
                double n = Math.sqrt(x * x + y * y + z * z);
                SphericalHarmonics.colour(rdf, i, x / n, y / n, z / n, scratch, ca);
                SphericalHarmonics.colour(rub, i, x / n, -y / n, -z / n, scratch, cb);
                assertArrayEquals(ca, cb, 1e-4f);
            }
        }
    }

    @Test
    void sourceFrameOverrideAndNoConversion() throws IOException {
        Path file = TestData.splat("antimatter15_train3pts.splat");
        GaussianCloud nativeFrame = SplatIO.read(file, null, null);
        // claiming the file is already RUB: asking for RUB changes nothing
        assertEquals(nativeFrame, SplatIO.read(file, SplatFrame.RUB, SplatFrame.RUB));
        assertEquals(nativeFrame, SplatIO.read(file, SplatFrame.RDF, SplatFrame.RDF));
        GaussianCloud flipped = SplatIO.read(file, SplatFrame.RUB, SplatFrame.RDF);
        assertEquals(-nativeFrame.positions()[1], flipped.positions()[1]);
    }

    @Test
    void inputStreamOverloadMatchesPath() throws IOException {
        Path file = TestData.splat("inria_sh0_luigi.ply");
        GaussianCloud a = SplatIO.read(file);
        GaussianCloud b = SplatIO.read(new ByteArrayInputStream(Files.readAllBytes(file)), "luigi.PLY",
                null, SplatFrame.RUB);
        assertEquals(a, b);
    }

    /** The same 3 splats as .ply (float) and .splat (quantised), decoded from the raw bytes here. */
    @Test
    void crossFormatTrain3pts() throws IOException {
        byte[] plyBytes = Files.readAllBytes(TestData.splat("inria_sh3_train3pts.ply"));
        byte[] splatBytes = Files.readAllBytes(TestData.splat("antimatter15_train3pts.splat"));
        RawPly raw = new RawPly(plyBytes);
        ByteBuffer sb = ByteBuffer.wrap(splatBytes).order(ByteOrder.LITTLE_ENDIAN);
        GaussianCloud fromPly = SplatIO.read(TestData.splat("inria_sh3_train3pts.ply"));
        GaussianCloud fromSplat = SplatIO.read(TestData.splat("antimatter15_train3pts.splat"));
        assertEquals(3, fromPly.size());
        assertEquals(3, fromSplat.size());
        for (int i = 0; i < 3; i++) {
            // raw-byte agreement between the two files (no code under test involved)
            for (int j = 0; j < 3; j++) {
                assertEquals(raw.get(i, new String[] {"x", "y", "z"}[j]), sb.getFloat(i * 32 + 4 * j));
                double s = Math.exp(raw.get(i, "scale_" + j));
                assertEquals(s, sb.getFloat(i * 32 + 12 + 4 * j), s * 1e-6);
                double colour = Math.min(1, Math.max(0, 0.5 + C0 * raw.get(i, "f_dc_" + j)));
                assertEquals(colour, (splatBytes[i * 32 + 24 + j] & 0xFF) / 255.0, 1.0 / 255 + 1e-6);
            }
            assertEquals(sigmoid(raw.get(i, "opacity")), (splatBytes[i * 32 + 27] & 0xFF) / 255.0, 1.0 / 255);
            // and the two decoded clouds agree (both converted to RUB)
            for (int j = 0; j < 3; j++) {
                assertEquals(fromPly.positions()[i * 3 + j], fromSplat.positions()[i * 3 + j]);
                assertEquals(fromPly.scales()[i * 3 + j], fromSplat.scales()[i * 3 + j],
                        fromPly.scales()[i * 3 + j] * 1e-6);
                double cp = Math.min(1, Math.max(0, 0.5 + C0 * fromPly.sh()[i * 48 + j]));
                assertEquals(cp, 0.5 + C0 * fromSplat.sh()[i * 3 + j], 1.0 / 255 + 1e-6);
            }
            assertEquals(fromPly.opacities()[i], fromSplat.opacities()[i], 1.0 / 255);
            SplatTestSupport.assertSameRotation(fromPly.rotations(), i, fromSplat.rotations(), i, 1.0 / 128,
                    "rotation " + i);
        }
    }

    @Test
    void plyRoundTripThroughFilesInJmeFrame() throws IOException {
        GaussianCloud c = SplatTestSupport.randomCloud(7, 500, 3);
        GaussianCloud before = c.copy();
        Path file = tmp.resolve("rt.ply");
        SplatIO.write(c, file);
        assertEquals(before, c, "write must not change the caller's cloud");
        // the file is in RDF: y and z negated
        RawPly raw = new RawPly(Files.readAllBytes(file));
        assertEquals(500, raw.count);
        assertEquals(c.positions()[0], raw.get(0, "x"));
        assertEquals(-c.positions()[1], raw.get(0, "y"));
        assertEquals(-c.positions()[2], raw.get(0, "z"));
        GaussianCloud back = SplatIO.read(file);
        assertArrayEquals(c.positions(), back.positions());
        assertArrayEquals(c.opacities(), back.opacities(), 1e-6f);
        assertArrayEquals(c.sh(), back.sh(), 1e-4f);
        for (int i = 0; i < 500; i++) {
            SplatTestSupport.assertSameRotation(c.rotations(), i, back.rotations(), i, 1e-5, "rotation " + i);
            for (int j = 0; j < 3; j++) {
                assertEquals(c.scales()[i * 3 + j], back.scales()[i * 3 + j], c.scales()[i * 3 + j] * 1e-6);
            }
        }
    }

    @Test
    void splatRoundTripThroughFilesWithinQuantisation() throws IOException {
        GaussianCloud c = SplatTestSupport.randomCloud(8, 300, 1);
        Path file = tmp.resolve("rt.splat");
        SplatIO.write(c, file);
        assertEquals(300 * 32, Files.size(file));
        GaussianCloud back = SplatIO.read(file);
        assertArrayEquals(c.positions(), back.positions());
        assertArrayEquals(c.scales(), back.scales());
        assertArrayEquals(c.opacities(), back.opacities(), 0.5f / 255 + 1e-6f);
        for (int i = 0; i < 300; i++) {
            SplatTestSupport.assertSameRotation(c.rotations(), i, back.rotations(), i, 1.0 / 64, "rotation " + i);
            for (int ch = 0; ch < 3; ch++) {
                double want = Math.min(1, Math.max(0, 0.5 + C0 * c.sh()[i * 12 + ch]));
                assertEquals(want, 0.5 + C0 * back.sh()[i * 3 + ch], 0.5 / 255 + 1e-6);
            }
        }
    }

    @Test
    void unknownExtensionNamesIt() {
        IOException e = assertThrows(IOException.class, () -> SplatIO.read(tmp.resolve("scene.obj")));
        assertTrue(e.getMessage().contains("scene.obj") && e.getMessage().contains("'.obj'"), e.getMessage());
        e = assertThrows(IOException.class,
                () -> SplatIO.write(new GaussianCloud(1, 0), tmp.resolve("noext")));
        assertTrue(e.getMessage().contains("noext") && e.getMessage().contains("(none)"), e.getMessage());
        assertEquals(List.of(), listing(), "nothing written");
    }

    @Test
    void failedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path file = tmp.resolve("keep.ply");
        Files.write(file, "old".getBytes(StandardCharsets.US_ASCII));
        SplatFormat failing = new SplatFormat() {
            @Override
            public String extension() {
                return "ply";
            }

            @Override
            public SplatFrame nativeFrame() {
                return SplatFrame.RDF;
            }

            @Override
            public GaussianCloud read(byte[] data, String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(GaussianCloud cloud, OutputStream out) throws IOException {
                out.write(new byte[100_000]);
                throw new IOException("disk full (simulated)");
            }
        };
        IOException e = assertThrows(IOException.class,
                () -> SplatIO.write(new GaussianCloud(2, 0), file, SplatFrame.RUB, failing));
        assertTrue(e.getMessage().contains("keep.ply") && e.getMessage().contains("disk full"), e.getMessage());
        assertEquals("old", Files.readString(file));
        assertEquals(List.of("keep.ply"), listing());
        // a good write replaces the file and also leaves no temporary behind
        SplatIO.write(SplatTestSupport.randomCloud(1, 4, 0), file);
        assertEquals(4, SplatIO.read(file).size());
        assertEquals(List.of("keep.ply"), listing());
    }

    @Test
    void runtimeExceptionInAReaderSurfacesAsIoExceptionNamingTheFile() {
        SplatFormat stand = new SplatFormat() {
            @Override
            public String extension() {
                return "splat";
            }

            @Override
            public SplatFrame nativeFrame() {
                return SplatFrame.RDF;
            }

            @Override
            public GaussianCloud read(byte[] data, String name) {
                throw new ArrayIndexOutOfBoundsException(7);
            }

            @Override
            public void write(GaussianCloud cloud, OutputStream out) {
            }
        };
        IOException e = assertThrows(IOException.class,
                () -> SplatIO.decode(new byte[32], "bug.splat", stand, null, SplatFrame.RUB));
        assertTrue(e.getMessage().startsWith("bug.splat: internal error"), e.getMessage());
        assertTrue(e.getCause() instanceof ArrayIndexOutOfBoundsException);
    }

    @Test
    void emptyAndHugeFilesAreRefusedBeforeReading() throws IOException {
        Path empty = tmp.resolve("empty.splat");
        Files.createFile(empty);
        IOException e = assertThrows(IOException.class, () -> SplatIO.read(empty));
        assertTrue(e.getMessage().startsWith(empty + ": the file is empty"), e.getMessage());
        // a sparse 3 GiB file: refused from its size alone, quickly and without reading it
        Path huge = tmp.resolve("huge.ply");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L << 30);
        }
        e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(IOException.class, () -> SplatIO.read(huge)));
        assertTrue(e.getMessage().startsWith(huge + ": the file is 3221225472 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("2 GiB"), e.getMessage());
    }

    private List<String> listing() {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
