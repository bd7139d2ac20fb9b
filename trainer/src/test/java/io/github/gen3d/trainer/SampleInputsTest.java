package io.github.gen3d.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.trainer.dataset.PropCategory;
import io.github.gen3d.image.BackgroundRemoval;
import io.github.gen3d.image.InputImages;
import io.github.gen3d.image.PreparedImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SampleInputsTest {
    /** The shipped samples, relative to the trainer module (Maven runs the tests there). */
    private static final Path SHIPPED = Path.of("..", "assets", "Samples");

    @Test
    void writesOnePngPerRequestedCategoryThatTheInputPreprocessingAccepts(@TempDir Path out) throws Exception {
        int code = new CommandLine(new SampleInputs()).execute("--out", out.toString(), "--size", "64",
                "--categories", "crate, Rock,TREE");
        assertEquals(0, code);
        assertEquals(List.of("crate.png", "rock.png", "tree.png"), pngs(out));
        for (String name : pngs(out)) {
            Path file = out.resolve(name);
            BufferedImage img = ImageIO.read(file.toFile());
            assertEquals(64, img.getWidth());
            assertEquals(64, img.getHeight());
            assertTrue(img.getColorModel().hasAlpha(), name);
            for (int i = 0; i < 64; i++) {
                for (int[] p : new int[][] {{i, 0}, {i, 63}, {0, i}, {63, i}}) {
                    assertEquals(0, img.getRGB(p[0], p[1]), () -> name + ": border pixel not transparent");
                }
            }
            PreparedImage in = InputImages.read(file, 64);
            assertEquals(BackgroundRemoval.ALPHA, in.background(), name);
            assertTrue(in.objectFraction() > 0.05 && in.objectFraction() < 0.8, () -> name + ": " + in);
            PreparedImage.Crop c = in.crop();
            // centred and not clipped: the object's box keeps clear of the border and contains the centre
            assertTrue(c.x() > 0 && c.y() > 0 && c.x() + c.width() < 64 && c.y() + c.height() < 64, name + " " + c);
            assertTrue(c.x() < 32 && c.x() + c.width() > 32 && c.y() < 32 && c.y() + c.height() > 32, name + " " + c);
        }
    }

    @Test
    void picksTheFirstTestPropOfEachCategory() {
        for (long from : new long[] {0, 7, SampleInputs.DEFAULT_SEED, 123_456_789L}) {
            for (PropCategory c : PropCategory.values()) {
                long s = SampleInputs.testSeed(c, from);
                assertTrue(s >= from);
                assertEquals(DatasetSplit.TEST, DatasetSplit.of(s), () -> c + " seed " + s);
                assertEquals(c, PropPose.of(s).category());
                for (long t = from; t < s; t++) {
                    long u = t;
                    assertFalse(PropPose.categoryOf(t) == c && DatasetSplit.TEST.contains(t),
                            () -> "seed " + u + " comes first for " + c);
                }
            }
        }
    }

    @Test
    void rendersTheSameBytesEveryRun(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        for (Path out : List.of(a, b)) {
            assertEquals(0, new CommandLine(new SampleInputs()).execute("--out", out.toString(), "--size", "64"));
        }
        List<String> expected = new ArrayList<>();
        for (PropCategory c : PropCategory.values()) {
            expected.add(SampleInputs.fileName(c));
        }
        expected.sort(null);
        assertEquals(expected, pngs(a));
        for (String name : expected) {
            assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)), name);
        }
    }

    @Test
    void unknownCategoryAndBadOptionsExitWithCode2(@TempDir Path out) throws Exception {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new SampleInputs());
        cl.setErr(new PrintWriter(err, true));
        assertEquals(2, cl.execute("--out", out.toString(), "--size", "64", "--categories", "crate,sofa"));
        assertTrue(err.toString().contains("unknown category 'sofa': use crate, barrel, mushroom, potion, lamp, "
                + "table, rock, chest, vase, tree"), err.toString());
        assertEquals(List.of(), pngs(out));
        for (String[] bad : new String[][] {{"--size", "8"}, {"--supersample", "9"}, {"--seed", "-1"}}) {
            StringWriter e = new StringWriter();
            CommandLine c = new CommandLine(new SampleInputs());
            c.setErr(new PrintWriter(e, true));
            assertEquals(2, c.execute("--out", out.toString(), bad[0], bad[1]), bad[0]);
            assertTrue(e.toString().contains(bad[0] + " must be"), e.toString());
        }
        assertEquals(List.of(), pngs(out));
    }

    /**
     * The shipped pictures are the tool's output with its default options, pixel for pixel (decoded ARGB compared,
     * not PNG bytes, which could differ with another zlib build without any pixel changing).
     */
    @Test
    void shippedSamplesAreWhatTheToolRendersByDefault(@TempDir Path out) throws Exception {
        assertEquals(0, new CommandLine(new SampleInputs()).execute("--out", out.toString()));
        List<String> names = pngs(out);
        assertEquals(PropCategory.values().length, names.size());
        assertEquals(names, pngs(SHIPPED), "assets/Samples should hold exactly one PNG per category");
        for (String name : names) {
            BufferedImage want = ImageIO.read(out.resolve(name).toFile());
            BufferedImage got = ImageIO.read(SHIPPED.resolve(name).toFile());
            assertEquals(SampleInputs.DEFAULT_SIZE, want.getWidth());
            assertEquals(want.getWidth(), got.getWidth(), name);
            assertEquals(want.getHeight(), got.getHeight(), name);
            assertTrue(got.getColorModel().hasAlpha(), name);
            int w = want.getWidth();
            int h = want.getHeight();
            assertArrayEquals(want.getRGB(0, 0, w, h, null, 0, w), got.getRGB(0, 0, w, h, null, 0, w),
                    () -> name + " differs from the tool's output: regenerate assets/Samples (see its README.md)");
        }
    }

    private static List<String> pngs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted().toList();
        }
    }
}
