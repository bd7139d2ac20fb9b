package io.github.gen3d.trainer;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.render.MeshRasterizer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Command line: renders the procedural prop dataset for training (see {@code docs/dataset.md}, "Renders").
 *
 * <p>Example: {@code DatasetTool --out data --train 6000 --val 200 --preview data/preview.png}.
 */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = "Renders procedural props (9 views each) into .npy shards plus manifest.json.")
public final class DatasetTool implements Callable<Integer> {
    @Mixin
    ShardOptions output;
    @Option(names = "--train", defaultValue = "6000", description = "Training props (default ${DEFAULT-VALUE}).")
    int train;
    @Option(names = "--val", defaultValue = "200", description = "Validation props (default ${DEFAULT-VALUE}).")
    int val;
    @Option(names = "--test", defaultValue = "0", description = "Test props (default ${DEFAULT-VALUE}).")
    int test;
    @Option(names = "--supersample", defaultValue = "" + MeshRasterizer.DEFAULT_SUPERSAMPLE,
            description = "Samples per pixel per axis (default ${DEFAULT-VALUE}).")
    int supersample;

    /** Creates the command (picocli fills the options). */
    public DatasetTool() {
    }

    /**
     * Entry point.
     *
     * @param args command-line arguments (not null)
     */
    public static void main(String[] args) {
        int code = new CommandLine(new DatasetTool()).execute(args);
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
        Map<DatasetSplit, Integer> counts = new EnumMap<>(DatasetSplit.class);
        counts.put(DatasetSplit.TRAIN, train);
        counts.put(DatasetSplit.VALIDATION, val);
        counts.put(DatasetSplit.TEST, test);
        DatasetWriter.write(output.settings(counts, supersample));
        return 0;
    }
}
