package io.github.gen3d.trainer;

import io.github.gen3d.dataset.DatasetSplit;
import io.github.gen3d.dataset.PropRenderer;
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
import io.github.gen3d.trainer.eval.DepthView;
import io.github.gen3d.trainer.eval.ImageMetrics;
import io.github.gen3d.trainer.eval.MeshMetrics;
import io.github.gen3d.trainer.eval.PointCloudMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line: evaluates a model bundle on the test split of the procedural prop dataset (see
 * {@code docs/evaluation.md}, "Running the evaluation"). For each test prop and sampler mode it samples Gaussians from
 * the prop's input view, scores renders of them at novel views (PSNR, masked PSNR, SSIM) and the mesh extracted from
 * them (Chamfer distance, F-score), and writes {@code results.csv}, {@code table.md} and {@code grid.png}.
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

    @Option(names = "--bundle", defaultValue = "assets/Models/gen3d-default",
            description = "Model bundle folder (default ${DEFAULT-VALUE}).")
    Path bundle;
    @Option(names = "--props", defaultValue = "100", description = "Props of the split (default ${DEFAULT-VALUE}).")
    int props;
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
            + "OUT/assets/SEED-CATEGORY-MODE.spz (jME frame), e.g. to view them with the splat viewer.")
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
                saveGridAssets, refinement, inputFit));
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
     */
    record Settings(Path bundle, DatasetSplit split, int props, int steps, Float guidance,
            List<SamplerSettings.Mode> modes, int views, int meshRes, Path out, long seed, int grid,
            boolean saveGridAssets, SamplerSettings.Refinement refinement, int inputFit) {
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
     * The evaluation's core: samples and scores every test prop in every mode and writes the outputs.
     *
     * @param s the settings (not null)
     * @return one row per prop × mode, in order
     * @throws Exception when the bundle cannot be loaded or a sampler built, or on I/O failure (a failing prop is a
     *     failed row, not an exception)
     */
    static List<EvalRow> evaluate(Settings s) throws Exception {
        List<Long> seeds = PropPose.seeds(s.split(), s.props());
        EvalReport report = new EvalReport(s.out(), s.modes(), s.split());
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
            System.out.printf(Locale.ROOT, "evaluating %d %s props, modes %s: %s%n", seeds.size(),
                    s.split().name().toLowerCase(Locale.ROOT), s.modes(), sampling);
            List<PinholeCamera> novel = novelCameras(s.views(), res);
            int[] shown = EvalReport.gridViews(s.views());
            for (int i = 0; i < seeds.size(); i++) {
                long seed = seeds.get(i);
                PropPose pose = PropPose.of(seed);
                boolean inGrid = i < s.grid();
                EvalReport.GridRow gridRow = inGrid ? new EvalReport.GridRow(seed, pose.category(), res) : null;
                Truth truth;
                try {
                    truth = Truth.of(pose, res, novel);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "prop " + seed + ": ground truth failed", e);
                    for (SamplerSettings.Mode mode : s.modes()) {
                        report.add(EvalRow.failed(seed, pose.category(), mode, e));
                    }
                    report.progress(i + 1, seeds.size(), seed, pose.category());
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
                        row = evaluateOne(samplers.get(mode), mode, pose, truth, novel, s, inGrid ? gridRow : null,
                                shown);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "prop " + seed + ", mode " + modeName(mode) + " failed", e);
                        row = EvalRow.failed(seed, pose.category(), mode, e);
                    }
                    report.add(row);
                }
                if (inGrid) {
                    report.addGridRow(gridRow);
                }
                report.progress(i + 1, seeds.size(), seed, pose.category());
                report.writeCsv();
            }
        }
        report.writeAll(s.views());
        return report.rows();
    }

    private static EvalRow evaluateOne(SynergySampler sampler, SamplerSettings.Mode mode, PropPose pose, Truth truth,
            List<PinholeCamera> novel, Settings s, EvalReport.GridRow gridRow, int[] shown) {
        long t0 = System.nanoTime();
        SampleResult r = sampler.sample(SampleRequest.of(truth.condition, s.seed() + pose.seed()), null, null);
        double secSample = (System.nanoTime() - t0) / 1e9;
        GaussianCloud cloud = r.gaussians();
        if (gridRow != null && s.saveGridAssets()) {
            saveAsset(cloud, s.out().resolve("assets").resolve(pose.seed() + "-"
                    + pose.category().name().toLowerCase(Locale.ROOT) + "-" + modeName(mode) + ".spz"));
        }
        float[][] preds = new float[novel.size()][];
        double[] image = imageScores(cloud, truth, novel, preds);
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
        return new EvalRow(pose.seed(), pose.category(), mode, null, image[0], image[1], image[2],
                scores.chamfer(), scores.fScore(), secSample, secMesh, cloud.size(), mesh.triangleCount());
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
     * Renders Gaussians at the novel views (composited on white, as {@code RasterViewRenderer.whiteBackground()}
     * does) and scores them against the ground truth.
     *
     * @param cloud the Gaussians, in the canonical frame (not null, unaffected)
     * @param truth the ground truth (not null)
     * @param novel the novel cameras, those of {@code truth} (not null)
     * @param renders receives the planar [0, 1] render of each view (not null, length {@code novel.size()})
     * @return mean PSNR, mean masked PSNR (mask: either alpha &gt; 0.5) and mean SSIM over the views
     */
    static double[] imageScores(GaussianCloud cloud, Truth truth, List<PinholeCamera> novel, float[][] renders) {
        SplatRasterizer rasterizer = new SplatRasterizer();
        int res = novel.get(0).width();
        double psnr = 0, masked = 0, ssim = 0;
        for (int v = 0; v < novel.size(); v++) {
            RenderResult rr = rasterizer.render(cloud, null, novel.get(v), RenderOptions.defaults());
            float[] pred = onWhite(rr.colour(), rr.alpha(), res, true);
            renders[v] = pred;
            boolean[] mask = new boolean[res * res];
            for (int p = 0; p < mask.length; p++) {
                mask[p] = truth.alpha[v][p] > 0.5f || rr.alpha()[p] > 0.5f;
            }
            psnr += ImageMetrics.psnr(pred, truth.rgb[v]);
            masked += ImageMetrics.maskedPsnr(pred, truth.rgb[v], mask);
            ssim += ImageMetrics.ssim(pred, truth.rgb[v], res, res);
        }
        int n = novel.size();
        return new double[] {psnr / n, masked / n, ssim / n};
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
            el[k] = k % 2 == 0 ? 0f : NOVEL_ELEVATION_ODD;
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
     * The input image as the model was trained on it: the prop rendered as the dataset stores it (sRGB and alpha
     * rounded to bytes), composited on white and mapped to [−1, 1], planar 3×R×R.
     *
     * @param mesh the canonical mesh (not null)
     * @param camera the input camera (not null)
     * @return the image
     */
    static float[] inputImage(TriangleMesh mesh, PinholeCamera camera) {
        PropRenderer.View v = PropRenderer.render(mesh, camera, PropRenderer.DEFAULT_SUPERSAMPLE);
        int plane = v.width() * v.height();
        float[] out = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            float a = Math.round(v.alpha()[p] * 255f) / 255f;
            for (int c = 0; c < 3; c++) {
                float col = v.alpha()[p] > 0 ? Math.round(Math.max(0f, Math.min(1f, v.rgb()[3 * p + c])) * 255f)
                        / 255f : 0f;
                out[c * plane + p] = 2f * (col * a + (1f - a)) - 1f;
            }
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

    /** The ground truth of one prop, shared by the modes. */
    static final class Truth {
        final TriangleMesh mesh;
        final float[] input;
        final Condition condition;
        final float[][] rgb;
        final float[][] alpha;
        final List<DepthView> visibility;

        private Truth(TriangleMesh mesh, float[] input, float[][] rgb, float[][] alpha, List<DepthView> visibility) {
            this.mesh = mesh;
            this.input = input;
            int res = (int) Math.round(Math.sqrt(input.length / 3.0));
            this.condition = Condition.image(input, 3, res, res);
            this.rgb = rgb;
            this.alpha = alpha;
            this.visibility = visibility;
        }

        static Truth of(PropPose pose, int res, List<PinholeCamera> novel) {
            TriangleMesh mesh = pose.canonicalMesh();
            float[] input = inputImage(mesh, inputCamera(pose, res));
            float[][] rgb = new float[novel.size()][];
            float[][] alpha = new float[novel.size()][];
            for (int v = 0; v < novel.size(); v++) {
                PropRenderer.View img = PropRenderer.render(mesh, novel.get(v), PropRenderer.DEFAULT_SUPERSAMPLE);
                rgb[v] = onWhite(img.rgb(), img.alpha(), res, false);
                alpha[v] = img.alpha();
            }
            return new Truth(mesh, input, rgb, alpha, visibilityViews(mesh));
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
            out.add(new DepthView(c, PropRenderer.renderDepth(mesh, c, 1).depth()));
        }
        return out;
    }
}
