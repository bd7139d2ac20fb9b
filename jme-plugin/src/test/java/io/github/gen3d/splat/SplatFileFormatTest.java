package io.github.gen3d.splat;

import static io.github.gen3d.splat.SplatTestSupport.C0;
import static io.github.gen3d.splat.SplatTestSupport.assertPlausible;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The antimatter15 .splat format against an independent decode of the raw records. */
class SplatFileFormatTest {
    private final SplatFileFormat fmt = new SplatFileFormat();

    @ParameterizedTest
    @CsvSource({"antimatter15_train3pts.splat, 3", "real_lastchance_14007.splat, 14007"})
    void realFilesMatchRawRecords(String file, int count) throws IOException {
        byte[] data = Files.readAllBytes(TestData.splat(file));
        GaussianCloud c = fmt.read(data, file);
        assertEquals(count, c.size());
        assertEquals(0, c.shDegree());
        assertPlausible(c, file);
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            int o = i * 32;
            for (int j = 0; j < 3; j++) {
                assertEquals(b.getFloat(o + 4 * j), c.positions()[i * 3 + j]);
                assertEquals(b.getFloat(o + 12 + 4 * j), c.scales()[i * 3 + j]);
                // the base colour 0.5 + C0·dc gives back the byte / 255
                assertEquals((data[o + 24 + j] & 0xFF) / 255.0, 0.5 + C0 * c.sh()[i * 3 + j], 1e-6);
            }
            assertEquals((data[o + 27] & 0xFF) / 255.0, c.opacities()[i], 1e-7);
            double[] q = new double[4];
            double n = 0;
            for (int j = 0; j < 4; j++) {
                q[j] = ((data[o + 28 + j] & 0xFF) - 128) / 128.0;
                n += q[j] * q[j];
            }
            for (int j = 0; j < 4; j++) {
                assertEquals(q[j] / Math.sqrt(n), c.rotations()[i * 4 + j], 1e-6);
            }
        }
    }

    @Test
    void roundTripWithinQuantisation() throws IOException {
        GaussianCloud c = SplatTestSupport.randomCloud(42, 1000, 2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fmt.write(c, out);
        assertEquals(1000 * 32, out.size());
        GaussianCloud back = fmt.read(out.toByteArray(), "rt.splat");
        assertEquals(0, back.shDegree());
        assertArrayEquals(c.positions(), back.positions());
        assertArrayEquals(c.scales(), back.scales());
        assertArrayEquals(c.opacities(), back.opacities(), 0.5f / 255 + 1e-6f);
        for (int i = 0; i < 1000; i++) {
            for (int ch = 0; ch < 3; ch++) {
                double want = Math.min(1, Math.max(0, 0.5 + C0 * c.sh()[i * 27 + ch]));
                assertEquals(want, 0.5 + C0 * back.sh()[i * 3 + ch], 0.5 / 255 + 1e-6, "colour " + i);
            }
            // each component is off by at most 1/256 before renormalising
            SplatTestSupport.assertSameRotation(c.rotations(), i, back.rotations(), i, 1.0 / 64, "rotation " + i);
        }
    }

    @Test
    void lengthNotAMultipleOf32IsAnIoException() {
        IOException e = assertThrows(IOException.class, () -> fmt.read(new byte[33], "odd.splat"));
        assertTrue(e.getMessage().startsWith("odd.splat: .splat length 33 bytes is not a multiple of 32"),
                e.getMessage());
    }

    @Test
    void zeroQuaternionBytesReadAsIdentity() throws IOException {
        byte[] rec = new byte[32];
        for (int j = 28; j < 32; j++) {
            rec[j] = (byte) 128;
        }
        GaussianCloud c = fmt.read(rec, "z.splat");
        assertArrayEquals(new float[] {1, 0, 0, 0}, c.rotations());
    }
}
