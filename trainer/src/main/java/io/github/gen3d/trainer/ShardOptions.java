package io.github.gen3d.trainer;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The output options both dataset commands share (a picocli mixin): where, image size, shards, threads, preview. */
final class ShardOptions {
    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;
    @Option(names = "--res", defaultValue = "64", description = "Image size in pixels (default ${DEFAULT-VALUE}).")
    int res;
    @Option(names = "--shard", defaultValue = "500", description = "Props per shard (default ${DEFAULT-VALUE}).")
    int shard;
    @Option(names = "--threads", description = "Render threads (default: available processors).")
    Integer threads;
    @Option(names = "--preview",
            description = "Also write a contact sheet PNG (first 8 props x 9 views, then the condition image).")
    Path preview;

    /**
     * @param counts props per split (not null)
     * @param supersample samples per pixel per axis
     * @return the writer's settings
     */
    DatasetWriter.Settings settings(Map<DatasetSplit, Integer> counts, int supersample) {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        return new DatasetWriter.Settings(out, counts, res, supersample, shard, t, preview);
    }
}
