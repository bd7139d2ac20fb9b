package io.github.gen3d.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.diffusion.Condition;
import io.github.gen3d.image.InputImageException.Problem;
import io.github.gen3d.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputImagesTest {
    private static final int RED = 0xFFE02010;
    private static final int BLUE = 0xFF1030C0;

    @TempDir
    Path tmp;

    /** Bounding box {x0, y0, x1, y1} (inclusive) of the output pixels that are not near-white, or null. */
    private static int[] objectBox(PreparedImage img) {
        int n = img.size();
        int[] box = {n, n, -1, -1};
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                if (!nearWhite(img, y, x)) {
                    box[0] = Math.min(box[0], x);
                    box[1] = Math.min(box[1], y);
                    box[2] = Math.max(box[2], x);
                    box[3] = Math.max(box[3], y);
                }
            }
        }
        return box[2] < 0 ? null : box;
    }

    private static boolean nearWhite(PreparedImage img, int y, int x) {
        return img.value(0, y, x) > 0.9f && img.value(1, y, x) > 0.9f && img.value(2, y, x) > 0.9f;
    }

    /** Centroid {x, y} of the output's "darkness" 1 − (mean channel + 1)/2, in pixel-centre coordinates. */
    private static double[] centroid(PreparedImage img) {
        int n = img.size();
        double sx = 0;
        double sy = 0;
        double sw = 0;
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double v = (img.value(0, y, x) + img.value(1, y, x) + img.value(2, y, x)) / 3;
                double d = 1 - (v + 1) / 2;
                sx += d * (x + 0.5);
                sy += d * (y + 0.5);
                sw += d;
            }
        }
        return new double[] {sx / sw, sy / sw};
    }

    private static BufferedImage filled(int w, int h, int type, int argb) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, argb);
            }
        }
        return img;
    }

    /** Paints the pixels whose centres lie within radius r of (cx, cy). */
    private static void disc(BufferedImage img, double cx, double cy, double r, int argb) {
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                double dx = x + 0.5 - cx;
                double dy = y + 0.5 - cy;
                if (dx * dx + dy * dy <= r * r) {
                    img.setRGB(x, y, argb);
                }
            }
        }
    }

    private static void rect(BufferedImage img, int x0, int y0, int w, int h, int argb) {
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                img.setRGB(x, y, argb);
            }
        }
    }

    private static void save(String name, BufferedImage before, PreparedImage after) throws IOException {
        Path dir = TestData.out("image");
        ImageIO.write(before, "png", dir.resolve(name + "-before.png").toFile());
        ImageIO.write(after.toBufferedImage(), "png", dir.resolve(name + "-after.png").toFile());
    }

    private static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static void assertCornersExactlyWhite(PreparedImage img) {
        int n = img.size() - 1;
        for (int c = 0; c < 3; c++) {
            assertEquals(1f, img.value(c, 0, 0));
            assertEquals(1f, img.value(c, 0, n));
            assertEquals(1f, img.value(c, n, 0));
            assertEquals(1f, img.value(c, n, n));
        }
    }

    @Test
    void redDiscOnWhiteIsCentredFillsThreeQuartersOnExactWhite() throws IOException {
        BufferedImage src = filled(300, 200, BufferedImage.TYPE_INT_RGB, 0xFFFFFFFF);
        disc(src, 150, 100, 60, RED);
        PreparedImage img = InputImages.prepare(src, "disc", 64);
        save("disc", src, img);

        assertEquals(BackgroundRemoval.WHITE, img.background());
        assertEquals(new PreparedImage.Crop(90, 40, 120, 120), img.crop());
        assertEquals(64, img.size());
        assertEquals(3 * 64 * 64, img.chw().length);
        int[] box = objectBox(img);
        assertEquals(48, box[2] - box[0] + 1, 1.01, "width of " + Arrays.toString(box));
        assertEquals(48, box[3] - box[1] + 1, 1.01, "height of " + Arrays.toString(box));
        double[] c = centroid(img);
        assertEquals(32, c[0], 0.25);
        assertEquals(32, c[1], 0.25);
        // everything outside the disc is exactly white; inside it is the red
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                double r = Math.hypot(x + 0.5 - 32, y + 0.5 - 32);
                if (r > 25.5) {
                    for (int ch = 0; ch < 3; ch++) {
                        assertEquals(1f, img.value(ch, y, x), "pixel " + x + "," + y);
                    }
                } else if (r < 22.5) {
                    assertEquals(2 * 0xE0 / 255f - 1, img.value(0, y, x), 1e-4);
                    assertEquals(2 * 0x20 / 255f - 1, img.value(1, y, x), 1e-4);
                    assertEquals(2 * 0x10 / 255f - 1, img.value(2, y, x), 1e-4);
                }
            }
        }
    }

    @Test
    void transparentBackgroundUsesAlphaWithoutDarkFringe() throws IOException {
        // fully transparent black around the disc: without premultiplied resampling its edge would darken
        BufferedImage src = filled(240, 240, BufferedImage.TYPE_INT_ARGB, 0x00000000);
        disc(src, 120, 120, 50, 0xFFFF0000);
        PreparedImage img = InputImages.prepare(src, "alpha-disc", 64);
        save("alpha-disc", src, img);

        assertEquals(BackgroundRemoval.ALPHA, img.background());
        assertEquals(new PreparedImage.Crop(70, 70, 100, 100), img.crop());
        assertCornersExactlyWhite(img);
        int[] box = objectBox(img);
        assertEquals(48, box[2] - box[0] + 1, 1.01);
        assertEquals(48, box[3] - box[1] + 1, 1.01);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                // red over white: R stays 1, G = B = the white share
                assertEquals(1f, img.value(0, y, x), 1e-5, "red at " + x + "," + y);
                assertEquals(img.value(1, y, x), img.value(2, y, x), 1e-6);
            }
        }
        assertEquals(-1f, img.value(1, 32, 32), 1e-5);
    }

    @Test
    void partlyTransparentPixelsAreCompositedOnWhite() throws IOException {
        BufferedImage src = filled(64, 64, BufferedImage.TYPE_INT_ARGB, 0x00000000);
        rect(src, 16, 16, 32, 32, 0x80000000); // half-transparent black square
        PreparedImage img = InputImages.prepare(src, "half", 32, InputImages.Options.DEFAULT.withFill(1.0));
        // 50 % black over white: sRGB 127/255 → 2·(1 − 128/255) − 1
        float want = 2 * (1 - 128 / 255f) - 1;
        assertEquals(want, img.value(0, 16, 16), 1e-4);
        assertEquals(want, img.value(2, 0, 0), 1e-4, "fill 1.0: the square covers the frame");
    }

    @Test
    void offCentreObjectEndsCentred() throws IOException {
        BufferedImage src = filled(400, 300, BufferedImage.TYPE_INT_RGB, 0xFFFFFFFF);
        disc(src, 40, 260, 25, BLUE);
        PreparedImage img = InputImages.prepare(src, "corner", 64);
        save("corner", src, img);
        double[] c = centroid(img);
        assertEquals(32, c[0], 0.25);
        assertEquals(32, c[1], 0.25);
        int[] box = objectBox(img);
        assertEquals(box[0], 63 - box[2], "left and right margins");
        assertEquals(box[1], 63 - box[3], "top and bottom margins");
    }

    @Test
    void nonSquareObjectKeepsItsAspect() throws IOException {
        BufferedImage src = filled(320, 240, BufferedImage.TYPE_INT_RGB, 0xFFF8F8F8);
        rect(src, 50, 100, 200, 50, BLUE);
        PreparedImage img = InputImages.prepare(src, "bar", 64);
        save("bar", src, img);
        assertEquals(new PreparedImage.Crop(50, 100, 200, 50), img.crop());
        int[] box = objectBox(img);
        assertEquals(48, box[2] - box[0] + 1, 0.01, "width: the larger side fills 75 %");
        assertEquals(12, box[3] - box[1] + 1, 0.01, "height: 48 / 4");
        assertEquals(box[0], 63 - box[2]);
        assertEquals(box[1], 63 - box[3]);
    }

    @Test
    void tallObjectFillsHeight() throws IOException {
        BufferedImage src = filled(200, 300, BufferedImage.TYPE_INT_RGB, 0xFFFFFFFF);
        rect(src, 80, 20, 40, 240, RED);
        PreparedImage img = InputImages.prepare(src, "tall", 128, InputImages.Options.DEFAULT.withFill(0.5));
        int[] box = objectBox(img);
        assertEquals(64, box[3] - box[1] + 1, 0.01);
        assertEquals(64 / 6.0, box[2] - box[0] + 1, 2.01);
    }

    @Test
    void shrinkingAveragesAreas() throws IOException {
        // a one-pixel checkerboard must shrink to an even grey, not alias
        BufferedImage src = filled(400, 400, BufferedImage.TYPE_INT_ARGB, 0x00000000);
        for (int y = 50; y < 350; y++) {
            for (int x = 50; x < 350; x++) {
                src.setRGB(x, y, (x + y) % 2 == 0 ? 0xFF000000 : 0xFFFFFFFF);
            }
        }
        PreparedImage img = InputImages.prepare(src, "checker", 64);
        save("checker", src, img);
        for (int y = 10; y < 54; y++) {
            for (int x = 10; x < 54; x++) {
                assertEquals(0f, img.value(1, y, x), 0.02, "grey at " + x + "," + y);
            }
        }
    }

    @Test
    void enlargingIsBilinearAndCentred() throws IOException {
        BufferedImage src = filled(40, 40, BufferedImage.TYPE_INT_RGB, 0xFFFFFFFF);
        rect(src, 5, 5, 10, 10, 0xFF000000);
        PreparedImage img = InputImages.prepare(src, "small", 256);
        save("small", src, img);
        assertEquals(new PreparedImage.Crop(5, 5, 10, 10), img.crop());
        double[] c = centroid(img);
        assertEquals(128, c[0], 0.25);
        assertEquals(128, c[1], 0.25);
        assertEquals(-1f, img.value(0, 128, 128));
        // 19.2 output pixels per source pixel: half-way between black and white exactly at the crop's edges
        int dark = 0;
        for (int x = 0; x < 256; x++) {
            dark += img.value(0, 128, x) < 0 ? 1 : 0;
        }
        assertEquals(192, dark, 1);
        // and the ramp reaches half a source pixel beyond them
        int[] box = objectBox(img);
        assertEquals(192 + 19.2, box[2] - box[0] + 1, 3);
        float previous = 1f;
        for (int x = 0; x < 128; x++) {
            float v = img.value(0, 128, x);
            assertTrue(v <= previous + 1e-6f, "monotone towards the middle");
            previous = v;
        }
    }

    @Test
    void photoWithoutWhiteBorderIsUsedWhole() throws IOException {
        BufferedImage src = new BufferedImage(160, 120, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(7);
        for (int y = 0; y < 120; y++) {
            for (int x = 0; x < 160; x++) {
                int r = 40 + x + rnd.nextInt(20);
                int g = 60 + y + rnd.nextInt(20);
                int b = 120 + (x + y) / 4 + rnd.nextInt(20);
                src.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        PreparedImage img = InputImages.prepare(src, "photo", 64);
        save("photo", src, img);
        assertEquals(BackgroundRemoval.NONE, img.background());
        assertEquals(new PreparedImage.Crop(0, 0, 160, 120), img.crop());
        assertEquals(1.0, img.objectFraction());
        int[] box = objectBox(img);
        assertEquals(48, box[2] - box[0] + 1, 0.01);
        assertEquals(36, box[3] - box[1] + 1, 0.01);
        assertCornersExactlyWhite(img);
    }

    @Test
    void whiteInsideTheObjectIsKept() throws IOException {
        // a black ring with a white hole: the hole is not connected to the border, so it stays part of the object
        BufferedImage src = filled(200, 200, BufferedImage.TYPE_INT_RGB, 0xFFFFFFFF);
        disc(src, 100, 100, 60, 0xFF000000);
        disc(src, 100, 100, 30, 0xFFFFFFFF);
        PreparedImage img = InputImages.prepare(src, "ring", 64);
        assertEquals(new PreparedImage.Crop(40, 40, 120, 120), img.crop());
        assertEquals(1f, img.value(0, 32, 32));
        double hole = Math.PI * 30 * 30;
        assertEquals(Math.PI * 60 * 60 / (200.0 * 200.0), img.objectFraction(), 0.01);
        assertTrue(img.objectFraction() * 200 * 200 > hole, "hole counted as object");
    }

    @Test
    void noiseOnWhiteBackgroundBelowThresholdStaysBackground() throws IOException {
        BufferedImage src = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(3);
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 200; x++) {
                int v = 240 + rnd.nextInt(16); // JPEG-like off-white
                src.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        rect(src, 70, 80, 60, 40, BLUE);
        PreparedImage img = InputImages.prepare(src, "noisy", 64);
        assertEquals(BackgroundRemoval.WHITE, img.background());
        assertEquals(new PreparedImage.Crop(70, 80, 60, 40), img.crop());
        assertCornersExactlyWhite(img);
        // a stricter threshold turns the noise into object
        PreparedImage strict = InputImages.prepare(src, "noisy", 64,
                InputImages.Options.DEFAULT.withWhiteThreshold(250));
        assertTrue(strict.crop().width() > 60, strict.crop().toString());
    }

    @Test
    void allWhiteAndFullyTransparentAreRejectedNamingThePicture() {
        InputImageException white = assertThrows(InputImageException.class, () -> InputImages
                .prepare(filled(100, 80, BufferedImage.TYPE_INT_RGB, 0xFFFFFFFF), "blank.png", 64));
        assertEquals(Problem.EMPTY, white.problem());
        assertTrue(white.getMessage().contains("blank.png"), white.getMessage());
        InputImageException clear = assertThrows(InputImageException.class, () -> InputImages
                .prepare(filled(100, 80, BufferedImage.TYPE_INT_ARGB, 0x00FF0000), "clear.png", 64));
        assertEquals(Problem.EMPTY, clear.problem());
        assertTrue(clear.getMessage().contains("clear.png") && clear.getMessage().contains("transparent"),
                clear.getMessage());
    }

    @Test
    void speckIsRejectedAsTooSmallAnObject() throws IOException {
        BufferedImage src = filled(200, 200, BufferedImage.TYPE_INT_RGB, 0xFFFFFFFF);
        rect(src, 100, 100, 6, 6, RED); // 36 pixels < 0.1 % of 40000
        InputImageException e = assertThrows(InputImageException.class, () -> InputImages.prepare(src, "speck", 64));
        assertEquals(Problem.EMPTY, e.problem());
        rect(src, 100, 100, 7, 7, RED); // 49 pixels > 40
        assertEquals(BackgroundRemoval.WHITE, InputImages.prepare(src, "speck", 64).background());
    }

    @Test
    void tinyPictureIsRejected() throws IOException {
        BufferedImage src = filled(8, 8, BufferedImage.TYPE_INT_RGB, 0xFF000000);
        InputImageException e = assertThrows(InputImageException.class, () -> InputImages.prepare(src, "tiny", 64));
        assertEquals(Problem.TOO_SMALL, e.problem());
        assertTrue(e.getMessage().contains("tiny") && e.getMessage().contains("8x8"), e.getMessage());
        Path file = tmp.resolve("tiny.png");
        Files.write(file, png(filled(40, 15, BufferedImage.TYPE_INT_RGB, 0xFF000000)));
        InputImageException f = assertThrows(InputImageException.class, () -> InputImages.read(file, 64));
        assertEquals(Problem.TOO_SMALL, f.problem());
        assertTrue(f.getMessage().contains(file.toString()), f.getMessage());
    }

    @Test
    void badFilesAreRejectedNamingTheFile() throws IOException {
        byte[] random = new byte[4096];
        new Random(1).nextBytes(random);
        random[0] = 0x7F;
        Path noise = tmp.resolve("noise.png");
        Files.write(noise, random);
        Path empty = tmp.resolve("empty.jpg");
        Files.write(empty, new byte[0]);
        BufferedImage disc = filled(200, 200, BufferedImage.TYPE_INT_RGB, 0xFFFFFFFF);
        disc(disc, 100, 100, 70, RED);
        byte[] whole = png(disc);
        Path cut = tmp.resolve("cut.png");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        Path missing = tmp.resolve("missing.png");
        for (Path file : new Path[] {noise, empty, cut, missing, tmp}) {
            InputImageException e = assertThrows(InputImageException.class, () -> InputImages.read(file, 64),
                    file.toString());
            assertEquals(Problem.UNREADABLE, e.problem(), e.getMessage());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertEquals(file.toString(), e.source());
        }
    }

    @Test
    void truncatedJpegIsRejected() throws IOException {
        BufferedImage disc = filled(300, 300, BufferedImage.TYPE_INT_RGB, 0xFFFFFFFF);
        disc(disc, 150, 150, 100, RED);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(disc, "jpeg", out);
        byte[] whole = out.toByteArray();
        Path cut = tmp.resolve("cut.jpg");
        Files.write(cut, Arrays.copyOf(whole, whole.length * 2 / 3));
        InputImageException e = assertThrows(InputImageException.class, () -> InputImages.read(cut, 64));
        assertEquals(Problem.UNREADABLE, e.problem(), e.getMessage());
        assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
    }

    /** A PNG whose header claims the given size, followed by IEND and no pixel data. */
    private static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        b.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
        CRC32 end = new CRC32();
        end.update("IEND".getBytes(StandardCharsets.US_ASCII));
        b.putInt(0).put("IEND".getBytes(StandardCharsets.US_ASCII)).putInt((int) end.getValue());
        return b.array();
    }

    @Test
    void hugeHeaderIsRejectedBeforeDecoding() throws IOException {
        Path huge = tmp.resolve("huge.png");
        Files.write(huge, pngHeaderOnly(100_000, 100_000));
        InputImageException e = assertThrows(InputImageException.class, () -> InputImages.read(huge, 64));
        // decoding would have failed differently (no pixel data, or out of memory): the header check came first
        assertEquals(Problem.TOO_LARGE, e.problem(), e.getMessage());
        assertTrue(e.getMessage().contains(huge.toString()) && e.getMessage().contains("100000x100000"),
                e.getMessage());
        // within each side's limit but over the pixel limit
        Path wide = tmp.resolve("wide.png");
        Files.write(wide, pngHeaderOnly(16_000, 8_000));
        assertEquals(Problem.TOO_LARGE, assertThrows(InputImageException.class,
                () -> InputImages.read(wide, 64)).problem());
        // the same header at an acceptable size gets as far as decoding, and fails there
        Path ok = tmp.resolve("ok.png");
        Files.write(ok, pngHeaderOnly(100, 100));
        assertEquals(Problem.UNREADABLE, assertThrows(InputImageException.class,
                () -> InputImages.read(ok, 64)).problem());
    }

    @Test
    void commonFormatsAreRead() throws IOException {
        BufferedImage src = filled(180, 120, BufferedImage.TYPE_INT_RGB, 0xFFFFFFFF);
        disc(src, 60, 60, 40, RED);
        for (String format : new String[] {"png", "jpeg", "bmp", "gif"}) {
            Path file = tmp.resolve("disc." + format);
            assertTrue(ImageIO.write(src, format, file.toFile()), format);
            PreparedImage img = InputImages.read(file, 64);
            assertEquals(BackgroundRemoval.WHITE, img.background(), format);
            assertEquals(180, img.sourceWidth());
            assertEquals(120, img.sourceHeight());
            assertEquals(file.toString(), img.sourceName());
            double[] c = centroid(img);
            assertEquals(32, c[0], 0.5, format);
            assertEquals(32, c[1], 0.5, format);
            // JPEG's ringing and chroma subsampling darken a few pixels around the disc: they count as object
            double slack = format.equals("jpeg") ? 6 : 0;
            assertEquals(20, img.crop().x(), 1 + slack, format);
            assertEquals(80, img.crop().width(), 2 + 2 * slack, format);
            assertTrue(img.value(0, 32, 32) > 0.6f && img.value(1, 32, 32) < -0.6f, format + " red in the middle");
            assertCornersExactlyWhite(img);
        }
        // and a stream, with a transparent PNG
        BufferedImage alpha = filled(100, 100, BufferedImage.TYPE_INT_ARGB, 0x00FFFFFF);
        disc(alpha, 50, 50, 30, BLUE);
        PreparedImage img = InputImages.read(new ByteArrayInputStream(png(alpha)), "asset.png", 32,
                InputImages.Options.DEFAULT);
        assertEquals(BackgroundRemoval.ALPHA, img.background());
        assertEquals("asset.png", img.sourceName());
    }

    @Test
    void outputsAgree() throws IOException {
        BufferedImage src = filled(100, 100, BufferedImage.TYPE_INT_RGB, 0xFFFFFFFF);
        disc(src, 50, 50, 30, BLUE);
        PreparedImage img = InputImages.prepare(src, "disc", 16);
        float[] chw = img.chw();
        chw[0] = 42f;
        assertEquals(1f, img.chw()[0], "chw() is a copy");
        BufferedImage rgb = img.toBufferedImage();
        assertEquals(16, rgb.getWidth());
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                int p = rgb.getRGB(x, y);
                assertEquals((img.value(0, y, x) + 1) / 2 * 255, p >> 16 & 0xFF, 0.51);
                assertEquals((img.value(1, y, x) + 1) / 2 * 255, p >> 8 & 0xFF, 0.51);
                assertEquals((img.value(2, y, x) + 1) / 2 * 255, p & 0xFF, 0.51);
            }
        }
        Condition c = img.toCondition();
        assertEquals(3, c.channels());
        assertEquals(16, c.height());
        assertEquals(16, c.width());
        assertArrayEquals(img.chw(), c.image());
        assertTrue(!c.hasLabel());
    }

    @Test
    void argumentsAreChecked() {
        BufferedImage src = filled(32, 32, BufferedImage.TYPE_INT_RGB, 0xFF000000);
        assertThrows(IllegalArgumentException.class, () -> InputImages.prepare(null, "x", 64));
        assertThrows(IllegalArgumentException.class, () -> InputImages.prepare(src, null, 64));
        assertThrows(IllegalArgumentException.class, () -> InputImages.prepare(src, "x", 64, null));
        assertThrows(IllegalArgumentException.class, () -> InputImages.prepare(src, "x", 7));
        assertThrows(IllegalArgumentException.class, () -> InputImages.prepare(src, "x", 1025));
        assertThrows(IllegalArgumentException.class, () -> InputImages.read((Path) null, 64));
        assertThrows(IllegalArgumentException.class, () -> InputImages.read(null, "x", 64,
                InputImages.Options.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> new InputImages.Options(0, 235));
        assertThrows(IllegalArgumentException.class, () -> new InputImages.Options(1.01, 235));
        assertThrows(IllegalArgumentException.class, () -> new InputImages.Options(Double.NaN, 235));
        assertThrows(IllegalArgumentException.class, () -> new InputImages.Options(0.75, 0));
        assertThrows(IllegalArgumentException.class, () -> new InputImages.Options(0.75, 256));
    }
}
