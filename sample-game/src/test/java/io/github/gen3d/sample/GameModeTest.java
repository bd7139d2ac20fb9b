package io.github.gen3d.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Game mode on the real default model (few steps), headless: the spawner places generated props in the level while
 * it plays, through the cache; the frame-time report and the picture are written.
 */
class GameModeTest {
    private static final Pattern REPORT = Pattern.compile(
            "(\\d+) frames, mean ([\\d.]+) ms .*; (\\d+) props placed \\((\\d+) from the cache, (\\d+) meshes\\), "
            + "(\\d+) standing");

    @TempDir
    Path tmp;

    @Test
    @Timeout(600)
    void spawnerPopulatesTheLevelWhilePlaying() throws Exception {
        Path dir = Paths.get(System.getProperty("gen3d.testOut", "target/test-out")).resolve("game");
        Files.createDirectories(dir);
        int code = NoGlRetry.execute(PropEditor::new, "--game", "--screenshot", dir.toString(),
                "--steps", "4", "--seconds", "35", "--width", "800", "--height", "600",
                "--cache", tmp.resolve("cache").toString(), "--out", tmp.toString());
        assertEquals(0, code, "the scripted game session succeeds");
        String report = Files.readString(dir.resolve("game-frames.txt"));
        Matcher m = REPORT.matcher(report);
        assertTrue(m.find(), report);
        assertTrue(Integer.parseInt(m.group(1)) > 20, "frames were rendered while generating: " + report);
        int placed = Integer.parseInt(m.group(3));
        assertTrue(placed >= 3, "the spawner placed props while the game ran: " + report);
        assertTrue(Integer.parseInt(m.group(5)) >= 1, "meshes and splats together: " + report);
        assertTrue(Integer.parseInt(m.group(6)) >= 1 && Integer.parseInt(m.group(6)) <= 12, report);
        try (var files = Files.list(tmp.resolve("cache"))) {
            assertTrue(files.count() > 0, "generated props went through the cache");
        }
        BufferedImage shot = ImageIO.read(dir.resolve("game.png").toFile());
        assertEquals(800, shot.getWidth());
        // not a blank frame: the sky, the ground and the props give many distinct colours
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < shot.getHeight(); y += 4) {
            for (int x = 0; x < shot.getWidth(); x += 4) {
                colours.add(shot.getRGB(x, y) & 0xf8f8f8);
            }
        }
        assertTrue(colours.size() > 200, "a rendered level, " + colours.size() + " colours");
    }
}
