package io.github.gen3d.trainer;

import io.github.gen3d.dataset.DatasetSplit;
import io.github.gen3d.dataset.PropCategory;
import io.github.gen3d.diffusion.SamplerSettings;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Collects the rows of an evaluation and writes {@code results.csv}, {@code table.md} and {@code grid.png}
 * (atomically: temporary sibling, then a move).
 */
final class EvalReport {
    /** Novel views shown per prop in the grid. */
    static final int GRID_VIEWS = 4;
    /** Height of the grid's label row in pixels. */
    static final int HEADER = 18;
    /** Smallest tile edge in the grid: smaller renders are enlarged by an integer factor. */
    static final int MIN_TILE = 96;

    private final Path out;
    private final List<SamplerSettings.Mode> modes;
    private final DatasetSplit split;
    private final List<EvalRow> rows = new ArrayList<>();
    private final List<GridRow> grid = new ArrayList<>();
    private String sampling;

    /** The pictures of one grid row. */
    static final class GridRow {
        final long seed;
        final PropCategory category;
        final int res;
        float[] input;
        final float[][] truth = new float[GRID_VIEWS][];
        final Map<SamplerSettings.Mode, float[][]> renders = new EnumMap<>(SamplerSettings.Mode.class);

        GridRow(long seed, PropCategory category, int res) {
            this.seed = seed;
            this.category = category;
            this.res = res;
        }
    }

    EvalReport(Path out, List<SamplerSettings.Mode> modes, DatasetSplit split) throws IOException {
        this.out = out;
        this.modes = modes;
        this.split = split;
        Files.createDirectories(out);
    }

    /** @param line what was sampled and how (bundle, steps, guidance, refinement), printed atop the table */
    void sampling(String line) {
        sampling = line;
    }

    void add(EvalRow row) {
        rows.add(row);
    }

    void addGridRow(GridRow row) {
        grid.add(row);
    }

    List<EvalRow> rows() {
        return List.copyOf(rows);
    }

    /**
     * @param n novel views
     * @return the novel views the grid shows: {@code j·n/4}, j = 0..3
     */
    static int[] gridViews(int n) {
        int[] v = new int[GRID_VIEWS];
        for (int j = 0; j < GRID_VIEWS; j++) {
            v[j] = j * n / GRID_VIEWS;
        }
        return v;
    }

    /**
     * @param res render size
     * @return the grid's tile edge: {@code res} times the smallest integer making it at least {@value #MIN_TILE}
     */
    static int tile(int res) {
        return res * Math.max(1, (MIN_TILE + res - 1) / res);
    }

    /** Prints the progress line and the running means of each mode. */
    void progress(int done, int total, long seed, PropCategory category) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "prop %d/%d (seed %d, %s)", done, total, seed,
                category.name().toLowerCase(Locale.ROOT)));
        for (SamplerSettings.Mode m : modes) {
            Stats[] st = stats(rowsOf(m, null));
            sb.append(String.format(Locale.ROOT, "%n  %-12s n=%d failed=%d psnr %.2f masked %.2f ssim %.3f chamfer"
                    + " %.4f fscore %.3f sampling %.1f s mesh %.1f s", EvaluateTool.modeName(m), st[0].n,
                    failed(m), st[0].mean, st[1].mean, st[2].mean, st[3].mean, st[4].mean, st[5].mean, st[6].mean));
        }
        System.out.println(sb);
    }

    private List<EvalRow> rowsOf(SamplerSettings.Mode m, PropCategory c) {
        List<EvalRow> out = new ArrayList<>();
        for (EvalRow r : rows) {
            if (r.mode() == m && r.ok() && (c == null || r.category() == c)) {
                out.add(r);
            }
        }
        return out;
    }

    private int failed(SamplerSettings.Mode m) {
        return (int) rows.stream().filter(r -> r.mode() == m && !r.ok()).count();
    }

    /** Mean and population standard deviation of n values. */
    record Stats(int n, double mean, double std) {
        static Stats of(double[] v) {
            if (v.length == 0) {
                return new Stats(0, Double.NaN, Double.NaN);
            }
            double s = 0;
            for (double x : v) {
                s += x;
            }
            double mean = s / v.length, q = 0;
            for (double x : v) {
                q += (x - mean) * (x - mean);
            }
            return new Stats(v.length, mean, Math.sqrt(q / v.length));
        }
    }

    private static Stats[] stats(List<EvalRow> rs) {
        Stats[] out = new Stats[EvalRow.METRICS.length];
        for (int k = 0; k < out.length; k++) {
            double[] v = new double[rs.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = rs.get(i).metrics()[k];
            }
            out[k] = Stats.of(v);
        }
        return out;
    }

    /** Writes {@code results.csv}. */
    void writeCsv() throws IOException {
        StringBuilder sb = new StringBuilder("seed,category,mode,status");
        for (String m : EvalRow.METRICS) {
            sb.append(',').append(m);
        }
        sb.append(",error\n");
        for (EvalRow r : rows) {
            sb.append(r.seed()).append(',').append(r.category().name().toLowerCase(Locale.ROOT)).append(',')
                    .append(EvaluateTool.modeName(r.mode())).append(',').append(r.ok() ? "ok" : "failed");
            double[] v = r.metrics();
            for (int k = 0; k < v.length; k++) {
                sb.append(',');
                if (k >= 7) {
                    sb.append((long) v[k]);
                } else {
                    sb.append(Double.isNaN(v[k]) ? "NaN" : String.format(Locale.ROOT, "%.6f", v[k]));
                }
            }
            sb.append(',');
            if (!r.ok()) {
                sb.append('"').append(r.error().replace('"', '\'').replace('\n', ' ').replace('\r', ' ')).append('"');
            }
            sb.append('\n');
        }
        NpyFile.writeAtomically(out.resolve("results.csv"), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code table.md}. */
    String table(int views) {
        StringBuilder sb = new StringBuilder("# Evaluation\n\n");
        if (sampling != null) {
            sb.append("Sampling: ").append(sampling).append(".\n\n");
        }
        sb.append(String.format(Locale.ROOT, "Mean ± standard deviation over the %s props that did not fail (n);"
                + " image metrics averaged over %d novel views per prop.%n%n",
                split.name().toLowerCase(Locale.ROOT), views));
        sb.append("| mode | n | failed | PSNR (dB) | masked PSNR (dB) | SSIM | Chamfer | F-score@0.05 | sampling (s)"
                + " | mesh (s) | Gaussians | triangles |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        String[] fmt = {"%.2f", "%.2f", "%.3f", "%.4f", "%.3f", "%.2f", "%.2f", "%.0f", "%.0f"};
        for (SamplerSettings.Mode m : modes) {
            Stats[] st = stats(rowsOf(m, null));
            sb.append("| ").append(EvaluateTool.modeName(m)).append(" | ").append(st[0].n).append(" | ")
                    .append(failed(m));
            for (int k = 0; k < st.length; k++) {
                sb.append(" | ").append(String.format(Locale.ROOT, fmt[k] + " ± " + fmt[k], st[k].mean, st[k].std));
            }
            sb.append(" |\n");
        }
        SamplerSettings.Mode per = modes.contains(SamplerSettings.Mode.SYNERGY) ? SamplerSettings.Mode.SYNERGY
                : modes.get(0);
        sb.append("\n## Per category (").append(EvaluateTool.modeName(per)).append(")\n\n");
        sb.append("| category | n | masked PSNR (dB) | Chamfer |\n|---|---|---|---|\n");
        for (PropCategory c : PropCategory.values()) {
            List<EvalRow> rs = rowsOf(per, c);
            if (rs.isEmpty()) {
                continue;
            }
            Stats[] st = stats(rs);
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.4f |%n", c.name().toLowerCase(Locale.ROOT),
                    st[0].n, st[1].mean, st[3].mean));
        }
        return sb.toString();
    }

    /** Writes all three outputs. */
    void writeAll(int views) throws IOException {
        writeCsv();
        NpyFile.writeAtomically(out.resolve("table.md"), table(views).getBytes(StandardCharsets.UTF_8));
        if (!grid.isEmpty()) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(gridImage(), "png", png);
            NpyFile.writeAtomically(out.resolve("grid.png"), png.toByteArray());
        }
    }

    /**
     * The picture: a label row, then per prop the input view and, for each of 4 novel views, the ground truth and
     * each mode's render.
     */
    BufferedImage gridImage() {
        int res = grid.get(0).res;
        int t = tile(res);
        int cols = 1 + GRID_VIEWS * (1 + modes.size());
        BufferedImage img = new BufferedImage(cols * t, HEADER + grid.size() * t, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(Color.BLACK);
        g.drawString("input", 3, HEADER - 5);
        for (int j = 0; j < GRID_VIEWS; j++) {
            int x0 = (1 + j * (1 + modes.size())) * t;
            g.drawString("GT view " + j, x0 + 3, HEADER - 5);
            for (int m = 0; m < modes.size(); m++) {
                g.drawString(EvaluateTool.modeName(modes.get(m)), x0 + (1 + m) * t + 3, HEADER - 5);
            }
        }
        for (int r = 0; r < grid.size(); r++) {
            GridRow row = grid.get(r);
            int y = HEADER + r * t;
            draw(img, row.input, true, res, t, 0, y);
            for (int j = 0; j < GRID_VIEWS; j++) {
                int x0 = (1 + j * (1 + modes.size())) * t;
                draw(img, row.truth[j], false, res, t, x0, y);
                for (int m = 0; m < modes.size(); m++) {
                    float[][] rs = row.renders.get(modes.get(m));
                    if (rs != null) {
                        draw(img, rs[j], false, res, t, x0 + (1 + m) * t, y);
                    }
                }
            }
            g.setColor(Color.BLACK);
            g.drawString("#" + row.seed + " " + row.category.name().toLowerCase(Locale.ROOT), 3, y + t - 4);
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f));
        for (int j = 0; j < GRID_VIEWS; j++) {
            int x0 = (1 + j * (1 + modes.size())) * t;
            g.drawLine(x0, 0, x0, img.getHeight());
        }
        g.dispose();
        return img;
    }

    /** Draws a planar 3×R×R image ([0, 1], or [−1, 1] when {@code signed}) enlarged to a tile. */
    private static void draw(BufferedImage img, float[] chw, boolean signed, int res, int t, int x0, int y0) {
        if (chw == null) {
            return;
        }
        int plane = res * res, k = t / res;
        for (int y = 0; y < t; y++) {
            for (int x = 0; x < t; x++) {
                int p = (y / k) * res + x / k;
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    float v = chw[c * plane + p];
                    if (signed) {
                        v = 0.5f * (v + 1f);
                    }
                    rgb = (rgb << 8) | Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
                }
                img.setRGB(x0 + x, y0 + y, rgb);
            }
        }
    }
}
