package io.github.gen3d.trainer;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.trainer.dataset.PropCategory;
import io.github.gen3d.render.MeshRasterizer;
import io.github.gen3d.render.PinholeCamera;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Command line: renders the sample input pictures shipped in {@code assets/Samples/} (see its {@code README.md}): one
 * prop of the procedural dataset per category, from the <b>test</b> split, seen from its dataset input view (the
 * camera, pose, lighting and framing of {@link RenderedProp}'s view 0: {@link PropPose#of(long)},
 * {@link EvaluateTool#inputCamera(PropPose, int)}, {@link MeshRasterizer}) but larger and more finely supersampled, as
 * {@code OUT/<category>.png} (lower-case name): 8-bit RGBA, straight sRGB colour, alpha the renderer's coverage, fully
 * transparent (and black) where nothing is covered.
 *
 * <p>The prop of a category is the first dataset prop seed {@code s ≥ --seed} whose category
 * ({@code s mod 10 = ordinal}) it is and whose split ({@link DatasetSplit#of(long)}) is {@link DatasetSplit#TEST}, so a
 * sample is never a training (or validation) prop. The output is a pure function of the options: the same bytes on
 * every run with the same JDK (ImageIO's PNG writer adds no time stamp or other metadata); the pixels are the same
 * everywhere.
 *
 * <p>Example: {@code SampleInputs --out assets/Samples --size 256 --seed 600 --categories crate,barrel}.
 */
@Command(name = "sample-inputs", mixinStandardHelpOptions = true,
        description = "Renders one test-split prop per category as an RGBA PNG input picture (OUT/<category>.png).")
public final class SampleInputs implements Callable<Integer> {
    /** Default output folder, relative to the repository root. */
    static final String DEFAULT_OUT = "assets/Samples";
    /** Default picture side in pixels. */
    static final int DEFAULT_SIZE = 256;
    /** Default samples per pixel per axis. */
    static final int DEFAULT_SUPERSAMPLE = 4;
    /**
     * Default first prop seed searched. Any seed gives ten valid pictures; 600 was picked, by looking at the sets for
     * 0, 200, 400 and 600, for views that show each category clearly (e.g. a crate from three quarters, not face on).
     * Its props (seeds 600–838) are all among the first 100 test props, which {@link EvaluateTool} evaluates by
     * default.
     */
    static final long DEFAULT_SEED = 600;
    /** Smallest picture side: {@code InputImages} refuses pictures with a side under 16 pixels. */
    static final int MIN_SIZE = 16;
    /** Largest picture side. */
    static final int MAX_SIZE = 2048;

    @Option(names = "--out", defaultValue = DEFAULT_OUT, description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--size", defaultValue = "" + DEFAULT_SIZE,
            description = "Picture side in pixels, " + MIN_SIZE + ".." + MAX_SIZE + " (default ${DEFAULT-VALUE}).")
    int size;
    @Option(names = "--supersample", defaultValue = "" + DEFAULT_SUPERSAMPLE,
            description = "Samples per pixel per axis, 1.." + MeshRasterizer.MAX_SUPERSAMPLE
                    + " (default ${DEFAULT-VALUE}).")
    int supersample;
    @Option(names = "--seed", defaultValue = "" + DEFAULT_SEED, description = "Per category, the first test-split "
            + "prop seed ≥ this one is rendered (≥ 0, default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--categories", split = ",", converter = CategoryConverter.class, paramLabel = "CATEGORY",
            description = "Categories, comma-separated, any case: crate, barrel, mushroom, potion, lamp, table, rock, "
                    + "chest, vase, tree (default all, in that order).")
    List<PropCategory> categories;

    @Spec
    CommandSpec spec;

    /** Creates the command (picocli fills the options). */
    public SampleInputs() {
    }

    /**
     * Entry point.
     *
     * @param args command-line arguments (not null)
     */
    public static void main(String[] args) {
        int code = new CommandLine(new SampleInputs()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Writes the pictures and prints one line per picture.
     *
     * @return 0 on success
     * @throws Exception on I/O failure; bad options are a {@link CommandLine.ParameterException} (exit code 2)
     */
    @Override
    public Integer call() throws Exception {
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size must be in " + MIN_SIZE + ".."
                    + MAX_SIZE + ", got " + size);
        }
        if (supersample < 1 || supersample > MeshRasterizer.MAX_SUPERSAMPLE) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--supersample must be in 1.."
                    + MeshRasterizer.MAX_SUPERSAMPLE + ", got " + supersample);
        }
        if (seed < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seed must be ≥ 0, got " + seed);
        }
        List<PropCategory> cats = categories == null || categories.isEmpty() ? List.of(PropCategory.values())
                : List.copyOf(new LinkedHashSet<>(categories));
        for (Sample s : write(out, cats, size, supersample, seed)) {
            System.out.printf(Locale.ROOT, "%s: seed %d (%s split), yaw %.1f°, elevation %.1f°, %d bytes%n",
                    s.file(), s.seed(), DatasetSplit.of(s.seed()), s.yaw(), s.elevation(), s.bytes());
        }
        return 0;
    }

    /**
     * One written picture.
     *
     * @param category the category
     * @param seed the prop seed (in the test split)
     * @param yaw the prop's yaw in degrees (it is rotated by −yaw into the canonical frame)
     * @param elevation the input view's elevation in degrees (its azimuth is 0)
     * @param file the PNG written
     * @param bytes its length
     */
    record Sample(PropCategory category, long seed, float yaw, float elevation, Path file, int bytes) {
    }

    /**
     * Renders and writes the pictures, each to a temporary sibling that is then moved into place.
     *
     * @param out the output folder (created if missing)
     * @param categories the categories, in order (not null)
     * @param size picture side, {@value #MIN_SIZE}..{@value #MAX_SIZE}
     * @param supersample samples per pixel per axis, 1..{@value MeshRasterizer#MAX_SUPERSAMPLE}
     * @param firstSeed the first prop seed searched (≥ 0)
     * @return one entry per category, in order
     * @throws IOException if a file cannot be written
     */
    static List<Sample> write(Path out, List<PropCategory> categories, int size, int supersample, long firstSeed)
            throws IOException {
        Files.createDirectories(out);
        List<Sample> written = new ArrayList<>(categories.size());
        for (PropCategory c : categories) {
            long s = testSeed(c, firstSeed);
            PropPose pose = PropPose.of(s);
            byte[] png = png(render(pose, size, supersample));
            Path file = out.resolve(fileName(c));
            NpyFile.writeAtomically(file, png);
            written.add(new Sample(c, s, pose.yaw(), pose.inputElevation(), file, png.length));
        }
        return written;
    }

    /**
     * @param category a category (not null)
     * @return its picture's file name: the lower-case category name and {@code .png}, e.g. {@code crate.png}
     */
    static String fileName(PropCategory category) {
        return category.name().toLowerCase(Locale.ROOT) + ".png";
    }

    /**
     * The prop seed rendered for a category.
     *
     * @param category the category (not null)
     * @param from the first seed considered (≥ 0)
     * @return the smallest seed {@code s ≥ from} with {@code PropPose.categoryOf(s) == category} in the test split
     */
    static long testSeed(PropCategory category, long from) {
        if (category == null || from < 0) {
            throw new IllegalArgumentException("need a category and a seed ≥ 0, got " + category + ", " + from);
        }
        int n = PropCategory.values().length;
        long s = from + Math.floorMod(category.ordinal() - from, (long) n);
        while (!DatasetSplit.TEST.contains(s)) {
            s = Math.addExact(s, n);
        }
        if (PropPose.categoryOf(s) != category) {
            throw new IllegalStateException("seed " + s + " is not a " + category);
        }
        return s;
    }

    /**
     * Renders a prop's input view, the dataset's view 0, at another size.
     *
     * @param pose the prop's pose (not null)
     * @param size picture side in pixels
     * @param supersample samples per pixel per axis
     * @return a new {@link BufferedImage#TYPE_INT_ARGB} picture: straight sRGB colour and alpha rounded to bytes as
     *     {@link RenderedProp} rounds them, 0 (transparent black) where alpha rounds to 0
     */
    static BufferedImage render(PropPose pose, int size, int supersample) {
        PinholeCamera camera = EvaluateTool.inputCamera(pose, size);
        MeshRasterizer.View v = MeshRasterizer.render(pose.canonicalMesh(), camera, supersample);
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        int[] argb = new int[size * size];
        for (int p = 0; p < argb.length; p++) {
            int a = Math.round(v.alpha()[p] * 255f);
            if (a == 0) {
                continue;
            }
            int px = a;
            for (int k = 0; k < 3; k++) {
                px = px << 8 | Math.round(Math.max(0f, Math.min(1f, v.rgb()[3 * p + k])) * 255f);
            }
            argb[p] = px;
        }
        img.setRGB(0, 0, size, size, argb, 0, size);
        return img;
    }

    /**
     * Encodes a picture as PNG with ImageIO (no metadata chunks, so the bytes depend only on the pixels).
     *
     * @param img the picture (not null)
     * @return the PNG bytes
     * @throws IOException if there is no PNG writer
     */
    static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "png", bytes)) {
            throw new IOException("no PNG writer");
        }
        return bytes.toByteArray();
    }

    /** Parses a category name in any case, naming the valid ones when it is unknown. */
    static final class CategoryConverter implements CommandLine.ITypeConverter<PropCategory> {
        @Override
        public PropCategory convert(String value) {
            String name = value.trim().toUpperCase(Locale.ROOT);
            for (PropCategory c : PropCategory.values()) {
                if (c.name().equals(name)) {
                    return c;
                }
            }
            throw new CommandLine.TypeConversionException("unknown category '" + value + "': use "
                    + Arrays.stream(PropCategory.values()).map(c -> c.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", ")));
        }
    }
}
