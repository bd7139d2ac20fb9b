package io.github.gen3d.trainer;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.render.MeshRasterizer;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.trainer.art.ArtAsset;
import io.github.gen3d.trainer.art.GameArt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes the game-art dataset: 0 A.D.'s actors (an unpacked {@code art} folder of Debian's {@code 0ad-data}) rendered
 * with their textures in the procedural dataset's layout, views and lighting, plus each asset's source and licence in
 * the manifest. See {@code docs/dataset.md}, "Game art".
 */
@Command(name = "art-dataset", mixinStandardHelpOptions = true,
        description = "Renders the game-art dataset (0 A.D. actors) into .npy shards, as DatasetTool does.")
public final class ArtDatasetTool implements Callable<Integer> {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(
            ArtDatasetTool.class.getName());
    @Option(names = "--art", required = true, description = "The unpacked art folder (actors/, meshes/, textures/).")
    Path art;
    @Mixin
    ShardOptions output;
    @Option(names = "--train", defaultValue = "100000", description = "Most training assets (default: all).")
    int train;
    @Option(names = "--val", defaultValue = "100000", description = "Most validation assets (default: all).")
    int val;
    @Option(names = "--test", defaultValue = "100000", description = "Most test assets (default: all).")
    int test;
    @Option(names = "--per-group", defaultValue = "4",
            description = "Most actors kept per group of one model (default ${DEFAULT-VALUE}).")
    int perGroup;
    @Option(names = "--supersample", defaultValue = "3",
            description = "Samples per pixel per axis (default ${DEFAULT-VALUE}; textures need more than the props).")
    int supersample;

    /** Creates the command (picocli fills the options). */
    public ArtDatasetTool() {
    }

    /**
     * Entry point.
     *
     * @param args command-line arguments (not null)
     */
    public static void main(String[] args) {
        int code = new CommandLine(new ArtDatasetTool()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Writes the dataset.
     *
     * @return 0 on success
     * @throws Exception on I/O failure or bad options
     */
    @Override
    public Integer call() throws Exception {
        GameArt assets = GameArt.open(art, perGroup);
        Map<DatasetSplit, Integer> counts = new EnumMap<>(DatasetSplit.class);
        counts.put(DatasetSplit.TRAIN, Math.min(train, assets.count(DatasetSplit.TRAIN)));
        counts.put(DatasetSplit.VALIDATION, Math.min(val, assets.count(DatasetSplit.VALIDATION)));
        counts.put(DatasetSplit.TEST, Math.min(test, assets.count(DatasetSplit.TEST)));
        DatasetWriter.write(output.settings(counts, supersample), source(assets));
        return 0;
    }

    /**
     * The game art as a dataset source: asset {@code i} of a split is posed by {@link PropPose#of} with the asset's
     * seed (yaw, input elevation, novel views as for the procedural props), rotated into the canonical frame and
     * rendered with its textures; its label is −1 (no category). An asset whose input picture the service's input
     * preparation refuses (too small to see from the input camera) is skipped and listed as such in the manifest;
     * the manifest's {@code assets} lists the written ones in order.
     *
     * @param assets the assets (not null)
     * @return the source
     */
    static DatasetWriter.Source source(GameArt assets) {
        Map<String, String> skipped = new java.util.concurrent.ConcurrentHashMap<>();
        Map<DatasetSplit, Integer> asked = new java.util.concurrent.ConcurrentHashMap<>();
        return new DatasetWriter.Source() {
            @Override
            public List<Callable<RenderedProp>> tasks(DatasetSplit split, int count, int res, int supersample) {
                List<Callable<RenderedProp>> out = new ArrayList<>();
                asked.put(split, Math.min(count, assets.count(split)));
                for (int i = 0; i < Math.min(count, assets.count(split)); i++) {
                    int index = i;
                    out.add(() -> render(assets, split, index, res, supersample, skipped));
                }
                return out;
            }

            @Override
            public void describe(Map<String, Object> m) {
                m.put("seeds", "per asset: the first 8 bytes of SHA-256(\"actor:\" + actor path); pose = PropPose.of(seed)"
                        + " (yaw, input elevation, novel views); label -1 (no category)");
                Map<String, Object> gen = new LinkedHashMap<>();
                gen.put("assets", GameArt.class.getName());
                gen.put("source", assets.root().toString());
                gen.put("boundingRadius", ArtAsset.BOUNDING_RADIUS);
                gen.put("renderer", MeshRasterizer.class.getName() + " with ArtAsset's texture surface");
                gen.put("writer", ArtDatasetTool.class.getName());
                m.put("generator", gen);
                m.put("licence", "The rendered images are derived from 0 A.D.'s art, CC-BY-SA 3.0 (Wildfire Games);"
                        + " each asset's files are listed under assets");
                Map<String, Object> list = new LinkedHashMap<>();
                Map<String, Object> left = new LinkedHashMap<>();
                for (DatasetSplit s : DatasetSplit.values()) {
                    List<Object> l = new ArrayList<>();
                    List<Object> out = new ArrayList<>();
                    for (int i = 0; i < asked.getOrDefault(s, 0); i++) {
                        Map<String, Object> d = assets.describe(s, i);
                        String why = skipped.get(key(s, i));
                        if (why == null) {
                            l.add(d);
                        } else {
                            d.put("skipped", why);
                            out.add(d);
                        }
                    }
                    list.put(DatasetWriter.dirName(s), l);
                    left.put(DatasetWriter.dirName(s), out);
                }
                m.put("assets", list);
                m.put("skippedAssets", left);
            }
        };
    }

    private static RenderedProp render(GameArt assets, DatasetSplit split, int index, int res, int supersample,
            Map<String, String> skipped) throws Exception {
        long seed = assets.seed(split, index);
        PropPose pose = PropPose.of(seed);
        ArtAsset asset = assets.load(split, index);
        TriangleMesh canonical = PropPose.rotateY(asset.mesh(), -pose.yaw());
        ArtAsset posed = asset.withMesh(canonical);
        try {
            return RenderedProp.render(seed, -1, pose, canonical, posed::surface, res, supersample);
        } catch (IllegalStateException e) {
            // a picture of its input view that the service would refuse too (e.g. too small to see): not usable
            skipped.put(key(split, index), e.getMessage());
            LOG.info("skipped " + assets.describe(split, index).get("actor") + ": " + e.getMessage());
            return null;
        }
    }

    private static String key(DatasetSplit split, int index) {
        return split.name() + "/" + index;
    }
}
