package io.github.gen3d.trainer;

import io.github.gen3d.diffusion.SampleRequest;
import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.diffusion.SynergySampler;
import io.github.gen3d.model.BundleSamplers;
import io.github.gen3d.model.ModelBundle;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.RenderOptions;
import io.github.gen3d.render.RenderResult;
import io.github.gen3d.render.SplatRasterizer;
import io.github.gen3d.render.ViewFit;
import io.github.gen3d.render.ViewRig;
import io.github.gen3d.splat.GaussianCloud;
import io.github.gen3d.trainer.art.GameArt;
import io.github.gen3d.trainer.dataset.DatasetSplit;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line: do the generated side views differ from the front view where the asset's do? Among the first
 * {@code --scan} game-art assets of a split it takes the elongated ones — whose ground-truth silhouettes at azimuth 0
 * and 90° (elevation 0) overlap with an IoU below {@value #ELONGATED_IOU} — generates each from its prepared input
 * picture (synergy, the bundle's recommended settings, 50 steps, the input fit, as the service), and compares the
 * silhouette IoU of the generated 0° and 90° views with the ground truth's. A model that repeats its input (the
 * "input repeated" baseline) scores IoU 1. Writes {@code side.png} (per asset: the condition, ground truth at 0° and
 * 90°, generated at 0° and 90°) and {@code side.md}.
 */
@Command(name = "side-views", mixinStandardHelpOptions = true,
        description = "Compares generated front and side silhouettes of elongated game-art assets with the truth.")
public final class SideViewTool implements Callable<Integer> {
    /** Ground-truth front/side silhouette IoU below which an asset counts as elongated. */
    static final double ELONGATED_IOU = 0.6;
    @Option(names = "--bundle", defaultValue = "assets/Models/gen3d-default", description = "Model bundle folder.")
    Path bundle;
    @Option(names = "--art", required = true, description = "The unpacked 0 A.D. art folder.")
    Path art;
    @Option(names = "--split", defaultValue = "TEST", description = "TEST or VALIDATION (default ${DEFAULT-VALUE}).")
    DatasetSplit split;
    @Option(names = "--scan", defaultValue = "100", description = "Assets looked at (default ${DEFAULT-VALUE}).")
    int scan;
    @Option(names = "--show", defaultValue = "6", description = "Elongated assets drawn (default ${DEFAULT-VALUE}).")
    int show;
    @Option(names = "--out", defaultValue = "build/side", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    /** Creates the command (picocli fills the options). */
    public SideViewTool() {
    }

    /**
     * Entry point.
     *
     * @param args command-line arguments (not null)
     */
    public static void main(String[] args) {
        int code = new CommandLine(new SideViewTool()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() throws Exception {
        GameArt assets = GameArt.open(art, 4);
        Files.createDirectories(out);
        List<BufferedImage> rows = new ArrayList<>();
        double truthSum = 0, genSum = 0;
        int n = 0, differs = 0;
        try (ModelBundle b = ModelBundle.load(bundle)) {
            SynergySampler sampler = BundleSamplers.create(b, SamplerSettings.defaults().withSteps(50)
                    .withGuidanceScale(b.recommendedGuidance()).withInputFit(ViewFit.Settings.defaults()));
            int res = sampler.targetCameras().get(0).width();
            List<PinholeCamera> cams = ViewRig.views(new float[] {0, 90}, new float[] {0, 0}, ViewRig.RADIUS,
                    ViewRig.FOV_Y_DEGREES, res, res);
            for (int i = 0; i < Math.min(scan, assets.count(split)); i++) {
                EvaluateTool.Truth t = EvaluateTool.Truth.ofArt(assets, split, i, res, cams);
                double truthIou = iou(t.alpha[0], t.alpha[1]);
                if (truthIou >= ELONGATED_IOU) {
                    continue;
                }
                GaussianCloud g = sampler.sample(SampleRequest.of(t.condition, assets.seed(split, i)), null, null)
                        .gaussians();
                float[][] rgb = new float[2][];
                float[][] alpha = new float[2][];
                for (int v = 0; v < 2; v++) {
                    RenderResult r = new SplatRasterizer().render(g, null, cams.get(v), RenderOptions.defaults());
                    rgb[v] = EvaluateTool.onWhite(r.colour(), r.alpha(), res, true);
                    alpha[v] = r.alpha();
                }
                double genIou = iou(alpha[0], alpha[1]);
                truthSum += truthIou;
                genSum += genIou;
                n++;
                differs += genIou < ELONGATED_IOU ? 1 : 0;
                System.out.printf(Locale.ROOT, "%s: truth IoU %.2f, generated %.2f%n",
                        assets.describe(split, i).get("actor"), truthIou, genIou);
                if (rows.size() < show) {
                    float[] cond = new float[t.input.length];
                    for (int k = 0; k < cond.length; k++) {
                        cond[k] = (t.input[k] + 1) / 2;
                    }
                    rows.add(row(res, cond, t.rgb[0], t.rgb[1], rgb[0], rgb[1]));
                }
            }
        }
        write(rows, n, truthSum, genSum, differs);
        return 0;
    }

    /** Silhouette IoU of two coverage maps, thresholded at 0.5. */
    static double iou(float[] a, float[] b) {
        int inter = 0, union = 0;
        for (int p = 0; p < a.length; p++) {
            boolean x = a[p] > 0.5f, y = b[p] > 0.5f;
            inter += x && y ? 1 : 0;
            union += x || y ? 1 : 0;
        }
        return union == 0 ? 1 : (double) inter / union;
    }

    private static BufferedImage row(int res, float[]... planar) {
        int s = 2;
        BufferedImage img = new BufferedImage(planar.length * res * s, res * s, BufferedImage.TYPE_INT_RGB);
        int plane = res * res;
        for (int k = 0; k < planar.length; k++) {
            for (int y = 0; y < res * s; y++) {
                for (int x = 0; x < res * s; x++) {
                    int p = (y / s) * res + x / s;
                    int rgb = 0;
                    for (int c = 0; c < 3; c++) {
                        rgb = (rgb << 8) | Math.round(255 * Math.max(0, Math.min(1, planar[k][c * plane + p])));
                    }
                    img.setRGB(k * res * s + x, y, rgb);
                }
            }
        }
        return img;
    }

    private void write(List<BufferedImage> rows, int n, double truthSum, double genSum, int differs)
            throws IOException {
        if (!rows.isEmpty()) {
            int w = rows.get(0).getWidth(), h = rows.get(0).getHeight();
            BufferedImage sheet = new BufferedImage(w, h * rows.size(), BufferedImage.TYPE_INT_RGB);
            for (int r = 0; r < rows.size(); r++) {
                sheet.getGraphics().drawImage(rows.get(r), 0, r * h, null);
            }
            ImageIO.write(sheet, "png", out.resolve("side.png").toFile());
        }
        String md = String.format(Locale.ROOT, "Bundle %s, %s split, first %d assets scanned: %d elongated (ground-truth"
                + " front/side silhouette IoU < %.1f).%n%n| | front/side silhouette IoU (mean) |%n|---|---|%n"
                + "| ground truth | %.3f |%n| generated (synergy) | %.3f |%n| input repeated (baseline) | 1.000 |%n%n"
                + "Generated side views differing from the front as much (IoU < %.1f): %d of %d.%n", bundle, split,
                scan, n, ELONGATED_IOU, n == 0 ? Double.NaN : truthSum / n, n == 0 ? Double.NaN : genSum / n,
                ELONGATED_IOU, differs, n);
        Files.write(out.resolve("side.md"), md.getBytes(StandardCharsets.UTF_8));
        System.out.print(md);
    }
}
