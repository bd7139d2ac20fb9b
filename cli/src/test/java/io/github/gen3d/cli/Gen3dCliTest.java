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

    @Test
    void regenerationReadsOnlyThePictureBesideTheMetadataAndChecksItsHash() throws Exception {
        Path out = tmp.resolve("made");
        Run made = run(picture("barrel.png").toString(), "--steps", "2", "--out", out.toString(),
                "--turntable-frames", "0", "-q");
        assertEquals(0, made.code(), made.err());
        Path json = out.resolve("barrel-0.json");
        String meta = Files.readString(json);
        // a path out of the folder, absolute or relative, is refused before anything runs
        for (String evil : new String[] {tmp.resolve("barrel.png").toString(), "../barrel.png", "sub/x.png", ".."}) {
            Files.writeString(json, meta.replace("\"barrel-0-input.png\"", new com.google.gson.Gson().toJson(evil)));
            Run r = run("--regenerate", json.toString(), "--out", tmp.resolve("r").toString(), "-q");
            assertEquals(2, r.code(), evil + ": " + r.err());
            assertTrue(r.err().contains("not a path"), r.err());
        }
        Files.writeString(json, meta);
        // an edited picture: the job fails naming it, nothing is written
        Path edited = out.resolve("barrel-0-input.png");
        BufferedImage img = ImageIO.read(edited.toFile());
        img.setRGB(img.getWidth() / 2, img.getHeight() / 2, 0xff00ff);
        ImageIO.write(img, "png", edited.toFile());
        Path again = tmp.resolve("again");
        Run r = run("--regenerate", json.toString(), "--out", again.toString(), "--turntable-frames", "0", "-q");
        assertEquals(Gen3dCli.SOME_FAILED, r.code(), r.err());
        assertTrue(r.err().contains("not the picture the asset was made from"), r.err());
        assertFalse(Files.exists(again.resolve("barrel-0.spz")));
        // a huge metadata file is refused by its size, not read into memory
        Path big = tmp.resolve("big.json");
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {'{'}), 3L << 30); // sparse, 3 GB
        }
        Run huge = run("--regenerate", big.toString(), "-q");
        assertEquals(2, huge.code(), huge.err());
        assertTrue(huge.err().contains("larger than"), huge.err());
    }

    @Test
    void inputsThatWouldShareANameGetDistinctNames() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Path pa = Files.copy(picture("pot.png"), a.resolve("pot.png"));
        Path pb = Files.copy(picture("pot.png"), b.resolve("pot.png"));
        Path out = tmp.resolve("out");
        Run r = run(pa.toString(), pb.toString(), "--steps", "1", "--out", out.toString(), "--turntable-frames", "0",
                "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(out.resolve("pot-0.spz")) && Files.exists(out.resolve("pot-0_2.spz")), r.out());
        assertTrue(r.err().contains("written as pot-0_2"), r.err());
        // a name with ".." in it is made safe before generating, not refused after
        Path dots = Files.copy(picture("pot.png"), tmp.resolve("a..b.png"));
        Run d = run(dots.toString(), "--steps", "1", "--out", out.toString(), "--turntable-frames", "0", "-q");
        assertEquals(0, d.code(), d.err());
        assertTrue(Files.exists(out.resolve("a__b-0.spz")), d.out());
    }

    @Test
    void setupErrorsAreOneLineWithExitCodeTwo() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        for (String[] args : new String[][] {{"--random", "--out", file.resolve("sub").toString()},
            {"--random", "--cache", file.toString(), "--out", tmp.resolve("o").toString()},
            {"--random", "--cache-mb", "0"}, {"--random", "--cache-mb", "-5"},
            {"--random", "--cache-mb", "9223372036854775807"}}) {
            Run r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
        Run kind = run("--random", "--kind", "cube");
        assertEquals(2, kind.code());
        assertTrue(kind.err().contains("bad --kind 'cube': use splats, mesh, both"), kind.err());
        assertFalse(kind.err().contains("No enum constant"), kind.err());
        Run dev = run("--random", "--device", "tpu");
        assertTrue(dev.err().contains("bad --device 'tpu'"), dev.err());
        assertEquals("a?b?c", Gen3dCli.printable("a\u001b[31mb\u0007c").replace("[31m", ""));
    }

    @Test
    void unfinishedFilesOfAKilledRunAreSweptWhenTheyAreOld() throws Exception {
        // regression: killed writes left .NAME.<hex>.tmp files in --out that no later run removed
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path old = Files.writeString(out.resolve(".crate-4.spz.1f3a9c.tmp"), "half");
        Path fresh = Files.writeString(out.resolve(".crate-5.spz.2b4c.tmp"), "being written");
        Path mine = Files.writeString(out.resolve(".notes.tmp"), "a user's file");
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(java.time.Instant.now()
                .minus(java.time.Duration.ofHours(2))));
        Files.setLastModifiedTime(mine, Files.getLastModifiedTime(old));
        Run r = run("--random", "--out", out.toString(), "--bundle", tmp.resolve("no-bundle").toString(), "-q");
        assertEquals(Gen3dCli.NO_MODEL, r.code(), r.err());
        assertFalse(Files.exists(old), "an old temporary file is removed");
        assertTrue(Files.exists(fresh), "a recent one may belong to a running write");
        assertTrue(Files.exists(mine), "files not named like ours are never touched");
        assertTrue(r.err().contains("removed 1 unfinished file"), r.err());
    }

    @Test
    void randomInputFileNamesNeverLeadOutOfTheMetadatasFolder() throws Exception {
        // fuzz: names built from separators, dots, NULs, absolute prefixes, unicode and ordinary letters
        Path folder = Files.createDirectories(tmp.resolve("meta"));
        Path json = folder.resolve("a.json");
        java.util.SplittableRandom r = new java.util.SplittableRandom(26);
        String[] parts = {"/", "\\", "..", ".", "\0", "a", "b.png", "~", "%2e%2e", "\u2215", "\u00e9", " ", "C:",
            "//", "../", "./", "x"};
        int refused = 0;
        int cases = 3000;
        for (int i = 0; i < cases; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = 1 + r.nextInt(6); k > 0; k--) {
                b.append(parts[r.nextInt(parts.length)]);
            }
            String name = b.toString();
            try {
                Path p = Gen3dCli.inputBeside(json, name);
                assertEquals(folder.toAbsolutePath(), p.getParent(), name);
                assertEquals(name, p.getFileName().toString(), name);
                assertEquals(p, p.normalize(), name);
            } catch (IllegalArgumentException e) { // InvalidPathException included
                refused++;
            }
        }
        System.out.println("traversal fuzz: " + cases + " input names, " + refused + " refused, none left the folder");
        assertTrue(refused > 0 && refused < cases);
    }
}
