package io.github.gen3d.trainer;

import com.google.gson.GsonBuilder;
import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.trainer.dataset.PropCategory;
import io.github.gen3d.trainer.dataset.PropGenerator;
import io.github.gen3d.render.MeshRasterizer;
import io.github.gen3d.render.ViewRig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Logger;
import javax.imageio.ImageIO;

/**
 * Writes the rendered prop dataset: shards of {@code .npy} arrays per split and {@code manifest.json} (layout in
 * {@code docs/dataset.md}, "Renders"). Props are rendered in parallel and written in order, so the bytes do not
 * depend on the thread count.
 */
final class DatasetWriter {
    private static final Logger LOG = Logger.getLogger(DatasetWriter.class.getName());
    /** Version of the file layout, stored in the manifest. */
    static final int FORMAT_VERSION = 1;
    /** Array names, in the order they are written. */
    static final List<String> ARRAYS = List.of("rgb", "alpha", "depth", "normal", "cam", "label", "seed", "yaw",
            "view", "cond");
    private static final int PREVIEW_PROPS = 8;

    /**
     * What to write.
     *
     * @param out output directory (not null; created if missing)
     * @param counts props per split (not null; missing splits get 0)
     * @param res image size (≥ 8)
     * @param supersample samples per pixel per axis (1..8)
     * @param shard props per shard (≥ 1)
     * @param threads render threads (≥ 1)
     * @param preview contact sheet PNG path, or null for none
     */
    record Settings(Path out, Map<DatasetSplit, Integer> counts, int res, int supersample, int shard, int threads,
            Path preview) {
        Settings {
            if (out == null || counts == null) {
                throw new IllegalArgumentException("out and counts must not be null");
            }
            for (Map.Entry<DatasetSplit, Integer> e : counts.entrySet()) {
                if (e.getValue() == null || e.getValue() < 0) {
                    throw new IllegalArgumentException("count for " + e.getKey() + " must be ≥ 0");
                }
            }
            if (res < 8 || res > 4096) {
                throw new IllegalArgumentException("resolution must be in 8..4096, got " + res);
            }
            if (supersample < 1 || supersample > MeshRasterizer.MAX_SUPERSAMPLE) {
                throw new IllegalArgumentException("supersample must be in 1.." + MeshRasterizer.MAX_SUPERSAMPLE
                        + ", got " + supersample);
            }
            if (shard < 1) {
                throw new IllegalArgumentException("shard size must be ≥ 1, got " + shard);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
            }
        }

        int count(DatasetSplit s) {
            return counts.getOrDefault(s, 0);
        }
    }

    private DatasetWriter() {
    }

    /** What the props are: the procedural generator, or game art. */
    interface Source {
        /**
         * The render tasks of a split, in dataset order.
         *
         * @param split the split
         * @param count how many were asked for
         * @param res image size
         * @param supersample samples per pixel per axis
         * @return one task per prop (at most {@code count})
         */
        List<Callable<RenderedProp>> tasks(DatasetSplit split, int count, int res, int supersample);

        /**
         * Adds this source's description to the manifest (generator, seeds, assets).
         *
         * @param manifest the manifest being built (not null)
         */
        void describe(Map<String, Object> manifest);
    }

    /** The procedural props: seeds {@code 0, 1, 2, ...} split by {@link DatasetSplit#of(long)}. */
    static final Source PROCEDURAL = new Source() {
        @Override
        public List<Callable<RenderedProp>> tasks(DatasetSplit split, int count, int res, int supersample) {
            List<Callable<RenderedProp>> out = new ArrayList<>();
            for (long seed : PropPose.seeds(split, count)) {
                out.add(() -> RenderedProp.render(seed, res, supersample));
            }
            return out;
        }

        @Override
        public void describe(Map<String, Object> m) {
            m.put("seeds", "i = 0, 1, 2, ...; seed = i; category = PropCategory.values()[i % 10]; split ="
                    + " DatasetSplit.of(seed); the first N of each split");
            List<String> cats = new ArrayList<>();
            for (PropCategory c : PropCategory.values()) {
                cats.add(c.name());
            }
            m.put("categories", cats);
            Map<String, Object> gen = new LinkedHashMap<>();
            gen.put("props", PropGenerator.class.getName());
            gen.put("boundingRadius", PropGenerator.BOUNDING_RADIUS);
            gen.put("renderer", MeshRasterizer.class.getName());
            gen.put("writer", DatasetTool.class.getName());
            m.put("generator", gen);
        }
    };

    /** @return the directory name of a split: train, val or test */
    static String dirName(DatasetSplit s) {
        return switch (s) {
            case TRAIN -> "train";
            case VALIDATION -> "val";
            case TEST -> "test";
        };
    }

    /**
     * Renders and writes everything.
     *
     * @param settings what to write (not null)
     * @return the manifest as written (a JSON tree of maps and lists)
     * @throws IOException on I/O failure
     */
    static Map<String, Object> write(Settings settings) throws IOException {
        return write(settings, PROCEDURAL);
    }

    /**
     * Renders and writes everything from a source.
     *
     * @param settings what to write (not null)
     * @param source the props (not null)
     * @return the manifest as written (a JSON tree of maps and lists)
     * @throws IOException on I/O failure
     */
    static Map<String, Object> write(Settings settings, Source source) throws IOException {
        long start = System.nanoTime();
        Files.createDirectories(settings.out());
        Map<DatasetSplit, List<Callable<RenderedProp>>> seeds = new EnumMap<>(DatasetSplit.class);
        for (DatasetSplit s : DatasetSplit.values()) {
            seeds.put(s, source.tasks(s, settings.count(s), settings.res(), settings.supersample()));
        }
        Map<String, Object> splits = new LinkedHashMap<>();
        List<RenderedProp> previewProps = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread t = new Thread(r, "prop-render");
            t.setDaemon(true);
            return t;
        });
        int total = seeds.values().stream().mapToInt(List::size).sum();
        int done = 0;
        try {
            for (DatasetSplit split : DatasetSplit.values()) {
                List<Callable<RenderedProp>> list = seeds.get(split);
                if (list.isEmpty()) {
                    continue;
                }
                Path dir = settings.out().resolve(dirName(split));
                Files.createDirectories(dir);
                List<Object> shards = new ArrayList<>();
                int count = 0;
                for (int first = 0; first < list.size(); first += settings.shard()) {
                    List<Callable<RenderedProp>> shardSeeds = list.subList(first,
                            Math.min(list.size(), first + settings.shard()));
                    String stem = String.format("shard-%05d", first / settings.shard());
                    Shard written = writeShard(dir, stem, shardSeeds, settings, pool, previewProps);
                    done += shardSeeds.size();
                    count += written.count();
                    double s = (System.nanoTime() - start) / 1e9;
                    LOG.info(String.format("%s/%s: %d props; %d/%d done, %.1f s, %.1f ms/prop", dirName(split), stem,
                            written.count(), done, total, s, 1000 * s / done));
                    Map<String, Object> shard = new LinkedHashMap<>();
                    shard.put("count", written.count());
                    shard.put("firstSeed", written.firstSeed());
                    shard.put("lastSeed", written.lastSeed());
                    shard.put("files", written.files());
                    shards.add(shard);
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("split", split.name());
                entry.put("count", count);
                entry.put("shards", shards);
                splits.put(dirName(split), entry);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Object> manifest = manifest(settings, splits, source);
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(manifest) + "\n";
        NpyFile.writeAtomically(settings.out().resolve("manifest.json"), json.getBytes(StandardCharsets.UTF_8));
        if (settings.preview() != null) {
            writePreview(settings.preview(), previewProps, settings.res());
        }
        double s = (System.nanoTime() - start) / 1e9;
        LOG.info(String.format("wrote %d props (%d views each, %dx%d, %dx%d supersampling) to %s in %.1f s "
                + "(%.1f ms/prop, %d threads)", total, RenderedProp.VIEWS, settings.res(), settings.res(),
                settings.supersample(), settings.supersample(), settings.out(), s, total == 0 ? 0 : 1000 * s / total,
                settings.threads()));
        return manifest;
    }

    /**
     * A written shard.
     *
     * @param files array name → file, relative to the dataset folder
     * @param count props written (tasks may skip theirs)
     * @param firstSeed seed of the first prop written (0 when none)
     * @param lastSeed seed of the last prop written (0 when none)
     */
    private record Shard(Map<String, String> files, int count, long firstSeed, long lastSeed) {
    }

    private static Shard writeShard(Path dir, String stem, List<Callable<RenderedProp>> seeds, Settings st,
            ExecutorService pool, List<RenderedProp> previewProps) throws IOException {
        int r = st.res();
        int v = RenderedProp.VIEWS;
        // render the whole shard first (tasks may skip a prop by returning null), then write what was rendered
        List<RenderedProp> done = new ArrayList<>();
        ArrayDeque<Future<RenderedProp>> queue = new ArrayDeque<>();
        int next = 0;
        int window = 4 * st.threads();
        while (next < seeds.size() || !queue.isEmpty()) {
            while (next < seeds.size() && queue.size() < window) {
                queue.add(pool.submit(seeds.get(next++)));
            }
            RenderedProp p = take(queue.poll());
            if (p != null) {
                done.add(p);
            }
        }
        long n = done.size();
        Map<String, String> names = new LinkedHashMap<>();
        List<NpyFile> files = new ArrayList<>();
        try {
            for (String name : ARRAYS) {
                String file = stem + "." + name + ".npy";
                names.put(name, dir.getFileName() + "/" + file);
                files.add(switch (name) {
                    case "rgb" -> new NpyFile(dir.resolve(file), "|u1", new long[] {n, v, r, r, 3});
                    case "alpha" -> new NpyFile(dir.resolve(file), "|u1", new long[] {n, v, r, r});
                    case "depth" -> new NpyFile(dir.resolve(file), "<f4", new long[] {n, v, r, r});
                    case "normal" -> new NpyFile(dir.resolve(file), "|i1", new long[] {n, v, r, r, 3});
                    case "cam" -> new NpyFile(dir.resolve(file), "<f4", new long[] {n, v, 16});
                    case "label", "seed" -> new NpyFile(dir.resolve(file), "<i8", new long[] {n});
                    case "yaw" -> new NpyFile(dir.resolve(file), "<f4", new long[] {n});
                    case "view" -> new NpyFile(dir.resolve(file), "<f4", new long[] {n, v, 2});
                    case "cond" -> new NpyFile(dir.resolve(file), "|u1", new long[] {n, r, r, 3});
                    default -> throw new IllegalStateException(name);
                });
            }
            for (RenderedProp p : done) {
                files.get(0).write(p.rgb());
                files.get(1).write(p.alpha());
                files.get(2).write(p.depth());
                files.get(3).write(p.normal());
                files.get(4).write(p.cam());
                files.get(5).writeLong(p.label());
                files.get(6).writeLong(p.seed());
                files.get(7).writeFloat(p.yaw());
                files.get(8).write(p.views());
                files.get(9).write(p.cond());
                if (previewProps.size() < PREVIEW_PROPS) {
                    previewProps.add(p);
                }
            }
            for (NpyFile f : files) {
                f.commit();
            }
        } finally {
            for (NpyFile f : files) {
                f.close();
            }
        }
        return done.isEmpty() ? new Shard(names, 0, 0, 0)
                : new Shard(names, done.size(), done.get(0).seed(), done.get(done.size() - 1).seed());
    }

    private static RenderedProp take(Future<RenderedProp> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new UncheckedIOException(new IOException(e.getCause()));
        }
    }

    private static Map<String, Object> manifest(Settings st, Map<String, Object> splits, Source source) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "gen3d-prop-renders");
        m.put("formatVersion", FORMAT_VERSION);
        m.put("resolution", st.res());
        m.put("supersample", st.supersample());
        m.put("viewsPerProp", RenderedProp.VIEWS);
        Map<String, Object> views = new LinkedHashMap<>();
        views.put("frame", "canonical: the prop is rotated by -yaw about +Y so that the input camera is at azimuth 0;"
                + " azimuth/elevation as PinholeCamera.orbit (azimuth 0 on +Z, 90 on +X, elevation > 0 above)");
        views.put("layout", List.of(
                "0: input, azimuth 0, elevation ~ U[0, " + PropPose.INPUT_ELEVATION_MAX + "]",
                "1-4: targets, azimuth 0/90/180/270, elevation 0 (ViewRig.targetViews order)",
                "5-8: novel, azimuth ~ U[0, 360), elevation ~ U[" + PropPose.NOVEL_ELEVATION_MIN + ", "
                        + PropPose.NOVEL_ELEVATION_MAX + "]"));
        views.put("radius", ViewRig.RADIUS);
        views.put("fovYDegrees", ViewRig.FOV_Y_DEGREES);
        views.put("near", ViewRig.NEAR);
        views.put("far", ViewRig.FAR);
        views.put("randomness", String.format("SplitMix64(seed ^ 0x%X): yaw = 360 u, input elevation = %s u, then per"
                + " novel view azimuth = 360 u, elevation = %s + %s u", PropPose.VIEW_SEED_SALT,
                PropPose.INPUT_ELEVATION_MAX, PropPose.NOVEL_ELEVATION_MIN,
                PropPose.NOVEL_ELEVATION_MAX - PropPose.NOVEL_ELEVATION_MIN));
        views.put("camera", "cam row: world->RDF rotation R row-major (9), position p (3), fx, fy, cx, cy; c = R (x - p),"
                + " u = fx c.x / c.z + cx, v = fy c.y / c.z + cy, pixel (i, j) centred at (i + 0.5, j + 0.5), row 0 at"
                + " the top");
        m.put("views", views);
        Map<String, Object> light = new LinkedHashMap<>();
        light.put("space", "world (canonical frame)");
        light.put("formula", "lit = min(1, linear vertex colour * (ambient + diffuse)), ambient = " + MeshRasterizer.AMBIENT
                + " + " + MeshRasterizer.SKY + " (0.5 n.y + 0.5), diffuse = " + MeshRasterizer.DIFFUSE
                + " max(0, n . L); averaged over covered samples in linear light, then sRGB-encoded");
        light.put("direction", new double[] {0.4, 0.8, 0.45});
        light.put("directionNormalised", true);
        m.put("lighting", light);
        Map<String, Object> arrays = new LinkedHashMap<>();
        arrays.put("rgb", "|u1 [N, 9, R, R, 3] sRGB colour, straight (not premultiplied), 0 where alpha is 0");
        arrays.put("alpha", "|u1 [N, 9, R, R] coverage * 255, rounded");
        arrays.put("depth", "<f4 [N, 9, R, R] camera-space z (mean over covered samples), 0 where alpha is 0");
        arrays.put("normal", "|i1 [N, 9, R, R, 3] world (canonical-frame) shading normal * 127, rounded");
        arrays.put("cam", "<f4 [N, 9, 16] R (9), p (3), fx, fy, cx, cy");
        arrays.put("label", "<i8 [N] category ordinal");
        arrays.put("seed", "<i8 [N] prop seed");
        arrays.put("yaw", "<f4 [N] degrees");
        arrays.put("view", "<f4 [N, 9, 2] azimuth, elevation (degrees) in the canonical frame");
        arrays.put("cond", "|u1 [N, R, R, 3] the model's condition: the input view rendered as a picture on white at a"
                + " jittered size and distance, prepared by InputImages.prepare as the service prepares a user's"
                + " picture (sRGB on white)");
        m.put("arrays", arrays);
        Map<String, Object> cond = new LinkedHashMap<>();
        cond.put("preparation", "io.github.gen3d.image.InputImages.prepare, default options (object fills "
                + "75 % of the frame)");
        cond.put("pictureSide", List.of(RenderedProp.COND_MIN_SIDE, RenderedProp.COND_MAX_SIDE));
        cond.put("distanceOverRadius", List.of(RenderedProp.COND_MIN_DISTANCE, RenderedProp.COND_MAX_DISTANCE));
        cond.put("randomness", String.format("SplitMix64(seed ^ 0x%X): side, then distance",
                RenderedProp.COND_SEED_SALT));
        m.put("condition", cond);
        m.put("splits", splits);
        source.describe(m);
        return m;
    }

    /**
     * Writes a contact sheet: one row per prop, one column per view, RGB composited on white, and last the condition
     * image.
     *
     * @param path PNG path (not null)
     * @param props the props (not null)
     * @param res tile size
     * @throws IOException on I/O failure
     */
    static void writePreview(Path path, List<RenderedProp> props, int res) throws IOException {
        int v = RenderedProp.VIEWS;
        int gap = 2;
        int rows = Math.max(1, props.size());
        BufferedImage img = new BufferedImage((v + 1) * (res + gap) + gap, rows * (res + gap) + gap,
                BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, 0x808080);
            }
        }
        int px = res * res;
        for (int row = 0; row < props.size(); row++) {
            RenderedProp p = props.get(row);
            for (int view = 0; view < v; view++) {
                for (int j = 0; j < res; j++) {
                    for (int i = 0; i < res; i++) {
                        int q = view * px + j * res + i;
                        double a = (p.alpha()[q] & 0xFF) / 255.0;
                        int rgb = 0;
                        for (int k = 0; k < 3; k++) {
                            double c = (p.rgb()[3 * q + k] & 0xFF) * a + 255 * (1 - a);
                            rgb = (rgb << 8) | (int) Math.round(c);
                        }
                        img.setRGB(gap + view * (res + gap) + i, gap + row * (res + gap) + j, rgb);
                    }
                }
            }
            for (int j = 0; j < res; j++) {
                for (int i = 0; i < res; i++) {
                    int q = 3 * (j * res + i);
                    int rgb = ((p.cond()[q] & 0xFF) << 16) | ((p.cond()[q + 1] & 0xFF) << 8) | (p.cond()[q + 2] & 0xFF);
                    img.setRGB(gap + v * (res + gap) + i, gap + row * (res + gap) + j, rgb);
                }
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        NpyFile.writeAtomically(path.toAbsolutePath(), bytes.toByteArray());
    }
}
