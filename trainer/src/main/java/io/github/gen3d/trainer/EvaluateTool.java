package io.github.gen3d.trainer;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.trainer.dataset.PropCategory;
import io.github.gen3d.render.MeshRasterizer;
import io.github.gen3d.diffusion.Condition;
import io.github.gen3d.diffusion.SampleRequest;
import io.github.gen3d.diffusion.SampleResult;
import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.diffusion.SynergySampler;
import io.github.gen3d.mesh.MeshExtractor;
import io.github.gen3d.mesh.TriangleMesh;
import io.github.gen3d.model.BundleSamplers;
import io.github.gen3d.model.ModelBundle;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.render.RenderResult;
import io.github.gen3d.render.SplatRasterizer;
import io.github.gen3d.render.ViewFit;
import io.github.gen3d.render.ViewRig;
import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.splat.SplatIO;
import io.github.gen3d.trainer.art.ArtAsset;
import io.github.gen3d.trainer.art.GameArt;
import io.github.gen3d.trainer.eval.DepthView;
import io.github.gen3d.trainer.eval.ImageMetrics;
import io.github.gen3d.trainer.eval.MeshMetrics;
import io.github.gen3d.trainer.eval.PointCloudMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line: evaluates a model bundle on the test split of the procedural prop dataset, or with {@code --art} of
 * the game-art dataset (see {@code docs/evaluation.md}, "Running the evaluation"). For each test prop and sampler mode
 * it samples Gaussians from the prop's input picture, prepared as the service prepares a user's picture
 * ({@link RenderedProp#renderCondition}), scores renders of them at novel views (PSNR, masked PSNR, SSIM; over all
 * views and over the level and the elevated views apart) and the mesh extracted from them (Chamfer distance,
 * F-score), scores two baselines that need no model ({@value #INPUT_REPEATED}, {@value #ALL_WHITE}) on the same
 * views, and writes {@code results.csv}, {@code table.md} and {@code grid.png}.
 *
 * <p>Example: {@code EvaluateTool --bundle assets/Models/gen3d-default --props 100 --steps 50 --out build/eval}.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluates a model bundle on the test props: novel-view image metrics and mesh metrics.")
public final class EvaluateTool implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(EvaluateTool.class.getName());
    /** Depth views of the ground truth for the visibility filter. */
    static final int VISIBILITY_VIEWS = 24;
    /** Their image size. */
    static final int VISIBILITY_SIZE = 256;
    /** Their elevations in degrees, cycled over the views. */
    static final float[] VISIBILITY_ELEVATIONS = {-20f, 10f, 40f, 70f};
    /** Surface samples per mesh for the mesh metrics. */
    static final int MESH_POINTS = 10000;
    /** Elevation of the odd novel views in degrees (the even ones are at 0). */
    static final float NOVEL_ELEVATION_ODD = 25f;
    /** Samples per pixel per axis of the game-art renders (as {@code ArtDatasetTool}'s default: textures). */
    static final int ART_SUPERSAMPLE = 3;
    /** Baseline: the input view, uncropped at the rig's framing, as the prediction of every novel view. */
    static final String INPUT_REPEATED = "input-repeated";
    /** Baseline: a white image as every novel view. */
    static final String ALL_WHITE = "all-white";
    /** The baselines, in table order; scored for every prop whatever {@code --modes} says. */
    static final List<String> BASELINES = List.of(INPUT_REPEATED, ALL_WHITE);

    @Option(names = "--bundle", defaultValue = "assets/Models/gen3d-default",
            description = "Model bundle folder (default ${DEFAULT-VALUE}).")
    Path bundle;
    @Option(names = "--props", defaultValue = "100", description = "Props of the split, or with --art the first N"
            + " assets of the split (default ${DEFAULT-VALUE}).")
    int props;
    @Option(names = "--art", paramLabel = "DIR", description = "Evaluate the game-art assets of this unpacked 0 A.D."
            + " art folder (as ArtDatasetTool renders them) instead of the procedural props.")
    Path art;
    @Option(names = "--per-group", defaultValue = "4", paramLabel = "N", description = "With --art: most actors kept"
            + " per group of one model, as ArtDatasetTool --per-group (default ${DEFAULT-VALUE}).")
    int perGroup;
    @Option(names = "--split", defaultValue = "TEST", description = "Which props: TEST (the reported figures) or "
            + "VALIDATION (for choosing settings without touching the test split; default ${DEFAULT-VALUE}).")
    DatasetSplit split;
    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps (default ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--guidance", description = "Guidance scale (default: the bundle's recommendation, 3 for the "
            + "default bundle).")
    Float guidance;
    @Option(names = "--refinement", paramLabel = "NOISE,CLEAN", converter = RefinementConverter.class,
            description = "Synergy's refinement weights of the 3D render at the noisiest and the clean timestep, "
            + "e.g. 1,1 for Gen-3Diffusion's Algorithm 2 (default: the bundle's recommendation).")
    SamplerSettings.Refinement refinement;
    @Option(names = "--input-fit", defaultValue = "30", paramLabel = "STEPS",
            description = "Steps of the fit of colours and opacities to the input picture after sampling, in every "
            + "mode (ViewFit; the generator's default, ${DEFAULT-VALUE}); 0 turns it off.")
    int inputFit;
    @Option(names = "--modes", defaultValue = "synergy,2d-only,no-2d-prior", split = ",",
            description = "Sampler modes, comma-separated: synergy, 2d-only, no-2d-prior (default all).")
    List<String> modes;
    @Option(names = "--views", defaultValue = "16", description = "Novel views per prop (default ${DEFAULT-VALUE}).")
    int views;
    @Option(names = "--mesh-res", defaultValue = "128",
            description = "TSDF resolution of the mesh extraction (default ${DEFAULT-VALUE}).")
    int meshRes;
    @Option(names = "--out", defaultValue = "build/eval", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--seed", defaultValue = "0",
            description = "Base seed: sampling uses seed + prop seed, mesh metrics use seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--grid", defaultValue = "6", description = "Props shown in grid.png (default ${DEFAULT-VALUE}).")
    int grid;
    @Option(names = "--save-grid-assets", description = "Also write the Gaussians generated for the grid props as "
            + "OUT/assets/SEED-NAME-MODE.spz (NAME: the category, or the actor's file name; jME frame), e.g. to view"
            + " them with the splat viewer.")
    boolean saveGridAssets;

    /** Creates the command (picocli fills the options). */
    public EvaluateTool() {
    }

    /**
     * Entry point.
     *
     * @param args command-line arguments (not null)
     */
    public static void main(String[] args) {
        int code = new CommandLine(new EvaluateTool()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the evaluation.
     *
     * @return 0 on success
     * @throws Exception on I/O failure, a bundle that cannot be loaded, or bad options
     */
    @Override
    public Integer call() throws Exception {
        List<SamplerSettings.Mode> m = new ArrayList<>();
        for (String s : modes) {
            m.add(parseMode(s.trim()));
        }
        evaluate(new Settings(bundle, split, props, steps, guidance, m, views, meshRes, out, seed, grid,
                saveGridAssets, refinement, inputFit, art, perGroup));
        return 0;
    }

    /** {@code --refinement}'s "NOISE,CLEAN"; picocli reports a thrown exception as a bad option value. */
    static final class RefinementConverter implements CommandLine.ITypeConverter<SamplerSettings.Refinement> {
        @Override
        public SamplerSettings.Refinement convert(String text) {
            String[] parts = text.split(",", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("needs two weights NOISE,CLEAN, got '" + text + "'");
            }
            return new SamplerSettings.Refinement(Double.parseDouble(parts[0].trim()),
                    Double.parseDouble(parts[1].trim()));
        }
    }

    /**
     * What to evaluate.
     *
     * @param bundle the bundle folder
     * @param split which props: {@link DatasetSplit#TEST} or {@link DatasetSplit#VALIDATION}
     * @param props how many props of the split
     * @param steps DDIM steps
     * @param guidance guidance scale, or null for the bundle's recommendation
     * @param modes sampler modes, in column order
     * @param views novel views per prop
     * @param meshRes TSDF resolution
     * @param out output folder
     * @param seed base seed
     * @param grid props in the picture
     * @param saveGridAssets whether the Gaussians of the grid props are written as {@code .spz} files
     * @param refinement synergy's refinement, or null for the bundle's recommendation
     * @param inputFit steps of the fit to the input picture after sampling ({@link ViewFit}); 0 for none
     * @param art the unpacked art folder whose game-art assets are evaluated, or null for the procedural props
     * @param perGroup with {@code art}: most actors kept per group ({@link GameArt#open})
     */
    record Settings(Path bundle, DatasetSplit split, int props, int steps, Float guidance,
            List<SamplerSettings.Mode> modes, int views, int meshRes, Path out, long seed, int grid,
            boolean saveGridAssets, SamplerSettings.Refinement refinement, int inputFit, Path art, int perGroup) {
        /** The procedural props ({@code art} null, {@code perGroup} 4). */
        Settings(Path bundle, DatasetSplit split, int props, int steps, Float guidance,
                List<SamplerSettings.Mode> modes, int views, int meshRes, Path out, long seed, int grid,
                boolean saveGridAssets, SamplerSettings.Refinement refinement, int inputFit) {
            this(bundle, split, props, steps, guidance, modes, views, meshRes, out, seed, grid, saveGridAssets,
                    refinement, inputFit, null, 4);
        }

        Settings {
            if (bundle == null || out == null || modes == null || modes.isEmpty()) {
                throw new IllegalArgumentException("bundle, out and at least one mode are needed");
            }
            if (modes.stream().distinct().count() != modes.size()) {
                throw new IllegalArgumentException("modes repeat: " + modes);
            }
            if (split != DatasetSplit.TEST && split != DatasetSplit.VALIDATION) {
                throw new IllegalArgumentException("evaluate on the TEST or the VALIDATION split, not " + split);
            }
            if (props < 1 || steps < 1 || views < 4 || meshRes < 8 || grid < 0 || inputFit < 0) {
                throw new IllegalArgumentException("need props ≥ 1, steps ≥ 1, views ≥ 4, mesh-res ≥ 8, grid ≥ 0,"
                        + " input-fit ≥ 0; got " + props + ", " + steps + ", " + views + ", " + meshRes + ", " + grid
                        + ", " + inputFit);
            }
            if (perGroup < 1) {
                throw new IllegalArgumentException("need per-group ≥ 1, got " + perGroup);
            }
            modes = List.copyOf(modes);
        }
    }

    /**
     * @param name synergy, 2d-only or no-2d-prior
     * @return the mode
     */
    static SamplerSettings.Mode parseMode(String name) {
        return switch (name) {
            case "synergy" -> SamplerSettings.Mode.SYNERGY;
            case "2d-only" -> SamplerSettings.Mode.TWO_D_ONLY;
            case "no-2d-prior" -> SamplerSettings.Mode.NO_2D_PRIOR;
            default -> throw new IllegalArgumentException("unknown mode '" + name
                    + "': use synergy, 2d-only or no-2d-prior");
        };
    }

    /**
     * @param mode a mode
     * @return its command-line name
     */
    static String modeName(SamplerSettings.Mode mode) {
        return switch (mode) {
            case SYNERGY -> "synergy";
            case TWO_D_ONLY -> "2d-only";
            case NO_2D_PRIOR -> "no-2d-prior";
        };
    }

    /**
     * One thing evaluated: a procedural prop or a game-art asset.
     *
     * @param seed its seed (pose, condition picture; sampling uses {@code --seed} + it)
     * @param category the prop category, or null for game art
     * @param name the actor path for game art, or null
     * @param truth makes its ground truth (may throw: the prop is then a failed row in every mode)
     */
    record Subject(long seed, PropCategory category, String name, Callable<Truth> truth) {
        /** @return the category, or the name for game art: for progress lines */
        String label() {
            return category != null ? category.name().toLowerCase(Locale.ROOT) : name;
        }

        /** @return the short label under the grid's input view */
        String gridLabel() {
            return category != null ? "#" + seed + " " + category.name().toLowerCase(Locale.ROOT) : shortName();
        }

        /** @return a file-name-safe short form: the category, or the actor's file name without {@code .xml} */
        String shortName() {
            if (category != null) {
                return category.name().toLowerCase(Locale.ROOT);
            }
            String n = name == null ? "art" : name.substring(name.lastIndexOf('/') + 1);
            if (n.endsWith(".xml")) {
                n = n.substring(0, n.length() - 4);
            }
            return n.replaceAll("[^A-Za-z0-9_.-]", "_");
        }
    }

    /**
     * What is evaluated: the first {@code props} procedural props of the split, or with {@code art} the first
     * {@code props} game-art assets of the split.
     *
     * @param s the settings (not null)
     * @param res image size
     * @param novel the novel cameras
     * @return the subjects, in order
     * @throws IOException when the art folder cannot be scanned, or its split is empty
     */
    static List<Subject> subjects(Settings s, int res, List<PinholeCamera> novel) throws IOException {
        List<Subject> out = new ArrayList<>();
        if (s.art() == null) {
            for (long seed : PropPose.seeds(s.split(), s.props())) {
                PropPose pose = PropPose.of(seed);
                out.add(new Subject(seed, pose.category(), null, () -> Truth.of(pose, res, novel)));
            }
            return out;
        }
        GameArt art = GameArt.open(s.art(), s.perGroup());
        int n = Math.min(s.props(), art.count(s.split()));
        if (n == 0) {
            throw new IOException(s.art() + ": no game-art assets in the " + s.split() + " split");
        }
        for (int i = 0; i < n; i++) {
            int index = i;
            Object actor = art.describe(s.split(), i).get("actor");
            out.add(new Subject(art.seed(s.split(), i), null, actor == null ? null : actor.toString(),
                    () -> Truth.ofArt(art, s.split(), index, res, novel)));
        }
        return out;
    }

    /**
     * The evaluation's core: samples and scores every test prop in every mode, scores the baselines, and writes the
     * outputs.
     *
     * @param s the settings (not null)
     * @return per prop, one row per mode followed by one per baseline ({@link #BASELINES}), in order
     * @throws Exception when the bundle cannot be loaded or a sampler built, the art folder cannot be scanned, or on
     *     I/O failure (a failing prop is a failed row, not an exception)
     */
    static List<EvalRow> evaluate(Settings s) throws Exception {
        String subject = s.art() == null ? "props" : "game-art assets (" + s.art() + ", at most " + s.perGroup()
                + " per group)";
        EvalReport report = new EvalReport(s.out(), s.modes(), s.split(), subject);
        try (ModelBundle b = ModelBundle.load(s.bundle())) {
            Map<SamplerSettings.Mode, SynergySampler> samplers = new EnumMap<>(SamplerSettings.Mode.class);
            float guidance = s.guidance() != null ? s.guidance() : b.recommendedGuidance();
            for (SamplerSettings.Mode mode : s.modes()) {
                samplers.put(mode, BundleSamplers.create(b, SamplerSettings.defaults().withSteps(s.steps())
                        .withGuidanceScale(guidance).withMode(mode).withRefinement(s.refinement())
                        .withInputFit(s.inputFit() > 0 ? ViewFit.Settings.defaults().withSteps(s.inputFit()) : null)));
            }
            SynergySampler first = samplers.get(s.modes().get(0));
            int res = first.targetCameras().get(0).width();
            SamplerSettings.Refinement ref = first.settings().refinement();
            String sampling = String.format(Locale.ROOT, "%s %s (%d px), %d DDIM steps, guidance %s, synergy"
                    + " refinement %s, %s", b.name(), b.version(), res, s.steps(), guidance, ref == null
                    ? "1.0 → 1.0 (full)" : ref.atNoise() + " → " + ref.atClean(), s.inputFit() > 0
                    ? "input fit " + s.inputFit() + " steps" : "no input fit");
            report.sampling(sampling);
            List<PinholeCamera> novel = novelCameras(s.views(), res);
            List<Subject> subjects = subjects(s, res, novel);
            System.out.printf(Locale.ROOT, "evaluating %d %s %s, modes %s: %s%n", subjects.size(),
                    s.split().name().toLowerCase(Locale.ROOT), subject, s.modes(), sampling);
            int[] shown = EvalReport.gridViews(s.views());
            for (int i = 0; i < subjects.size(); i++) {
                Subject sub = subjects.get(i);
                long seed = sub.seed();
                boolean inGrid = i < s.grid();
                EvalReport.GridRow gridRow = inGrid ? new EvalReport.GridRow(seed, sub.gridLabel(), res) : null;
                Truth truth;
                try {
                    truth = sub.truth().call();
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "prop " + seed + " (" + sub.label() + "): ground truth failed", e);
                    for (SamplerSettings.Mode mode : s.modes()) {
                        report.add(EvalRow.failed(seed, sub.category(), sub.name(), modeName(mode), e));
                    }
                    for (String baseline : BASELINES) {
                        report.add(EvalRow.failed(seed, sub.category(), sub.name(), baseline, e));
                    }
                    report.progress(i + 1, subjects.size(), seed, sub.label());
                    continue;
                }
                if (inGrid) {
                    gridRow.input = truth.input;
                    for (int j = 0; j < shown.length; j++) {
                        gridRow.truth[j] = truth.rgb[shown[j]];
                    }
                }
                for (SamplerSettings.Mode mode : s.modes()) {
                    EvalRow row;
                    try {
                        row = evaluateOne(samplers.get(mode), mode, sub, truth, novel, s, inGrid ? gridRow : null,
                                shown);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "prop " + seed + ", mode " + modeName(mode) + " failed", e);
                        row = EvalRow.failed(seed, sub.category(), sub.name(), modeName(mode), e);
                    }
                    report.add(row);
                }
                for (String baseline : BASELINES) {
                    EvalRow row;
                    try {
                        Scores sc = baseline.equals(INPUT_REPEATED) ? inputRepeatedScores(truth)
                                : allWhiteScores(truth);
                        row = EvalRow.baseline(seed, sub.category(), sub.name(), baseline, sc.all(), sc.level(),
                                sc.elevated());
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "prop " + seed + ", baseline " + baseline + " failed", e);
                        row = EvalRow.failed(seed, sub.category(), sub.name(), baseline, e);
                    }
                    report.add(row);
                }
                if (inGrid) {
                    report.addGridRow(gridRow);
                }
                report.progress(i + 1, subjects.size(), seed, sub.label());
                report.writeCsv();
            }
        }
        report.writeAll(s.views());
        return report.rows();
    }

    private static EvalRow evaluateOne(SynergySampler sampler, SamplerSettings.Mode mode, Subject sub, Truth truth,
            List<PinholeCamera> novel, Settings s, EvalReport.GridRow gridRow, int[] shown) {
        long t0 = System.nanoTime();
        SampleResult r = sampler.sample(SampleRequest.of(truth.condition, s.seed() + sub.seed()), null, null);
        double secSample = (System.nanoTime() - t0) / 1e9;
        GaussianCloud cloud = r.gaussians();
        if (gridRow != null && s.saveGridAssets()) {
            saveAsset(cloud, s.out().resolve("assets").resolve(sub.seed() + "-" + sub.shortName() + "-"
                    + modeName(mode) + ".spz"));
        }
        float[][] preds = new float[novel.size()][];
        Scores image = imageScores(cloud, truth, novel, preds);
        t0 = System.nanoTime();
        TriangleMesh mesh = MeshExtractor.extract(cloud, MeshExtractor.Settings.defaults()
                .withResolution(s.meshRes()));
        double secMesh = (System.nanoTime() - t0) / 1e9;
        MeshMetrics.Scores scores = MeshMetrics.compare(mesh, truth.mesh, truth.visibility, MESH_POINTS, s.seed(),
                PointCloudMetrics.DEFAULT_TAU);
        if (gridRow != null) {
            float[][] picks = new float[shown.length][];
            for (int j = 0; j < shown.length; j++) {
                picks[j] = preds[shown[j]];
            }
            gridRow.renders.put(mode, picks);
        }
        return EvalRow.sampled(sub.seed(), sub.category(), sub.name(), modeName(mode), image.all(), image.level(),
                image.elevated(), scores.chamfer(), scores.fScore(), secSample, secMesh, cloud.size(),
                mesh.triangleCount());
    }

    private static void saveAsset(GaussianCloud cloud, Path file) {
        try {
            Files.createDirectories(file.getParent());
            SplatIO.write(cloud, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Image metrics of one prediction over all novel views, the level ones and the elevated ones ({@link #isLevel}).
     *
     * @param all mean over all views
     * @param level mean over the level views
     * @param elevated mean over the elevated views
     */
    record Scores(EvalRow.Image all, EvalRow.Image level, EvalRow.Image elevated) {
    }

    /**
     * Renders Gaussians at the novel views (composited on white, as {@code RasterViewRenderer.whiteBackground()}
     * does) and scores them against the ground truth ({@link #scoreViews}, the mask counting the render's alpha).
     *
     * @param cloud the Gaussians, in the canonical frame (not null, unaffected)
     * @param truth the ground truth (not null)
     * @param novel the novel cameras, those of {@code truth} (not null)
     * @param renders receives the planar [0, 1] render of each view (not null, length {@code novel.size()})
     * @return the scores
     */
    static Scores imageScores(GaussianCloud cloud, Truth truth, List<PinholeCamera> novel, float[][] renders) {
        SplatRasterizer rasterizer = new SplatRasterizer();
        int res = novel.get(0).width();
        float[][] alphas = new float[novel.size()][];
        for (int v = 0; v < novel.size(); v++) {
            RenderResult rr = rasterizer.render(cloud, null, novel.get(v), RenderOptions.defaults());
            renders[v] = onWhite(rr.colour(), rr.alpha(), res, true);
            alphas[v] = rr.alpha();
        }
        return scoreViews(truth, renders, alphas);
    }

    /**
     * Scores predicted novel views against the ground truth: PSNR, masked PSNR (mask: ground-truth alpha &gt; 0.5,
     * or predicted alpha &gt; 0.5 where the prediction has one) and SSIM per view, each averaged over all views, over
     * the level views and over the elevated views. Every mode and baseline is scored by this.
     *
     * @param truth the ground truth (not null)
     * @param preds per view the planar [0, 1] prediction on white (not null; entries may be shared)
     * @param predAlpha per view the prediction's coverage, or null for a prediction without a silhouette (the mask
     *     is then the ground truth's alone)
     * @return the scores
     */
    static Scores scoreViews(Truth truth, float[][] preds, float[][] predAlpha) {
        int n = truth.rgb.length;
        if (preds.length != n || predAlpha != null && predAlpha.length != n) {
            throw new IllegalArgumentException(preds.length + " predictions for " + n + " views");
        }
        double[][] sum = new double[3][3];
        int[] count = new int[3];
        for (int v = 0; v < n; v++) {
            float[] gtAlpha = truth.alpha[v];
            boolean[] mask = new boolean[gtAlpha.length];
            for (int p = 0; p < mask.length; p++) {
                mask[p] = gtAlpha[p] > 0.5f || predAlpha != null && predAlpha[v][p] > 0.5f;
            }
            int res = (int) Math.round(Math.sqrt(gtAlpha.length));
            double[] m = {ImageMetrics.psnr(preds[v], truth.rgb[v]),
                ImageMetrics.maskedPsnr(preds[v], truth.rgb[v], mask),
                ImageMetrics.ssim(preds[v], truth.rgb[v], res, res)};
            for (int g : new int[] {0, isLevel(v) ? 1 : 2}) {
                count[g]++;
                for (int k = 0; k < 3; k++) {
                    sum[g][k] += m[k];
                }
            }
        }
        EvalRow.Image[] out = new EvalRow.Image[3];
        for (int g = 0; g < 3; g++) {
            out[g] = count[g] == 0 ? EvalRow.Image.NONE
                    : new EvalRow.Image(sum[g][0] / count[g], sum[g][1] / count[g], sum[g][2] / count[g]);
        }
        return new Scores(out[0], out[1], out[2]);
    }

    /**
     * The {@value #INPUT_REPEATED} baseline: the input view rendered uncropped at the rig's framing (as the dataset
     * stores it, composited on white) taken as the prediction of every novel view; its alpha counts in the mask.
     *
     * @param truth the ground truth (not null)
     * @return the scores
     */
    static Scores inputRepeatedScores(Truth truth) {
        int n = truth.rgb.length;
        float[][] preds = new float[n][];
        float[][] alphas = new float[n][];
        for (int v = 0; v < n; v++) {
            preds[v] = truth.uncropped.rgb();
            alphas[v] = truth.uncropped.alpha();
        }
        return scoreViews(truth, preds, alphas);
    }

    /**
     * The {@value #ALL_WHITE} baseline: a white image as every novel view; the mask is the ground truth's.
     *
     * @param truth the ground truth (not null)
     * @return the scores
     */
    static Scores allWhiteScores(Truth truth) {
        float[] white = new float[truth.rgb[0].length];
        Arrays.fill(white, 1f);
        float[][] preds = new float[truth.rgb.length][];
        Arrays.fill(preds, white);
        return scoreViews(truth, preds, null);
    }

    /**
     * @param k a novel view's index
     * @return whether it is a level view (elevation 0°: even k) rather than an elevated one
     *     ({@value #NOVEL_ELEVATION_ODD}°: odd k)
     */
    static boolean isLevel(int k) {
        return k % 2 == 0;
    }

    /**
     * The novel-view cameras: azimuth {@code k·360/n}, elevation 0° for even k and {@value #NOVEL_ELEVATION_ODD}° for
     * odd k, at the rig's radius and field of view.
     *
     * @param n views
     * @param res image size
     * @return the cameras
     */
    static List<PinholeCamera> novelCameras(int n, int res) {
        float[] az = new float[n];
        float[] el = new float[n];
        for (int k = 0; k < n; k++) {
            az[k] = k * 360f / n;
            el[k] = isLevel(k) ? 0f : NOVEL_ELEVATION_ODD;
        }
        return ViewRig.views(az, el, ViewRig.RADIUS, ViewRig.FOV_Y_DEGREES, res, res);
    }

    /**
     * The input camera of a prop: azimuth 0 at its input elevation, on the rig.
     *
     * @param pose the pose (not null)
     * @param res image size
     * @return the camera
     */
    static PinholeCamera inputCamera(PropPose pose, int res) {
        return ViewRig.views(new float[] {0f}, new float[] {pose.inputElevation()}, ViewRig.RADIUS,
                ViewRig.FOV_Y_DEGREES, res, res).get(0);
    }

    /**
     * The model's condition for a prop: the input view as a user's picture of it reaches the model — rendered on white
     * at a jittered size and distance and prepared by the service's {@code InputImages.prepare}, exactly as the
     * training data stores it ({@link RenderedProp#renderCondition}) — as the planar [−1, 1] floats
     * {@link Condition#image} takes (value = 2·byte/255 − 1, white = 1).
     *
     * @param seed the prop seed (seeds the picture's jitter)
     * @param elevation the input elevation in degrees
     * @param mesh the canonical mesh (not null)
     * @param surface surfaces for a textured mesh (one per call), or null for vertex colours
     * @param res the model's image size
     * @param supersample samples per pixel per axis of the picture
     * @return planar 3×res×res
     * @throws IllegalStateException when the input preparation refuses the picture
     */
    static float[] conditionImage(long seed, float elevation, TriangleMesh mesh,
            Supplier<MeshRasterizer.Surface> surface, int res, int supersample) {
        return planarSigned(RenderedProp.renderCondition(seed, elevation, mesh, surface, res, supersample), res);
    }

    /**
     * sRGB bytes {@code [res, res, 3]} to planar {@code 3×res×res} in [−1, 1].
     *
     * @param hwc the bytes (not null, unaffected)
     * @param res image size
     * @return new floats, 2·byte/255 − 1
     */
    static float[] planarSigned(byte[] hwc, int res) {
        int plane = res * res;
        if (hwc.length != 3 * plane) {
            throw new IllegalArgumentException(hwc.length + " bytes for a " + res + "x" + res + " RGB image");
        }
        float[] out = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                out[c * plane + p] = 2f * (hwc[3 * p + c] & 0xFF) / 255f - 1f;
            }
        }
        return out;
    }

    /**
     * An uncropped render of the input view.
     *
     * @param rgb planar 3×R×R in [0, 1], composited on white
     * @param alpha coverage per pixel, rounded to bytes as the dataset stores it
     */
    record InputView(float[] rgb, float[] alpha) {
    }

    /**
     * The input view rendered uncropped at the rig's framing, as the dataset stores its views (sRGB and alpha rounded
     * to bytes), composited on white: the {@value #INPUT_REPEATED} baseline's prediction. Not the model's condition
     * ({@link #conditionImage}).
     *
     * @param mesh the canonical mesh (not null)
     * @param camera the input camera (not null)
     * @param supersample samples per pixel per axis
     * @param surface surfaces for a textured mesh, or null for vertex colours
     * @return the render
     */
    static InputView uncroppedInput(TriangleMesh mesh, PinholeCamera camera, int supersample,
            Supplier<MeshRasterizer.Surface> surface) {
        MeshRasterizer.View v = surface == null ? MeshRasterizer.render(mesh, camera, supersample)
                : MeshRasterizer.render(mesh, camera, supersample, surface.get());
        int plane = v.width() * v.height();
        float[] rgb = new float[3 * plane];
        float[] alpha = new float[plane];
        for (int p = 0; p < plane; p++) {
            float a = Math.round(v.alpha()[p] * 255f) / 255f;
            alpha[p] = a;
            for (int c = 0; c < 3; c++) {
                float col = v.alpha()[p] > 0 ? Math.round(Math.max(0f, Math.min(1f, v.rgb()[3 * p + c])) * 255f)
                        / 255f : 0f;
                rgb[c * plane + p] = col * a + (1f - a);
            }
        }
        return new InputView(rgb, alpha);
    }

    /**
     * The uncropped input view ({@link #uncroppedInput}, procedural prop) mapped to [−1, 1]. This was the evaluation's
     * condition before the condition went through the service's input preparation; kept for tests that feed a view
     * of the rig as it is (e.g. target views).
     *
     * @param mesh the canonical mesh (not null)
     * @param camera the camera (not null)
     * @return planar 3×R×R in [−1, 1]
     */
    static float[] inputImage(TriangleMesh mesh, PinholeCamera camera) {
        float[] rgb = uncroppedInput(mesh, camera, MeshRasterizer.DEFAULT_SUPERSAMPLE, null).rgb();
        float[] out = new float[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = 2f * rgb[i] - 1f;
        }
        return out;
    }

    /**
     * Interleaved colour composited on white, to planar [0, 1].
     *
     * @param rgb interleaved RGB (not null, unaffected)
     * @param alpha coverage (not null, unaffected)
     * @param res image size
     * @param premultiplied whether {@code rgb} is premultiplied by alpha (the rasterizer's) or straight (the prop
     *     renderer's)
     * @return planar 3×R×R
     */
    static float[] onWhite(float[] rgb, float[] alpha, int res, boolean premultiplied) {
        int plane = res * res;
        float[] out = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            float a = alpha[p];
            for (int c = 0; c < 3; c++) {
                float col = premultiplied ? rgb[3 * p + c] : rgb[3 * p + c] * a;
                out[c * plane + p] = Math.max(0f, Math.min(1f, col + (1f - a)));
            }
        }
        return out;
    }

    /** The ground truth of one prop, shared by the modes and the baselines. */
    static final class Truth {
        /** The canonical mesh, for the mesh metrics. */
        final TriangleMesh mesh;
        /** The condition image, planar [−1, 1] ({@link #conditionImage}). */
        final float[] input;
        /** {@link #input} as the sampler takes it. */
        final Condition condition;
        /** The uncropped input view, for the {@value #INPUT_REPEATED} baseline. */
        final InputView uncropped;
        /** Per novel view: planar [0, 1] on white, and coverage. */
        final float[][] rgb;
        final float[][] alpha;
        /** Depth views for the mesh metrics' visibility filter. */
        final List<DepthView> visibility;

        /**
         * @param mesh the canonical mesh (null only where no mesh metric is computed)
         * @param input the condition, planar 3×R×R in [−1, 1]
         * @param uncropped the uncropped input view
         * @param rgb the novel views, planar [0, 1] on white
         * @param alpha their coverage
         * @param visibility the depth views (null only where no mesh metric is computed)
         */
        Truth(TriangleMesh mesh, float[] input, InputView uncropped, float[][] rgb, float[][] alpha,
                List<DepthView> visibility) {
            this.mesh = mesh;
            this.input = input;
            int res = (int) Math.round(Math.sqrt(input.length / 3.0));
            this.condition = Condition.image(input, 3, res, res);
            this.uncropped = uncropped;
            this.rgb = rgb;
            this.alpha = alpha;
            this.visibility = visibility;
        }

        /**
         * A procedural prop: its canonical mesh rendered with vertex colours at
         * {@link MeshRasterizer#DEFAULT_SUPERSAMPLE}.
         *
         * @param pose the prop's pose (not null)
         * @param res image size
         * @param novel the novel cameras (not null)
         * @return the ground truth
         */
        static Truth of(PropPose pose, int res, List<PinholeCamera> novel) {
            return of(pose, pose.canonicalMesh(), null, MeshRasterizer.DEFAULT_SUPERSAMPLE, res, novel);
        }

        /**
         * A game-art asset as {@code ArtDatasetTool} renders it: posed by {@code PropPose.of(seed)}, rotated into the
         * canonical frame, textured, at {@value #ART_SUPERSAMPLE}× supersampling.
         *
         * @param art the assets (not null)
         * @param split the split
         * @param index the asset's index in it
         * @param res image size
         * @param novel the novel cameras (not null)
         * @return the ground truth
         * @throws IOException when the asset cannot be loaded
         */
        static Truth ofArt(GameArt art, DatasetSplit split, int index, int res, List<PinholeCamera> novel)
                throws IOException {
            long seed = art.seed(split, index);
            PropPose pose = PropPose.of(seed);
            ArtAsset a = art.load(split, index);
            TriangleMesh canonical = PropPose.rotateY(a.mesh(), -pose.yaw());
            ArtAsset posed = a.withMesh(canonical);
            return of(pose, canonical, posed::surface, ART_SUPERSAMPLE, res, novel);
        }

        /**
         * @param pose the pose: its seed and input elevation (its category is ignored)
         * @param mesh the mesh in the canonical frame (not null)
         * @param surface surfaces for a textured mesh (a new one per render), or null for vertex colours
         * @param supersample samples per pixel per axis
         * @param res image size
         * @param novel the novel cameras (not null)
         * @return the ground truth
         */
        static Truth of(PropPose pose, TriangleMesh mesh, Supplier<MeshRasterizer.Surface> surface, int supersample,
                int res, List<PinholeCamera> novel) {
            float[] input = conditionImage(pose.seed(), pose.inputElevation(), mesh, surface, res, supersample);
            InputView uncropped = uncroppedInput(mesh, inputCamera(pose, res), supersample, surface);
            float[][] rgb = new float[novel.size()][];
            float[][] alpha = new float[novel.size()][];
            for (int v = 0; v < novel.size(); v++) {
                MeshRasterizer.View img = surface == null ? MeshRasterizer.render(mesh, novel.get(v), supersample)
                        : MeshRasterizer.render(mesh, novel.get(v), supersample, surface.get());
                rgb[v] = onWhite(img.rgb(), img.alpha(), res, false);
                alpha[v] = img.alpha();
            }
            return new Truth(mesh, input, uncropped, rgb, alpha, visibilityViews(mesh));
        }
    }

    /**
     * Depth views of the ground truth for {@link MeshMetrics#compare}: {@value #VISIBILITY_VIEWS} views around the
     * object at {@value #VISIBILITY_SIZE}², azimuth {@code k·15°}, elevations cycling through
     * {@link #VISIBILITY_ELEVATIONS}.
     *
     * @param mesh the canonical mesh (not null)
     * @return the views
     */
    static List<DepthView> visibilityViews(TriangleMesh mesh) {
        float[] az = new float[VISIBILITY_VIEWS];
        float[] el = new float[VISIBILITY_VIEWS];
        for (int k = 0; k < VISIBILITY_VIEWS; k++) {
            az[k] = k * 360f / VISIBILITY_VIEWS;
            el[k] = VISIBILITY_ELEVATIONS[k % VISIBILITY_ELEVATIONS.length];
        }
        List<DepthView> out = new ArrayList<>(VISIBILITY_VIEWS);
        for (PinholeCamera c : ViewRig.views(az, el, ViewRig.RADIUS, ViewRig.FOV_Y_DEGREES, VISIBILITY_SIZE,
                VISIBILITY_SIZE)) {
            out.add(new DepthView(c, MeshRasterizer.renderDepth(mesh, c, 1).depth()));
        }
        return out;
    }
}
