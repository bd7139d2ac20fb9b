package io.github.gen3d.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.trainer.dataset.PropCategory;
import io.github.gen3d.diffusion.SamplerSettings;
import io.github.gen3d.render.PinholeCamera;
import io.github.gen3d.render.ViewRig;
import io.github.gen3d.splat.GaussianCloud;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateToolTest {
    private static final Path TINY = Path.of("..", "jme-plugin", "src", "test", "resources", "bundles",
            "tiny-pipeline");

    @Test
    void evaluatesTwoPropsInEveryModeWithTheTinyBundle(@TempDir Path out) throws Exception {
        List<SamplerSettings.Mode> modes = List.of(SamplerSettings.Mode.SYNERGY, SamplerSettings.Mode.TWO_D_ONLY,
                SamplerSettings.Mode.NO_2D_PRIOR);
        List<EvalRow> rows = EvaluateTool.evaluate(new EvaluateTool.Settings(TINY, DatasetSplit.TEST, 2, 2, 3f,
                modes, 4, 32, out, 0, 6, false, null, 30));
        // per prop: the three modes, then the two baselines
        List<String> names = List.of("synergy", "2d-only", "no-2d-prior", "input-repeated", "all-white");
        assertEquals(2 * names.size(), rows.size());
        List<Long> seeds = PropPose.seeds(DatasetSplit.TEST, 2);
        for (int i = 0; i < rows.size(); i++) {
            EvalRow r = rows.get(i);
            assertTrue(r.ok(), () -> "failed: " + r);
            assertEquals(seeds.get(i / names.size()), r.seed());
            assertEquals(PropPose.of(r.seed()).category(), r.category());
            assertNull(r.name());
            assertEquals(names.get(i % names.size()), r.mode());
            double[] v = r.metrics();
            for (int k = 0; k < v.length; k++) {
                boolean imageMetric = k < 3 || k > EvalRow.TRIANGLES;
                if (imageMetric || !r.baseline()) {
                    int kk = k;
                    assertTrue(Double.isFinite(v[k]), () -> "not finite: " + EvalRow.METRICS[kk] + " of " + r);
                }
            }
            if (r.baseline()) {
                assertTrue(Double.isNaN(r.chamfer()) && Double.isNaN(r.fScore()) && r.gaussians() == 0, r::toString);
            } else {
                assertTrue(r.gaussians() > 0, () -> "no Gaussians: " + r);
            }
            // 4 views: 0 and 2 level, 1 and 3 elevated; the overall mean is the mean of the two halves
            assertEquals((r.level().psnr() + r.elevated().psnr()) / 2, r.psnr(), 1e-9, r::toString);
            assertEquals((r.level().ssim() + r.elevated().ssim()) / 2, r.ssim(), 1e-9, r::toString);
        }
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(1 + 10, csv.size());
        assertEquals("seed,category,mode,status,psnr,masked_psnr,ssim,chamfer,fscore,seconds_sampling,seconds_mesh,"
                + "gaussians,triangles,psnr_level,masked_psnr_level,ssim_level,psnr_elevated,masked_psnr_elevated,"
                + "ssim_elevated,name,error", csv.get(0));
        assertTrue(csv.get(1).startsWith(seeds.get(0) + ","), csv.get(1));
        assertTrue(csv.get(4).startsWith(seeds.get(0) + "," + PropPose.of(seeds.get(0)).category().name()
                .toLowerCase(java.util.Locale.ROOT) + ",input-repeated,ok,"), csv.get(4));
        assertTrue(csv.get(5).contains(",all-white,ok,") && csv.get(5).contains(",NaN,NaN,NaN,NaN,0,0,"),
                csv.get(5));
        String table = Files.readString(out.resolve("table.md"));
        for (String m : List.of("| synergy | 2 | 0 |", "| 2d-only | 2 | 0 |", "| no-2d-prior | 2 | 0 |",
                "| input-repeated | 2 | 0 |", "| all-white | 2 | 0 |", "## Level and elevated views",
                "| mode | n | PSNR level | PSNR elevated |")) {
            assertTrue(table.contains(m), () -> m + " missing from\n" + table);
        }
        assertTrue(table.contains(" | – | – | – | – | – | – |\n"), () -> "baselines have no mesh\n" + table);
        assertTrue(table.contains("## Per category (synergy)"), table);
        assertTrue(table.contains("2 DDIM steps, guidance 3.0, synergy refinement 1.0 → 1.0 (full), input fit 30"
                + " steps"), table);
        BufferedImage grid = ImageIO.read(out.resolve("grid.png").toFile());
        int tile = EvalReport.tile(16);
        assertEquals(96, tile);
        assertEquals((1 + 4 * (1 + 3)) * tile, grid.getWidth());
        assertEquals(EvalReport.HEADER + 2 * tile, grid.getHeight());
        try (var files = Files.list(out)) {
            assertEquals(List.of("grid.png", "results.csv", "table.md"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void testPropsAreTheDatasetsTestPropsWithTheSameViews() throws Exception {
        // the seeds of the props the dataset writer's procedural source renders for the test split
        List<Long> dataset = new java.util.ArrayList<>();
        for (java.util.concurrent.Callable<RenderedProp> task : DatasetWriter.PROCEDURAL.tasks(DatasetSplit.TEST, 7,
                8, 1)) {
            dataset.add(task.call().seed());
        }
        List<Long> eval = PropPose.seeds(DatasetSplit.TEST, 7);
        assertEquals(dataset, eval);
        for (long seed : eval) {
            assertEquals(DatasetSplit.TEST, DatasetSplit.of(seed));
            RenderedProp rendered = RenderedProp.render(seed, 8, 1);
            PropPose pose = PropPose.of(seed);
            assertEquals(rendered.yaw(), pose.yaw());
            assertEquals(rendered.label(), pose.category().ordinal());
            assertEquals(0f, rendered.views()[0]);
            assertEquals(rendered.views()[1], pose.inputElevation());
            PinholeCamera input = EvaluateTool.inputCamera(pose, 8);
            float[] row = RenderedProp.cameraRow(input);
            float[] stored = new float[16];
            System.arraycopy(rendered.cam(), 0, stored, 0, 16);
            assertArrayEquals(stored, row);
            assertEquals(pose.canonicalMesh(), pose.canonicalMesh());
        }
    }

    @Test
    void novelViewsAlternateElevationAroundTheObject() {
        List<PinholeCamera> cams = EvaluateTool.novelCameras(4, 16);
        assertEquals(4, cams.size());
        // azimuth 0 at elevation 0 looks from +Z; azimuth 90 at 25° from +X and above
        assertEquals(1.5f, cams.get(0).location().z, 1e-4f);
        assertEquals(0f, cams.get(0).location().y, 1e-4f);
        assertTrue(cams.get(1).location().x > 1f, "" + cams.get(1).location());
        assertEquals(1.5 * Math.sin(Math.toRadians(25)), cams.get(1).location().y, 1e-4);
    }

    @Test
    void optionsDefaultToTheIssuesValues() {
        EvaluateTool t = new EvaluateTool();
        new CommandLine(t).parseArgs();
        assertEquals(Path.of("assets/Models/gen3d-default"), t.bundle);
        assertEquals(100, t.props);
        assertEquals(50, t.steps);
        assertNull(t.guidance, "the bundle's recommendation (ShippedBundlesTest: 3 for the shipped bundles)");
        assertEquals(List.of("synergy", "2d-only", "no-2d-prior"), t.modes);
        assertEquals(16, t.views);
        assertEquals(128, t.meshRes);
        assertEquals(Path.of("build/eval"), t.out);
        assertEquals(0, t.seed);
        assertEquals(6, t.grid);
        assertNull(t.art, "the procedural props unless --art");
        assertEquals(4, t.perGroup);
        new CommandLine(t).parseArgs("--modes", "2d-only,synergy", "--views", "8", "--art", "/work/0ad/ex/art",
                "--per-group", "2");
        assertEquals(List.of("2d-only", "synergy"), t.modes);
        assertEquals(8, t.views);
        assertEquals(Path.of("/work/0ad/ex/art"), t.art);
        assertEquals(2, t.perGroup);
    }

    @Test
    void gridAssetsAreWrittenOnlyForTheGridPropsAndReadBack(@TempDir Path out) throws Exception {
        // on the validation split, which --split VALIDATION selects for choosing settings
        List<EvalRow> rows = EvaluateTool.evaluate(new EvaluateTool.Settings(TINY, DatasetSplit.VALIDATION, 2, 2,
                null, List.of(SamplerSettings.Mode.SYNERGY), 4, 16, out, 0, 1, true, null, 0));
        assertEquals(PropPose.seeds(DatasetSplit.VALIDATION, 2), rows.stream().filter(r -> !r.baseline())
                .map(EvalRow::seed).toList());
        assertEquals(List.of("synergy", "input-repeated", "all-white"), rows.subList(0, 3).stream()
                .map(EvalRow::mode).toList(), "the baselines come with any --modes");
        for (EvalRow r : rows) {
            assertEquals(DatasetSplit.VALIDATION, DatasetSplit.of(r.seed()));
        }
        String table = Files.readString(out.resolve("table.md"));
        assertTrue(table.contains("over the validation props"), table);
        assertTrue(table.contains("guidance 5.0,"), "no guidance given, none recommended: the fallback\n" + table);
        assertThrows(IllegalArgumentException.class, () -> new EvaluateTool.Settings(TINY, DatasetSplit.TRAIN, 2, 2,
                3f, List.of(SamplerSettings.Mode.SYNERGY), 4, 16, out, 0, 1, true, null, 0));
        EvalRow first = rows.get(0);
        Path asset = out.resolve("assets").resolve(first.seed() + "-"
                + first.category().name().toLowerCase(java.util.Locale.ROOT) + "-synergy.spz");
        try (var files = Files.list(out.resolve("assets"))) {
            assertEquals(List.of(asset.getFileName().toString()),
                    files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals(first.gaussians(), io.github.gen3d.splat.SplatIO.read(asset).size());
    }

    @Test
    void failedPropsAreRowsCountedInTheTable(@TempDir Path out) throws Exception {
        EvalReport report = new EvalReport(out, List.of(SamplerSettings.Mode.SYNERGY,
                SamplerSettings.Mode.TWO_D_ONLY), DatasetSplit.TEST);
        report.add(row(6, PropCategory.ROCK, "synergy", 20, 15, 0.5, 0.1, 0.4, 2, 1, 100, 50));
        report.add(row(6, PropCategory.ROCK, "2d-only", 22, 17, 0.7, 0.3, 0.2, 1, 1, 100, 60));
        EvalRow.Image img = new EvalRow.Image(12, 6, 0.4);
        report.add(EvalRow.baseline(6, PropCategory.ROCK, null, "input-repeated", img, img, img));
        report.add(EvalRow.baseline(6, PropCategory.ROCK, null, "all-white", img, img, img));
        report.add(EvalRow.failed(13, PropCategory.POTION, null, "synergy",
                new IllegalStateException("reconstructor returned a \"NaN\"\nat step 1")));
        report.add(row(13, PropCategory.POTION, "2d-only", 24, 19, 0.9, 0.5, 0.6, 1, 1, 100, 70));
        report.add(EvalRow.baseline(13, PropCategory.POTION, null, "input-repeated", new EvalRow.Image(14, 8, 0.6),
                new EvalRow.Image(15, 9, 0.7), new EvalRow.Image(13, 7, 0.5)));
        report.add(EvalRow.failed(13, PropCategory.POTION, null, "all-white", new IllegalArgumentException()));
        report.writeAll(4);
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(9, csv.size());
        assertEquals("13,potion,synergy,failed,NaN,NaN,NaN,NaN,NaN,NaN,NaN,0,0,NaN,NaN,NaN,NaN,NaN,NaN,,"
                + "\"IllegalStateException: reconstructor returned a 'NaN' at step 1\"", csv.get(5));
        assertEquals("6,rock,input-repeated,ok,12.000000,6.000000,0.400000,NaN,NaN,NaN,NaN,0,0,12.000000,6.000000,"
                + "0.400000,12.000000,6.000000,0.400000,,", csv.get(3));
        String table = Files.readString(out.resolve("table.md"));
        assertTrue(table.contains("| synergy | 1 | 1 | 20.00 ± 0.00 | 15.00 ± 0.00 |"), table);
        assertTrue(table.contains("| 2d-only | 2 | 0 | 23.00 ± 1.00 | 18.00 ± 1.00 | 0.800 ± 0.100 |"), table);
        assertTrue(table.contains("| input-repeated | 2 | 0 | 13.00 ± 1.00 | 7.00 ± 1.00 | 0.500 ± 0.100 | – | – | – |"
                + " – | – | – |\n"), table);
        assertTrue(table.contains("| all-white | 1 | 1 | 12.00 ± 0.00 |"), table);
        // level/elevated: the rows' own level and elevated figures (row() gives level = all + 1, elevated = all − 1)
        assertTrue(table.contains("| 2d-only | 2 | 24.00 ± 1.00 | 22.00 ± 1.00 | 19.00 ± 1.00 | 17.00 ± 1.00"
                + " | 1.800 ± 0.100 | -0.200 ± 0.100 |\n"), table);
        assertTrue(table.contains("| input-repeated | 2 | 13.50 ± 1.50 | 12.50 ± 0.50 |"), table);
        assertTrue(table.contains("| rock | 1 | 15.00 | 0.1000 |"), table);
        assertTrue(!table.contains("| potion |"), table);
        assertTrue(!Files.exists(out.resolve("grid.png")));
    }

    /** A sampled row whose level views score 1 more than the mean and elevated views 1 less, in every metric. */
    private static EvalRow row(long seed, PropCategory c, String mode, double psnr, double masked, double ssim,
            double chamfer, double f, double secS, double secM, int gaussians, int triangles) {
        return EvalRow.sampled(seed, c, null, mode, new EvalRow.Image(psnr, masked, ssim),
                new EvalRow.Image(psnr + 1, masked + 1, ssim + 1), new EvalRow.Image(psnr - 1, masked - 1, ssim - 1),
                chamfer, f, secS, secM, gaussians, triangles);
    }

    @Test
    void unknownModeIsRejected() {
        assertEquals(SamplerSettings.Mode.TWO_D_ONLY, EvaluateTool.parseMode("2d-only"));
        assertThrows(IllegalArgumentException.class, () -> EvaluateTool.parseMode("3d"));
    }

    @Test
    void gridViewsAreAQuarterTurnApart() {
        assertArrayEquals(new int[] {0, 4, 8, 12}, EvalReport.gridViews(16));
        assertArrayEquals(new int[] {0, 1, 2, 3}, EvalReport.gridViews(4));
        assertEquals(128, EvalReport.tile(64));
    }

    /**
     * Gaussians made the way the trained reconstructor makes them (one per pixel of the 4 target views of the dataset,
     * on the pixel's ray from the stored camera row at the stored depth, straight colour, opaque) from the
     * dataset's own renders: the evaluation's novel-view renders of them must match its ground truth, i.e. training
     * data, reconstructor convention, sampler frame and evaluation cameras agree.
     */
    @Test
    void oracleGaussiansInTheReconstructorsConventionMatchTheGroundTruth() {
        int res = 48;
        long seed = PropPose.seeds(DatasetSplit.TEST, 40).stream()
                .filter(x -> PropPose.of(x).category() == PropCategory.CHEST).findFirst().orElseThrow();
        PropPose pose = PropPose.of(seed);
        List<PinholeCamera> novel = EvaluateTool.novelCameras(8, res);
        EvaluateTool.Truth truth = EvaluateTool.Truth.of(pose, res, novel);
        GaussianCloud oracle = oracle(RenderedProp.render(seed, res, 2), res, 0f);
        EvalRow.Image g = EvaluateTool.imageScores(oracle, truth, novel, new float[novel.size()][]).all();
        double[] good = {g.psnr(), g.maskedPsnr(), g.ssim()};
        // the same Gaussians turned a quarter turn about +Y: a frame error of that kind must show
        GaussianCloud turned = oracle(RenderedProp.render(seed, res, 2), res, 90f);
        EvalRow.Image b = EvaluateTool.imageScores(turned, truth, novel, new float[novel.size()][]).all();
        double[] bad = {b.psnr(), b.maskedPsnr(), b.ssim()};
        System.out.printf("oracle %s: psnr %.2f masked %.2f ssim %.3f; turned: psnr %.2f masked %.2f ssim %.3f%n",
                pose.category(), good[0], good[1], good[2], bad[0], bad[1], bad[2]);
        // measured: masked PSNR 13.9 dB, SSIM 0.68 (blur of pixel-sized isotropic splats, no top surface in the
        // targets); turned a quarter: 8.8 dB, 0.39
        assertTrue(good[1] > 12, () -> "masked PSNR " + good[1]);
        assertTrue(good[2] > 0.6, () -> "SSIM " + good[2]);
        assertTrue(bad[1] < good[1] - 3 && bad[2] < good[2] - 0.15, () -> "turned " + bad[1] + ", " + bad[2]);
    }

    /** One Gaussian per fully covered target-view pixel, as trainer/python/g3d/nets.py's Reconstructor.decode places them. */
    private static GaussianCloud oracle(RenderedProp p, int res, float turnDegrees) {
        int px = res * res;
        List<float[]> rows = new ArrayList<>();
        double t = Math.toRadians(turnDegrees), cs = Math.cos(t), sn = Math.sin(t);
        for (int v = 1; v <= ViewRig.TARGET_VIEWS; v++) {
            float[] cam = new float[16];
            System.arraycopy(p.cam(), 16 * v, cam, 0, 16);
            for (int j = 0; j < res; j++) {
                for (int i = 0; i < res; i++) {
                    int q = v * px + j * res + i;
                    float a = (p.alpha()[q] & 0xFF) / 255f;
                    if (a < 1) {
                        continue; // partly covered edge pixels would widen the silhouette by a pixel
                    }
                    float u = (i + 0.5f - cam[14]) / cam[12], w = (j + 0.5f - cam[15]) / cam[13];
                    float z = p.depth()[q];
                    float[] row = new float[7];
                    for (int k = 0; k < 3; k++) {
                        // R^T (u, w, 1): column k of the row-major world->camera rotation
                        row[k] = cam[9 + k] + z * (cam[k] * u + cam[3 + k] * w + cam[6 + k]);
                    }
                    double x = row[0], zz = row[2];
                    row[0] = (float) (cs * x + sn * zz);
                    row[2] = (float) (-sn * x + cs * zz);
                    row[3] = a;
                    for (int k = 0; k < 3; k++) {
                        row[4 + k] = (p.rgb()[3 * q + k] & 0xFF) / 255f;
                    }
                    rows.add(row);
                }
            }
        }
        GaussianCloud c = new GaussianCloud(rows.size(), 0);
        double c0 = 0.28209479177387814;
        for (int n = 0; n < rows.size(); n++) {
            float[] r = rows.get(n);
            System.arraycopy(r, 0, c.positions(), 3 * n, 3);
            c.opacities()[n] = r[3];
            float s = 0.5f * 1.5f / p.cam()[16 + 12];
            c.scales()[3 * n] = s;
            c.scales()[3 * n + 1] = s;
            c.scales()[3 * n + 2] = s;
            for (int k = 0; k < 3; k++) {
                c.sh()[3 * n + k] = (float) ((r[4 + k] - 0.5) / c0);
            }
        }
        return c;
    }
}
