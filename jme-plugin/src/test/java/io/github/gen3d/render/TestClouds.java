package io.github.gen3d.render;

import io.github.gen3d.splat.GaussianCloud;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Clouds for the rasterizer tests and benchmark. */
public final class TestClouds {
    private TestClouds() {
    }

    /**
     * Random splats in a box: uniform positions in [-half, half]³, log-uniform scales in [sMin, sMax], random
     * rotations, opacities in [0.05, 1], DC colour N(0, 1), higher SH N(0, 0.3).
     *
     * @param n count
     * @param shDegree 0..3
     * @param half half the box edge
     * @param sMin smallest scale
     * @param sMax largest scale
     * @param seed seed
     * @return a new cloud
     */
    public static GaussianCloud random(int n, int shDegree, float half, float sMin, float sMax, long seed) {
        Random rnd = new Random(seed);
        GaussianCloud c = new GaussianCloud(n, shDegree);
        float[] sh = c.sh();
        int k3 = c.shCoefficients() * 3;
        double lmin = Math.log(sMin), lmax = Math.log(sMax);
        for (int i = 0; i < n; i++) {
            float[] pos = {(rnd.nextFloat() * 2 - 1) * half, (rnd.nextFloat() * 2 - 1) * half,
                (rnd.nextFloat() * 2 - 1) * half};
            float[] scale = new float[3];
            for (int j = 0; j < 3; j++) {
                scale[j] = (float) Math.exp(lmin + (lmax - lmin) * rnd.nextDouble());
            }
            float[] q = {(float) rnd.nextGaussian(), (float) rnd.nextGaussian(), (float) rnd.nextGaussian(),
                (float) rnd.nextGaussian()};
            c.set(i, pos, scale, q, 0.05f + 0.95f * rnd.nextFloat());
            for (int j = 0; j < k3; j++) {
                sh[i * k3 + j] = (float) (rnd.nextGaussian() * (j < 3 ? 1.0 : 0.3));
            }
        }
        return c;
    }

    /**
     * Reads an antimatter15 {@code .splat} file (32 bytes per splat: position f32×3, linear scale f32×3, RGBA u8,
     * quaternion u8 w,x,y,z as (b−128)/128) and converts it from the file's RDF frame to jME's (negate y and z of
     * positions and of the quaternion's vector part). Test helper only; the library's readers are elsewhere.
     *
     * @param file the file
     * @return a degree-0 cloud in jME's frame
     * @throws IOException on read failure or a size that is not a multiple of 32
     */
    public static GaussianCloud readDotSplat(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        if (data.length % 32 != 0) {
            throw new IOException(file + ": size " + data.length + " is not a multiple of 32");
        }
        int n = data.length / 32;
        GaussianCloud c = new GaussianCloud(n, 0);
        ByteBuffer bb = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            int o = i * 32;
            float[] pos = {bb.getFloat(o), -bb.getFloat(o + 4), -bb.getFloat(o + 8)};
            float[] scale = {bb.getFloat(o + 12), bb.getFloat(o + 16), bb.getFloat(o + 20)};
            int r = data[o + 24] & 0xff, g = data[o + 25] & 0xff, b = data[o + 26] & 0xff, a = data[o + 27] & 0xff;
            float qw = ((data[o + 28] & 0xff) - 128) / 128f, qx = ((data[o + 29] & 0xff) - 128) / 128f;
            float qy = ((data[o + 30] & 0xff) - 128) / 128f, qz = ((data[o + 31] & 0xff) - 128) / 128f;
            c.set(i, pos, scale, new float[] {qw, qx, -qy, -qz}, a / 255f);
            c.setColour(i, r / 255f, g / 255f, b / 255f);
        }
        return c;
    }
}
