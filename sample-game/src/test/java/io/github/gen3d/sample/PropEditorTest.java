package io.github.gen3d.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The editor's scripted session on the real default model (few steps), headless under Xvfb: the panel, a
 * generation in progress, and a scene with three placed props, as screenshots.
 */
class PropEditorTest {
    @TempDir
    Path tmp;
    /** The last try's editor (NoGlRetry makes a fresh one per try). */
    private PropEditor editor;

    @Test
    @Timeout(600)
    void panelProgressAndPlacedPropsScreenshots() throws Exception {
        Path dir = Paths.get(System.getProperty("gen3d.testOut", "target/test-out")).resolve("editor");
        Files.createDirectories(dir);
        int code = NoGlRetry.execute(() -> editor = new PropEditor(), "--screenshot", dir.toString(),
                "--steps", "4", "--width", "800", "--height", "600", "--out", tmp.toString());
        assertEquals(0, code, "the scripted session succeeds");
        // readable errors in the panel instead of stack traces: they name the file and the problem
        List<String> errors = editor.shownErrors();
        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("no/such/picture.png"), errors.get(0));
        assertTrue(errors.get(1).contains("not-a-picture.png") && !errors.get(1).contains("Exception"),
                errors.get(1));
        assertEquals("cancelled", errors.get(2));
        assertEquals(3f, editor.shownGuidance(), "the guidance slider moved to the default bundle's recommendation");
        BufferedImage panel = ImageIO.read(dir.resolve("panel.png").toFile());
        BufferedImage progress = ImageIO.read(dir.resolve("progress.png").toFile());
        BufferedImage placed = ImageIO.read(dir.resolve("placed.png").toFile());
        assertEquals(800, panel.getWidth());
        // the panel's progress bar is green while generating (and the placeholder's wire cube is cyan)
        assertTrue(count(progress, 0, 330, GpuColours::green) > 200, "progress bar in the panel");
        assertTrue(count(progress, 360, 800, GpuColours::cyan) > 60, "placeholder in the scene");
        // placed props: the scene right of the panel changed a lot between the empty and the placed picture
        int changed = 0;
        for (int y = 0; y < 600; y++) {
            for (int x = 360; x < 800; x++) {
                if (Math.abs((panel.getRGB(x, y) & 0xff) - (placed.getRGB(x, y) & 0xff)) > 40) {
                    changed++;
                }
            }
        }
        assertTrue(changed > 4000, "three props in the scene: " + changed + " pixels changed");
        assertTrue(count(placed, 360, 800, GpuColours::cyan) < 30, "no placeholder left");
        // edited: the random prop deleted (exported first), the scene saved and loaded back with two props
        assertTrue(Files.size(tmp.resolve("scene/scene.j3o")) > 100);
        try (var files = Files.list(tmp.resolve("scene/props"))) {
            assertEquals(2, files.filter(f -> f.toString().endsWith(".spz")).count(), "two props' splats saved");
        }
        try (var files = Files.list(tmp.resolve("export"))) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            assertTrue(names.stream().anyMatch(n -> n.endsWith(".glb")) && names.stream().anyMatch(n -> n.endsWith(
                    ".ply")) && names.stream().anyMatch(n -> n.endsWith(".spz")) && names.stream().anyMatch(
                    n -> n.endsWith(".json")), names.toString());
        }
        assertTrue(ImageIO.read(dir.resolve("edited.png").toFile()) != null);
    }

    /**
     * A generation that fails ends the scripted session at once with the job's error, instead of waiting for its
     * progress until the session's 10-minute limit: the default bundle with a denoiser contract that no output meets.
     */
    @Test
    @Timeout(300)
    void aFailedGenerationEndsTheScriptedSessionAtOnce() throws Exception {
        Path bundle = tmp.resolve("broken-bundle");
        Files.createDirectories(bundle);
        Path shipped = Paths.get("..", "assets", "Models", "gen3d-default");
        try (var files = Files.list(shipped)) {
            for (Path f : files.toList()) {
                Files.copy(f, bundle.resolve(f.getFileName()));
            }
        }
        JsonObject manifest = JsonParser.parseString(Files.readString(bundle.resolve("bundle.json"))).getAsJsonObject();
        JsonObject v = manifest.getAsJsonObject("components").getAsJsonObject("denoiser").getAsJsonArray("outputs")
                .get(0).getAsJsonObject();
        JsonArray range = new JsonArray();
        range.add(100);
        range.add(101);
        v.add("range", range);
        Files.writeString(bundle.resolve("bundle.json"), manifest.toString());
        int code = NoGlRetry.execute(() -> editor = new PropEditor(), "--screenshot", tmp.resolve("shots").toString(),
                "--steps", "4", "--width", "800", "--height", "600", "--out", tmp.toString(), "--bundle",
                bundle.toString());
        assertEquals(1, code, "the scripted session fails");
        String message = String.valueOf(editor.failure().getMessage());
        assertTrue(message.startsWith("generation job ") && message.contains(" failed at stage 2: ")
                && message.contains("outside its range [100.0, 101.0]"), message);
    }

    static int count(BufferedImage img, int x0, int x1, java.util.function.IntPredicate test) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = x0; x < x1; x++) {
                if (test.test(img.getRGB(x, y) & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Colour tests for the placeholder and the progress bars. */
    static final class GpuColours {
        static boolean cyan(int rgb) {
            int r = rgb >> 16 & 0xff;
            int g = rgb >> 8 & 0xff;
            int b = rgb & 0xff;
            return b > 200 && g > 170 && b - r > 50;
        }

        static boolean green(int rgb) {
            int r = rgb >> 16 & 0xff;
            int g = rgb >> 8 & 0xff;
            int b = rgb & 0xff;
            return g > 150 && r < 100 && b < 120;
        }
    }
}
