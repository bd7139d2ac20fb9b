package io.github.gen3d.image;

import io.github.gen3d.image.InputImageException.Problem;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Brings a user's picture to the form the image-to-3D model was trained on: one object on white, centred in a square
 * frame, its larger side filling {@link Options#fill()} (75 %) of it, {@code size×size} pixels.
 *
 * <ol>
 * <li><b>Background.</b> A picture with an alpha channel in which some pixel has alpha below
 * {@link #ALPHA_TRANSPARENT} uses alpha as the mask ({@link BackgroundRemoval#ALPHA}). Otherwise the near-white
 * pixels (min(R, G, B) ≥ {@link Options#whiteThreshold()}) 4-connected to the border are the background
 * ({@link BackgroundRemoval#WHITE}). When neither applies (an opaque picture whose border is not near-white, e.g. a
 * photo filling the frame) the whole picture is the object ({@link BackgroundRemoval#NONE}).</li>
 * <li><b>Crop.</b> The mask's bounding box (pixels with alpha above {@link #ALPHA_OBJECT}) is padded to a square
 * about its centre, scaled so that its larger side is {@code fill·size} pixels and centred in the frame; everything
 * outside the box, and the background inside it, becomes white.</li>
 * <li><b>Resampling</b> works on alpha-premultiplied 8-bit sRGB values: an exact box filter (area average) when
 * shrinking, bilinear when enlarging; the result is composited on white.</li>
 * </ol>
 *
 * <p>Unusable pictures are refused with an {@link InputImageException} naming the picture: not an image, unreadable,
 * truncated or corrupt; a side under {@link #MIN_SIDE} pixels; a side over {@link #MAX_SIDE} or more than
 * {@link #MAX_PIXELS} pixels (checked from the file's header before decoding); no object, or an object under
 * {@link #MIN_OBJECT_FRACTION} of the picture. JPEG EXIF orientation is not applied. See
 * {@code docs/input-images.md}.
 *
 * <pre>{@code
 * PreparedImage in = InputImages.read(Path.of("chair.png"), 64);
 * SampleResult r = sampler.sample(SampleRequest.of(in.toCondition(), 42), null, null);
 * }</pre>
 */
public final class InputImages {
    /** Smallest output size accepted. */
    public static final int MIN_SIZE = 8;
    /** Largest output size accepted. */
    public static final int MAX_SIZE = 1024;
    /** Pictures with a side below this many pixels are refused. */
    public static final int MIN_SIDE = 16;
    /** Pictures with a side above this many pixels are refused. */
    public static final int MAX_SIDE = 16384;
    /** Pictures with more pixels than this (64 Mi, 8192×8192) are refused. */
    public static final long MAX_PIXELS = 1L << 26;
    /** Pictures whose object mask covers less than this fraction of the pixels (0.1 %) are refused. */
    public static final double MIN_OBJECT_FRACTION = 0.001;
    /** A picture with alpha counts as transparent when some pixel's alpha is below this (of 255). */
    public static final int ALPHA_TRANSPARENT = 250;
    /** With {@link BackgroundRemoval#ALPHA}, pixels with alpha above this (of 255) count as the object. */
    public static final int ALPHA_OBJECT = 8;

    private static final Logger LOG = Logger.getLogger(InputImages.class.getName());
    private static final float INV_255 = 1f / 255f;

    /**
     * How a picture is prepared.
     *
     * @param fill the fraction of the frame the object's larger side fills, in (0, 1]; 0.75 like the training renders
     * @param whiteThreshold the smallest min(R, G, B), 1 … 255, of a near-white background pixel; 235 by default
     */
    public record Options(double fill, int whiteThreshold) {
        /** Fill 0.75, white threshold 235. */
        public static final Options DEFAULT = new Options(0.75, 235);

        /**
         * Checks the values.
         *
         * @throws IllegalArgumentException if the fill is outside (0, 1] or the threshold outside 1 … 255
         */
        public Options {
            if (!(fill > 0 && fill <= 1)) {
                throw new IllegalArgumentException("fill must be in (0, 1], got " + fill);
            }
            if (whiteThreshold < 1 || whiteThreshold > 255) {
                throw new IllegalArgumentException("white threshold must be in 1..255, got " + whiteThreshold);
            }
        }

        /**
         * @param newFill the fill fraction, in (0, 1]
         * @return these options with another fill (not null)
         */
        public Options withFill(double newFill) {
            return new Options(newFill, whiteThreshold);
        }

        /**
         * @param newThreshold the white threshold, 1 … 255
         * @return these options with another white threshold (not null)
         */
        public Options withWhiteThreshold(int newThreshold) {
            return new Options(fill, newThreshold);
        }
    }

    private InputImages() {
    }

    /**
     * Reads and prepares a picture file with the {@link Options#DEFAULT default options}.
     *
     * @param file a PNG, JPEG, BMP, GIF (first frame), WBMP or TIFF file (not null)
     * @param size the output side in pixels, {@link #MIN_SIZE} … {@link #MAX_SIZE}
     * @return the prepared picture (not null)
     * @throws InputImageException if the file cannot be read or the picture cannot be used; the message names it
     * @throws IllegalArgumentException if an argument is null or the size is out of range
     */
    public static PreparedImage read(Path file, int size) throws InputImageException {
        return read(file, size, Options.DEFAULT);
    }

    /**
     * Reads and prepares a picture file.
     *
     * @param file a PNG, JPEG, BMP, GIF (first frame), WBMP or TIFF file (not null)
     * @param size the output side in pixels, {@link #MIN_SIZE} … {@link #MAX_SIZE}
     * @param options how to prepare it (not null)
     * @return the prepared picture (not null)
     * @throws InputImageException if the file cannot be read or the picture cannot be used; the message names it
     * @throws IllegalArgumentException if an argument is null or the size is out of range
     */
    public static PreparedImage read(Path file, int size, Options options) throws InputImageException {
        if (file == null) {
            throw new IllegalArgumentException("file is null");
        }
        checkArguments(file.toString(), size, options);
        String name = file.toString();
        if (!Files.exists(file)) {
            throw new InputImageException(name, Problem.UNREADABLE, "no such file", null);
        }
        if (!Files.isRegularFile(file)) {
            throw new InputImageException(name, Problem.UNREADABLE, "not a regular file", null);
        }
        try {
            if (file.getFileSystem() == FileSystems.getDefault()) {
                try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
                    return prepare(decode(in, name), name, size, options);
                }
            }
            try (InputStream raw = Files.newInputStream(file);
                    ImageInputStream in = new MemoryCacheImageInputStream(raw)) {
                return prepare(decode(in, name), name, size, options);
            }
        } catch (InputImageException e) {
            throw e;
        } catch (IOException e) {
            throw new InputImageException(name, Problem.UNREADABLE, "cannot read the file: " + e, e);
        }
    }

    /**
     * Reads and prepares a picture from a stream, e.g. an asset. The stream is read as far as needed and not closed.
     *
     * @param in the encoded picture (not null)
     * @param sourceName the name to report in messages, e.g. the asset path (not null)
     * @param size the output side in pixels, {@link #MIN_SIZE} … {@link #MAX_SIZE}
     * @param options how to prepare it (not null)
     * @return the prepared picture (not null)
     * @throws InputImageException if the stream cannot be read or the picture cannot be used; the message names it
     * @throws IllegalArgumentException if an argument is null or the size is out of range
     */
    public static PreparedImage read(InputStream in, String sourceName, int size, Options options)
            throws InputImageException {
        if (in == null) {
            throw new IllegalArgumentException("input stream is null");
        }
        checkArguments(sourceName, size, options);
        try (ImageInputStream iis = new MemoryCacheImageInputStream(in)) {
            return prepare(decode(iis, sourceName), sourceName, size, options);
        } catch (InputImageException e) {
            throw e;
        } catch (IOException e) {
            throw new InputImageException(sourceName, Problem.UNREADABLE, "cannot read the stream: " + e, e);
        }
    }

    /**
     * Prepares a decoded picture with the {@link Options#DEFAULT default options}.
     *
     * @param image the picture (not null, unaffected)
     * @param sourceName the name to report in messages, e.g. its file (not null)
     * @param size the output side in pixels, {@link #MIN_SIZE} … {@link #MAX_SIZE}
     * @return the prepared picture (not null)
     * @throws InputImageException if the picture is too small, too large or has no object; the message names it
     * @throws IllegalArgumentException if an argument is null or the size is out of range
     */
    public static PreparedImage prepare(BufferedImage image, String sourceName, int size) throws InputImageException {
        return prepare(image, sourceName, size, Options.DEFAULT);
    }

    /**
     * Prepares a decoded picture.
     *
     * @param image the picture (not null, unaffected)
     * @param sourceName the name to report in messages, e.g. its file (not null)
     * @param size the output side in pixels, {@link #MIN_SIZE} … {@link #MAX_SIZE}
     * @param options how to prepare it (not null)
     * @return the prepared picture (not null)
     * @throws InputImageException if the picture is too small, too large or has no object; the message names it
     * @throws IllegalArgumentException if an argument is null or the size is out of range
     */
    public static PreparedImage prepare(BufferedImage image, String sourceName, int size, Options options)
            throws InputImageException {
        if (image == null) {
            throw new IllegalArgumentException("image is null");
        }
        checkArguments(sourceName, size, options);
        int w = image.getWidth();
        int h = image.getHeight();
        checkDimensions(sourceName, w, h);
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);

        BackgroundRemoval mode;
        if (image.getColorModel().hasAlpha() && hasTransparency(argb)) {
            mode = BackgroundRemoval.ALPHA;
        } else {
            boolean[] background = floodWhite(argb, w, h, options.whiteThreshold());
            mode = background == null ? BackgroundRemoval.NONE : BackgroundRemoval.WHITE;
            // from here on alpha is the mask: 0 for background, 255 for the object
            for (int p = 0; p < argb.length; p++) {
                int a = background != null && background[p] ? 0 : 0xFF000000;
                argb[p] = argb[p] & 0x00FFFFFF | a;
            }
        }

        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        long count = 0;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                if (argb[row + x] >>> 24 > ALPHA_OBJECT) {
                    count++;
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        double fraction = count / ((double) w * h);
        if (count == 0) {
            String why = mode == BackgroundRemoval.ALPHA ? "fully transparent" : "all near-white";
            throw new InputImageException(sourceName, Problem.EMPTY, "no object found: the picture is " + why,
                    null);
        }
        if (fraction < MIN_OBJECT_FRACTION) {
            throw new InputImageException(sourceName, Problem.EMPTY, String.format(Locale.ROOT,
                    "object too small: %d pixels, %.3f %% of the picture (at least %.1f %% needed)", count,
                    100 * fraction, 100 * MIN_OBJECT_FRACTION), null);
        }
        PreparedImage.Crop crop = new PreparedImage.Crop(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
        float[] chw = resample(argb, w, crop, size, options.fill());
        PreparedImage result = new PreparedImage(chw, size, sourceName, w, h, crop, mode, fraction);
        if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("prepared " + result + String.format(Locale.ROOT, ", object %.1f %% of the picture",
                    100 * fraction));
        }
        return result;
    }

    private static void checkArguments(String sourceName, int size, Options options) {
        if (sourceName == null) {
            throw new IllegalArgumentException("source name is null");
        }
        if (options == null) {
            throw new IllegalArgumentException("options are null");
        }
        if (size < MIN_SIZE || size > MAX_SIZE) {
            throw new IllegalArgumentException("size must be in " + MIN_SIZE + ".." + MAX_SIZE + ", got " + size);
        }
    }

    private static void checkDimensions(String name, long w, long h) throws InputImageException {
        if (w > MAX_SIDE || h > MAX_SIDE || w * h > MAX_PIXELS) {
            throw new InputImageException(name, Problem.TOO_LARGE, "too large: " + w + "x" + h + " pixels (at most "
                    + MAX_SIDE + " a side and " + MAX_PIXELS + " pixels)", null);
        }
        if (w < MIN_SIDE || h < MIN_SIDE) {
            throw new InputImageException(name, Problem.TOO_SMALL, "too small: " + w + "x" + h
                    + " pixels (at least " + MIN_SIDE + " a side)", null);
        }
    }

    /** Decodes the first image, checking its size from the header first. */
    private static BufferedImage decode(ImageInputStream in, String name) throws InputImageException {
        if (in == null) {
            throw new InputImageException(name, Problem.UNREADABLE, "cannot open the picture", null);
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new InputImageException(name, Problem.UNREADABLE,
                    "not an image in a supported format (PNG, JPEG, BMP, GIF, WBMP, TIFF)", null);
        }
        ImageReader reader = readers.next();
        String format = formatName(reader);
        List<String> warnings = new ArrayList<>();
        try {
            reader.setInput(in, true, true);
            checkDimensions(name, reader.getWidth(0), reader.getHeight(0));
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(String.valueOf(warning)));
            BufferedImage image = reader.read(0, reader.getDefaultReadParam());
            for (String warning : warnings) {
                // the JPEG decoder fills a truncated file's missing rows with grey and only warns
                if (warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                    throw new InputImageException(name, Problem.UNREADABLE, "truncated " + format + " (" + warning
                            + ")", null);
                }
            }
            for (String warning : warnings) {
                LOG.warning("input picture '" + name + "': " + warning);
            }
            return image;
        } catch (InputImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InputImageException(name, Problem.UNREADABLE, "truncated or corrupt " + format + " ("
                    + e.getMessage() + ")", e);
        } finally {
            reader.dispose();
        }
    }

    private static String formatName(ImageReader reader) {
        try {
            return reader.getFormatName().toUpperCase(Locale.ROOT);
        } catch (IOException e) {
            return "image";
        }
    }

    private static boolean hasTransparency(int[] argb) {
        for (int p : argb) {
            if (p >>> 24 < ALPHA_TRANSPARENT) {
                return true;
            }
        }
        return false;
    }

    /**
     * Flood-fills, 4-connected and scanline by scanline, the near-white pixels connected to the border.
     *
     * @return the background mask, or null if no border pixel is near-white
     */
    static boolean[] floodWhite(int[] argb, int w, int h, int threshold) {
        boolean[] bg = new boolean[w * h];
        IntStack stack = new IntStack();
        for (int x = 0; x < w; x++) {
            stack.push(x);
            stack.push((h - 1) * w + x);
        }
        for (int y = 0; y < h; y++) {
            stack.push(y * w);
            stack.push(y * w + w - 1);
        }
        boolean any = false;
        while (stack.size > 0) {
            int p = stack.pop();
            if (bg[p] || !isWhite(argb[p], threshold)) {
                continue;
            }
            any = true;
            int y = p / w;
            int row = y * w;
            int xl = p - row;
            int xr = xl;
            while (xl > 0 && !bg[row + xl - 1] && isWhite(argb[row + xl - 1], threshold)) {
                xl--;
            }
            while (xr < w - 1 && !bg[row + xr + 1] && isWhite(argb[row + xr + 1], threshold)) {
                xr++;
            }
            Arrays.fill(bg, row + xl, row + xr + 1, true);
            for (int ny = y - 1; ny <= y + 1; ny += 2) {
                if (ny < 0 || ny >= h) {
                    continue;
                }
                int nrow = ny * w;
                boolean inRun = false;
                for (int x = xl; x <= xr; x++) {
                    int q = nrow + x;
                    if (!bg[q] && isWhite(argb[q], threshold)) {
                        if (!inRun) {
                            stack.push(q);
                            inRun = true;
                        }
                    } else {
                        inRun = false;
                    }
                }
            }
        }
        return any ? bg : null;
    }

    private static boolean isWhite(int argb, int threshold) {
        int r = argb >> 16 & 0xFF;
        int g = argb >> 8 & 0xFF;
        int b = argb & 0xFF;
        return Math.min(r, Math.min(g, b)) >= threshold;
    }

    /**
     * Resamples the crop box, padded to a square about its centre and scaled so that its larger side is
     * {@code fill·size}, into the centre of a {@code size×size} frame, and composites it on white.
     */
    static float[] resample(int[] argb, int w, PreparedImage.Crop crop, int size, double fill) {
        int side = Math.max(crop.width(), crop.height());
        double scale = fill * size / side; // output pixels per source pixel
        Taps tx = Taps.of(size, scale, crop.x() + crop.width() / 2.0, crop.x(), crop.x() + crop.width());
        Taps ty = Taps.of(size, scale, crop.y() + crop.height() / 2.0, crop.y(), crop.y() + crop.height());
        int bw = crop.width();
        float[] acc = new float[bw * 4];
        int plane = size * size;
        float[] chw = new float[3 * plane];
        for (int j = 0; j < size; j++) {
            Arrays.fill(acc, 0f);
            for (int t = 0; t < ty.count[j]; t++) {
                int k = ty.first[j] + t;
                float wy = ty.weights[j * ty.stride + t];
                if (wy == 0f) {
                    continue;
                }
                int row = k * w + crop.x();
                for (int x = 0; x < bw; x++) {
                    int p = argb[row + x];
                    int a8 = p >>> 24;
                    if (a8 == 0) {
                        continue;
                    }
                    float wa = wy * a8 * INV_255;
                    acc[4 * x] += wa * ((p >> 16 & 0xFF) * INV_255);
                    acc[4 * x + 1] += wa * ((p >> 8 & 0xFF) * INV_255);
                    acc[4 * x + 2] += wa * ((p & 0xFF) * INV_255);
                    acc[4 * x + 3] += wa;
                }
            }
            for (int i = 0; i < size; i++) {
                float r = 0f;
                float g = 0f;
                float b = 0f;
                float a = 0f;
                for (int t = 0; t < tx.count[i]; t++) {
                    int x = tx.first[i] + t - crop.x();
                    float wx = tx.weights[i * tx.stride + t];
                    r += wx * acc[4 * x];
                    g += wx * acc[4 * x + 1];
                    b += wx * acc[4 * x + 2];
                    a += wx * acc[4 * x + 3];
                }
                float white = 1f - Math.min(1f, a);
                int p = j * size + i;
                chw[p] = toSigned(r + white);
                chw[plane + p] = toSigned(g + white);
                chw[2 * plane + p] = toSigned(b + white);
            }
        }
        return chw;
    }

    private static float toSigned(float v) {
        return 2f * Math.max(0f, Math.min(1f, v)) - 1f;
    }

    /** Separable filter taps along one axis: for output index i, source indices first[i] … first[i]+count[i]−1. */
    static final class Taps {
        final int[] first;
        final int[] count;
        final float[] weights;
        final int stride;

        private Taps(int size, int stride) {
            this.first = new int[size];
            this.count = new int[size];
            this.weights = new float[size * stride];
            this.stride = stride;
        }

        /**
         * @param size output samples
         * @param scale output pixels per source pixel
         * @param centre the source coordinate (pixel k spans [k, k+1]) that lands on the frame's centre
         * @param lo first source index that may contribute
         * @param hi one past the last source index that may contribute
         */
        static Taps of(int size, double scale, double centre, int lo, int hi) {
            double footprint = 1 / scale; // source pixels per output pixel
            boolean box = footprint > 1;
            Taps taps = new Taps(size, box ? (int) Math.ceil(footprint) + 2 : 2);
            for (int i = 0; i < size; i++) {
                double u = centre + (i + 0.5 - size / 2.0) * footprint;
                if (box) {
                    double a = u - footprint / 2;
                    double b = u + footprint / 2;
                    int k0 = Math.max(lo, (int) Math.floor(a));
                    int k1 = Math.min(hi, (int) Math.ceil(b));
                    taps.first[i] = k0;
                    for (int k = k0; k < k1; k++) {
                        double overlap = Math.min(b, k + 1) - Math.max(a, k);
                        taps.weights[i * taps.stride + k - k0] = (float) Math.max(0, overlap * scale);
                    }
                    taps.count[i] = Math.max(0, k1 - k0);
                } else {
                    double t = u - 0.5;
                    int k = (int) Math.floor(t);
                    float f = (float) (t - k);
                    int k0 = Math.max(lo, k);
                    int k1 = Math.min(hi, k + 2);
                    taps.first[i] = k0;
                    for (int kk = k0; kk < k1; kk++) {
                        taps.weights[i * taps.stride + kk - k0] = kk == k ? 1 - f : f;
                    }
                    taps.count[i] = Math.max(0, k1 - k0);
                }
            }
            return taps;
        }
    }

    /** A growable stack of ints. */
    private static final class IntStack {
        private int[] items = new int[1024];
        private int size;

        void push(int v) {
            if (size == items.length) {
                items = Arrays.copyOf(items, items.length * 2);
            }
            items[size++] = v;
        }

        int pop() {
            return items[--size];
        }
    }
}
