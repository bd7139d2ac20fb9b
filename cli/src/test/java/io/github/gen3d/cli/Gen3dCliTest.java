package io.github.gen3d.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.service.GenerationMetadata;
import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.splat.SplatIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line on the shipped default bundle (few steps): outputs, exit codes, cache, regeneration. */
@Timeout(600)
class Gen3dCliTest {
    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Gen3dCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Path picture(String name) throws Exception {
        BufferedImage img = new BufferedImage(200, 160, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 200, 160);
        g.setColor(new Color(140, 90, 50));
        g.fillRoundRect(60, 20, 80, 120, 30, 30);
        g.setColor(new Color(60, 60, 60));
        g.fillRect(60, 50, 80, 8);
        g.fillRect(60, 100, 80, 8);
        g.dispose();
        Path p = tmp.resolve(name);
        ImageIO.write(img, "png", p.toFile());
        return p;
    }

    @Test
    void generatesFromAPictureAndACategoryWithTurntableAndMetadata() throws Exception {
        Path in = picture("keg.png");
        Path out = tmp.resolve("out");
        Run r = run(in.toString(), "--category", "barrel", "--steps", "3", "--kind", "both", "--format",
                "spz,glb", "--out", out.toString(), "--seed", "7", "--mesh-res", "64", "--turntable-frames", "4",
                "--turntable-size", "64", "--quiet");
        assertEquals(0, r.code(), r.err());
        for (String name : List.of("keg-7", "barrel-7")) {
            for (String suffix : List.of(".spz", ".glb", ".json", "-input.png", "-turntable.png")) {
                assertTrue(Files.size(out.resolve(name + suffix)) > 0, name + suffix + " written");
            }
            GenerationMetadata m = GenerationMetadata.fromJson(Files.readString(out.resolve(name + ".json")), name);
            assertEquals("gen3d-default", m.bundle());
            assertEquals(7, m.seed());
            assertEquals(3, m.steps());
            assertEquals(3f, m.guidance(), "the default bundle's recommended guidance");
            assertTrue(m.gaussians() >= 16384, "at least 16k Gaussians: " + m.gaussians());
            assertTrue(m.triangles() > 100);
            GaussianCloud c = SplatIO.read(out.resolve(name + ".spz"));
            assertEquals(m.gaussians(), c.size());
            BufferedImage tt = ImageIO.read(out.resolve(name + "-turntable.png").toFile());
            assertEquals(5 * 64, tt.getWidth(), "input + 4 views");
            assertTrue(tt.getHeight() > 2 * 64, "a splat row and a mesh row");
        }
        assertTrue(r.out().contains("keg-7: ") && r.out().contains("barrel-7: "), r.out());
        try (Stream<Path> files = Files.list(out)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temp file left");
        }
    }

    @Test
    void aBadPictureFailsAloneWithItsNameAndExitCodeOne() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("pics"));
        Files.copy(picture("good.png"), dir.resolve("good.png"));
        Files.writeString(dir.resolve("broken.png"), "this is not a PNG");
        Path out = tmp.resolve("out");
        Run r = run(dir.toString(), "--steps", "2", "--out", out.toString(), "--turntable-frames", "0", "-q");
        assertEquals(Gen3dCli.SOME_FAILED, r.code(), r.err());
        assertTrue(r.err().contains("broken.png"), r.err());
        assertTrue(Files.exists(out.resolve("good-0.spz")), "the good picture is still generated");
        assertFalse(Files.exists(out.resolve("broken-0.spz")));
    }

    @Test
    void aRepeatedRequestComesFromTheCacheAndRegenerationGivesTheSameAsset() throws Exception {
        Path cache = tmp.resolve("cache");
        Path out = tmp.resolve("out");
        String[] args = {"--category", "crate", "--steps", "3", "--seed", "4", "--out", out.toString(), "--cache",
            cache.toString(), "--turntable-frames", "0", "-q"};
        Run first = run(args);
        assertEquals(0, first.code(), first.err());
        assertFalse(first.out().contains("(cache)"), first.out());
        byte[] asset = Files.readAllBytes(out.resolve("crate-4.spz"));
        Run second = run(args);
        assertEquals(0, second.code(), second.err());
        assertTrue(second.out().contains("(cache)"), second.out());
        assertArrayEquals(asset, Files.readAllBytes(out.resolve("crate-4.spz")));

        Path again = tmp.resolve("again");
        Files.createDirectories(again);
        Files.copy(out.resolve("crate-4.json"), again.resolve("crate-4.json"));
        Files.copy(out.resolve("crate-4-input.png"), again.resolve("crate-4-input.png"));
        Run regen = run("--regenerate", again.resolve("crate-4.json").toString(), "--out", again.toString(),
                "--turntable-frames", "0", "-q");
        assertEquals(0, regen.code(), regen.err());
        assertArrayEquals(asset, Files.readAllBytes(again.resolve("crate-4.spz")), "same model, seed, parameters");
    }

    @Test
    void usageErrorsExitWithTwoAndAMissingBundleWithThree() throws Exception {
        assertEquals(2, run().code(), "no input");
        Run mode = run("--random", "--mode", "magic");
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("--mode"), mode.err());
        Run missing = run(tmp.resolve("nope.png").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope.png"), missing.err());
        assertEquals(2, run("--random", "--count", "2", "--name", "x").code());
        assertEquals(2, run("--random", "--name", "../escape").code());
        assertEquals(2, run("--random", "--format", "fbx").code());
        Run noBundle = run("--random", "--bundle", tmp.resolve("no-bundle").toString(), "-q");
        assertEquals(Gen3dCli.NO_MODEL, noBundle.code());
        assertTrue(noBundle.err().contains("no-bundle"), noBundle.err());
        Run both = run("--random", "--bundle", tmp.resolve("b").toString(), "--model", "procedural");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("not both"), both.err());
        Run model = run("--random", "--model", "huge");
        assertEquals(2, model.code());
        assertTrue(model.err().contains("huge") && model.err().contains("procedural"), model.err());
        Run unknown = run("--category", "dragon", "--steps", "2", "--out", tmp.resolve("o").toString(), "-q");
        assertEquals(Gen3dCli.SOME_FAILED, unknown.code());
        assertTrue(unknown.err().contains("dragon") && unknown.err().contains("barrel"), unknown.err());
        Run help = run("--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--turntable-frames"), help.out());
    }
}
