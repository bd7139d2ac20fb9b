package io.github.gen3d.trainer;

import io.github.gen3d.trainer.dataset.DatasetSplit;
import io.github.gen3d.trainer.dataset.PropCategory;
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
 * (atomically: temporary sibling, then a move). The table's rows are the sampler modes followed by the baselines
 * ({@link EvaluateTool#BASELINES}); the grid shows the sampler modes.
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
    /** Every mode's name in table order: the sampler modes, then the baselines. */
    private final List<String> columns;
    private final DatasetSplit split;
    private final String subject;
    private final List<EvalRow> rows = new ArrayList<>();
    private final List<GridRow> grid = new ArrayList<>();
    private String sampling;

    /** The pictures of one grid row. */
    static final class GridRow {
        final long seed;
        final String label;
        final int res;
        float[] input;
        final float[][] truth = new float[GRID_VIEWS][];
        final Map<SamplerSettings.Mode, float[][]> renders = new EnumMap<>(SamplerSettings.Mode.class);

        /**
         * @param seed the prop seed
         * @param label what the grid writes under its input (e.g. {@code #6 rock})
         * @param res render size
         */
        GridRow(long seed, String label, int res) {
            this.seed = seed;
            this.label = label;
            this.res = res;
        }
    }

    EvalReport(Path out, List<SamplerSettings.Mode> modes, DatasetSplit split) throws IOException {
        this(out, modes, split, "props");
    }

    /**
     * @param out the output folder (created)
     * @param modes the sampler modes, in column order
     * @param split the split evaluated
     * @param subject what was evaluated, plural, for the table's text: {@code props} or {@code game-art assets}
     * @throws IOException when the folder cannot be created
     */
    EvalReport(Path out, List<SamplerSettings.Mode> modes, DatasetSplit split, String subject) throws IOException {
        this.out = out;
        this.modes = List.copyOf(modes);
        List<String> c = new ArrayList<>();
        for (SamplerSettings.Mode m : modes) {
            c.add(EvaluateTool.modeName(m));
        }
        c.addAll(EvaluateTool.BASELINES);
        this.columns = List.copyOf(c);
        this.split = split;
        this.subject = subject;
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

    /**
     * Prints the progress line and the running means of each mode.
     *
     * @param done props done
     * @param total props in all
     * @param seed the last prop's seed
     * @param label the last prop's category or name
     */
    void progress(int done, int total, long seed, String label) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "prop %d/%d (seed %d, %s)", done, total, seed,
                label));
        for (String m : columns) {
            Stats[] st = stats(rowsOf(m, null));
            sb.append(String.format(Locale.ROOT, "%n  %-14s n=%d failed=%d psnr %.2f masked %.2f ssim %.3f", m,
                    st[0].n, failed(m), st[0].mean, st[1].mean, st[2].mean));
            if (!EvaluateTool.BASELINES.contains(m)) {
                sb.append(String.format(Locale.ROOT, " chamfer %.4f fscore %.3f sampling %.1f s mesh %.1f s",
                        st[3].mean, st[4].mean, st[5].mean, st[6].mean));
            }
        }
        System.out.println(sb);
    }

    private List<EvalRow> rowsOf(String m, PropCategory c) {
        List<EvalRow> out = new ArrayList<>();
        for (EvalRow r : rows) {
            if (r.mode().equals(m) && r.ok() && (c == null || r.category() == c)) {
                out.add(r);
            }
        }
        return out;
    }

    private int failed(String m) {
        return (int) rows.stream().filter(r -> r.mode().equals(m) && !r.ok()).count();
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
        sb.append(",name,error\n");
        for (EvalRow r : rows) {
            sb.append(r.seed()).append(',')
                    .append(r.category() == null ? "" : r.category().name().toLowerCase(Locale.ROOT)).append(',')
                    .append(r.mode()).append(',').append(r.ok() ? "ok" : "failed");
            double[] v = r.metrics();
            for (int k = 0; k < v.length; k++) {
                sb.append(',');
                if (k == EvalRow.GAUSSIANS || k == EvalRow.TRIANGLES) {
                    sb.append((long) v[k]);
                } else {
                    sb.append(Double.isNaN(v[k]) ? "NaN" : String.format(Locale.ROOT, "%.6f", v[k]));
                }
            }
            sb.append(',');
            if (r.name() != null) {
                sb.append(quoted(r.name()));
            }
            sb.append(',');
            if (!r.ok()) {
                sb.append(quoted(r.error()));
            }
            sb.append('\n');
        }
        NpyFile.writeAtomically(out.resolve("results.csv"), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A text field in double quotes, its quotes and line breaks replaced. */
    private static String quoted(String s) {
        return '"' + s.replace('"', '\'').replace('\n', ' ').replace('\r', ' ') + '"';
    }

    /** A mean ± standard deviation cell, or "–" when there is no value. */
    private static String cell(Stats st, String fmt) {
        return Double.isNaN(st.mean) ? "–" : String.format(Locale.ROOT, fmt + " ± " + fmt, st.mean, st.std);
    }

    /**
     * The text of {@code table.md}.
     *
     * @param views novel views per prop
     * @return the markdown
     */
    String table(int views) {
        StringBuilder sb = new StringBuilder("# Evaluation\n\n");
        if (sampling != null) {
            sb.append("Sampling: ").append(sampling).append(".\n\n");
        }
        sb.append(String.format(Locale.ROOT, "Mean ± standard deviation over the %s %s that did not fail (n);"
                + " image metrics averaged over %d novel views per prop. Baselines: %s = the input view, uncropped"
                + " at the rig's framing, as the prediction of every novel view; %s = a white image (no sampling,"
                + " no mesh).%n%n", split.name().toLowerCase(Locale.ROOT), subject, views, EvaluateTool.INPUT_REPEATED,
                EvaluateTool.ALL_WHITE));
        sb.append("| mode | n | failed | PSNR (dB) | masked PSNR (dB) | SSIM | Chamfer | F-score@0.05 | sampling (s)"
                + " | mesh (s) | Gaussians | triangles |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        String[] fmt = {"%.2f", "%.2f", "%.3f", "%.4f", "%.3f", "%.2f", "%.2f", "%.0f", "%.0f"};
        for (String m : columns) {
            Stats[] st = stats(rowsOf(m, null));
            boolean baseline = EvaluateTool.BASELINES.contains(m);
            sb.append("| ").append(m).append(" | ").append(st[0].n).append(" | ").append(failed(m));
            for (int k = 0; k < fmt.length; k++) {
                sb.append(" | ").append(baseline && k >= 3 ? "–" : cell(st[k], fmt[k]));
            }
            sb.append(" |\n");
        }
        sb.append(String.format(Locale.ROOT, "%n## Level and elevated views%n%nThe image metrics over the level novel"
                + " views (elevation 0°, even k) and over the elevated ones (%s°, odd k) separately.%n%n",
                fmtDegrees(EvaluateTool.NOVEL_ELEVATION_ODD)));
        sb.append("| mode | n | PSNR level | PSNR elevated | masked PSNR level | masked PSNR elevated | SSIM level"
                + " | SSIM elevated |\n|---|---|---|---|---|---|---|---|\n");
        int base = EvalRow.TRIANGLES + 1;
        for (String m : columns) {
            Stats[] st = stats(rowsOf(m, null));
            sb.append("| ").append(m).append(" | ").append(st[0].n);
            for (int k = 0; k < 3; k++) {
                String f = fmt[k];
                sb.append(" | ").append(cell(st[base + k], f)).append(" | ").append(cell(st[base + 3 + k], f));
            }
            sb.append(" |\n");
        }
        SamplerSettings.Mode per = modes.contains(SamplerSettings.Mode.SYNERGY) ? SamplerSettings.Mode.SYNERGY
                : modes.get(0);
        String perName = EvaluateTool.modeName(per);
        StringBuilder cats = new StringBuilder();
        for (PropCategory c : PropCategory.values()) {
            List<EvalRow> rs = rowsOf(perName, c);
            if (rs.isEmpty()) {
                continue;
            }
            Stats[] st = stats(rs);
            cats.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.4f |%n", c.name().toLowerCase(Locale.ROOT),
                    st[0].n, st[1].mean, st[3].mean));
        }
        if (cats.length() > 0) {
            sb.append("\n## Per category (").append(perName).append(")\n\n");
            sb.append("| category | n | masked PSNR (dB) | Chamfer |\n|---|---|---|---|\n").append(cats);
        }
        return sb.toString();
    }

    private static String fmtDegrees(float d) {
        return d == Math.rint(d) ? Integer.toString((int) d) : Float.toString(d);
    }

    /**
     * Writes all three outputs.
     *
     * @param views novel views per prop
     * @throws IOException on failure
     */
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
            g.drawString(row.label, 3, y + t - 4);
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
