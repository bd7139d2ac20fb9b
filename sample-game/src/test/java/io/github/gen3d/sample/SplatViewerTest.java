package io.github.gen3d.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The viewer's headless screenshot mode (needs a display: run under xvfb-run, as ./test.sh does). */
class SplatViewerTest {
    @TempDir
    Path tmp;

    private static Path out(String name) throws Exception {
        Path dir = Paths.get(System.getProperty("gen3d.testOut", "target/test-out")).resolve("viewer");
        Files.createDirectories(dir);
        return dir.resolve(name);
    }

    /** Runs the viewer, retrying only "no GL context" (NoGlRetry). */
    private static int view(String... args) throws InterruptedException {
        return NoGlRetry.execute(SplatViewer::new, args);
    }

    /** The shipped sample renders: the red cap is in the picture, centred, and the corners show background. */
    @Test
    @Timeout(120)
    void screenshotOfTheShippedSample() throws Exception {
        Path png = out("mushroom.png");
        Files.deleteIfExists(png);
        int code = view("--screenshot", png.toString(), "--width", "320",
                "--height", "240", "--frames", "10");
        assertEquals(0, code);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(320, img.getWidth());
        assertEquals(240, img.getHeight());
        int corner = img.getRGB(2, 2);
        int red = 0, differs = 0;
        for (int y = 0; y < 240; y++) {
            for (int x = 0; x < 320; x++) {
                int c = img.getRGB(x, y);
                int r = c >> 16 & 0xff, g = c >> 8 & 0xff, b = c & 0xff;
                if (r > 120 && r > 2 * g && r > 2 * b) {
                    red++;
                }
                if (c != corner) {
                    differs++;
                }
            }
        }
        assertTrue(red > 320 * 240 / 50, "the red cap should cover > 2% of the picture, got " + red + " pixels");
        assertTrue(differs < 320 * 240 * 3 / 4, "most of the picture should be background");
        assertEquals(corner, img.getRGB(317, 237), "corners show the background");
    }

    /** --mesh converts the sample to a mesh, writes a .glb and shows it beside the splats. */
    @Test
    @Timeout(180)
    void convertToMeshWritesAGlb() throws Exception {
        Path glb = tmp.resolve("mushroom.glb");
        Path png = out("mushroom-mesh.png");
        Files.deleteIfExists(png);
        int code = view("--mesh", glb.toString(), "--mesh-resolution", "96",
                "--screenshot", png.toString(), "--width", "320", "--height", "240", "--frames", "5");
        assertEquals(0, code);
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(glb), 4);
        assertEquals("glTF", new String(head, StandardCharsets.US_ASCII));
        assertTrue(Files.size(glb) > 10_000, "a real mesh, not an empty file: " + Files.size(glb));
        // two red caps now: splats and mesh side by side, so more red than the splats alone cover
        BufferedImage img = ImageIO.read(png.toFile());
        int red = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y);
                int r = c >> 16 & 0xff, g = c >> 8 & 0xff, b = c & 0xff;
                if (r > 120 && r > 1.6 * g && r > 1.6 * b) {
                    red++;
                }
            }
        }
        assertTrue(red > 320 * 240 / 40, "both caps should be visible, red pixels: " + red);
    }

    @Test
    @Timeout(120)
    void aBrokenFileIsReportedNotCrashed() throws Exception {
        Path bad = tmp.resolve("broken.ply");
        Files.writeString(bad, "ply\nformat binary_little_endian 1.0\nelement vertex 1000\nproperty float x\nend_header\n");
        Path png = tmp.resolve("shot.png");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = view(bad.toString(), "--screenshot", png.toString(),
                    "--width", "160", "--height", "120");
        } finally {
            System.setErr(old);
        }
        assertEquals(1, code);
        String msg = err.toString(StandardCharsets.UTF_8);
        assertTrue(msg.contains("broken.ply"), msg);
        assertFalse(Files.exists(png), "no picture is written for a failed load");
        assertEquals(2, new CommandLine(new SplatViewer()).execute(tmp.resolve("missing.spz").toString()));
    }
}
