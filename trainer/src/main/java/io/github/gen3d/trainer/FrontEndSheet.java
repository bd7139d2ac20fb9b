package io.github.gen3d.trainer;

import io.github.gen3d.model.BundleFrontEnd;
import io.github.gen3d.model.ModelBundle;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Draws pictures with a bundle's class-conditioned front end, a row per category, into one contact sheet PNG: what
 * "a random barrel" looks like before it becomes 3D. Usage:
 * {@code FrontEndSheet --bundle assets/Models/gen3d-default --per-class 6 --out build/frontend.png}.
 */
@Command(name = "frontend-sheet", mixinStandardHelpOptions = true,
        description = "Draws pictures per category with a bundle's front end into one PNG.")
public final class FrontEndSheet implements Callable<Integer> {
    @Option(names = "--bundle", description = "bundle folder (default: ${DEFAULT-VALUE})")
    Path bundle = Path.of("assets", "Models", "gen3d-default");

    @Option(names = "--per-class", description = "pictures per category (default: ${DEFAULT-VALUE})")
    int perClass = 6;

    @Option(names = "--steps", description = "DDIM steps (default: ${DEFAULT-VALUE})")
    int steps = 50;

    @Option(names = "--guidance", description = "classifier-free guidance scale (default: ${DEFAULT-VALUE})")
    float guidance = 3f;

    @Option(names = "--scale", description = "pixel zoom in the sheet (default: ${DEFAULT-VALUE})")
    int scale = 2;

    @Option(names = "--out", required = true, description = "PNG to write")
    Path out;

    /**
     * Runs the command line.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new FrontEndSheet()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (perClass < 1 || scale < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--per-class and --scale must be >= 1");
        }
        try (ModelBundle b = ModelBundle.load(bundle)) {
            BundleFrontEnd fe = BundleFrontEnd.of(b);
            List<String> labels = fe.labels();
            int res = fe.resolution();
            int cell = res * scale;
            int labelWidth = 80;
            BufferedImage sheet = new BufferedImage(labelWidth + perClass * cell, labels.size() * cell,
                    BufferedImage.TYPE_INT_RGB);
            Graphics2D g = sheet.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            long start = System.nanoTime();
            for (int l = 0; l < labels.size(); l++) {
                int[] ls = new int[perClass];
                long[] seeds = new long[perClass];
                for (int i = 0; i < perClass; i++) {
                    ls[i] = l;
                    seeds[i] = 1000L * l + i;
                }
                List<float[]> pics = fe.drawBatch(ls, seeds, steps, guidance);
                g.setColor(Color.BLACK);
                g.drawString(labels.get(l), 6, l * cell + cell / 2);
                for (int i = 0; i < perClass; i++) {
                    g.drawImage(BundleFrontEnd.toImage(pics.get(i), res), labelWidth + i * cell, l * cell, cell, cell,
                            null);
                }
                System.out.printf(Locale.ROOT, "%s: %d pictures%n", labels.get(l), perClass);
            }
            g.dispose();
            double sec = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%d pictures in %.1f s (%.2f s each, batches of %d)%n",
                    labels.size() * perClass, sec, sec / (labels.size() * perClass), perClass);
            Path abs = out.toAbsolutePath();
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            Path tmp = Files.createTempFile(abs.getParent(), ".sheet", ".png");
            try {
                if (!ImageIO.write(sheet, "png", tmp.toFile())) {
                    throw new IOException("no PNG writer");
                }
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return 0;
    }
}
