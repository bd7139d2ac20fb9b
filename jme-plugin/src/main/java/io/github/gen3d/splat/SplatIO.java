package io.github.gen3d.splat;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads and writes Gaussian-splat files, choosing the format by file extension:
 * {@code .ply} (INRIA 3DGS layout, ascii or binary, and the PlayCanvas compressed PLY), {@code .splat}
 * (antimatter15), {@code .spz} (Niantic) and {@code .glb} (binary glTF with {@code KHR_gaussian_splatting};
 * its frame is RUB, like SPZ).
 *
 * <h2>Frames</h2>
 * Every format stores its data in its own axis convention ({@link SplatFrame#RDF} for PLY and .splat,
 * {@link SplatFrame#RUB} for SPZ). By default {@link #read(Path)} converts to jME's frame, {@link SplatFrame#RUB},
 * and {@link #write(GaussianCloud, Path)} expects a cloud in jME's frame and converts it to the file's frame on a
 * copy. The overloads with frames let a caller say what frame the data really is in (a PLY exported in RUB by
 * some tool) or keep the file's own frame. Conversion between RDF and RUB is a 180° rotation about X applied to
 * positions, rotations and SH coefficients; nothing is mirrored. See {@code docs/coordinates.md}.
 *
 * <h2>Errors</h2>
 * Every problem with a file is an {@link IOException} whose message starts with the file's name and says what is
 * wrong. Files larger than {@link #MAX_FILE_BYTES} are refused before they are read.
 *
 * <pre>{@code
 * GaussianCloud cloud = SplatIO.read(Path.of("scene.ply"));      // jME frame
 * SplatIO.write(cloud, Path.of("scene.splat"));                  // atomic replace
 * }</pre>
 */
public final class SplatIO {
    /** Largest file accepted, in bytes (just under 2 GiB: the whole file is held in one array). */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;
    private static final Logger LOGGER = Logger.getLogger(SplatIO.class.getName());

    private SplatIO() {
    }

    /**
     * Reads a splat file and converts it to jME's frame ({@link SplatFrame#RUB}).
     *
     * @param file the file (not null); its extension picks the format
     * @return a new cloud
     * @throws IOException if the file cannot be read or is malformed; the message names the file
     */
    public static GaussianCloud read(Path file) throws IOException {
        return read(file, null, SplatFrame.RUB);
    }

    /**
     * Reads a splat file with explicit frames.
     *
     * @param file the file (not null); its extension picks the format
     * @param sourceFrame the frame the file's data is in, or null for the format's own frame (PLY/.splat: RDF,
     *     SPZ/glTF: RUB)
     * @param targetFrame the frame wanted, or null to keep the source frame (no conversion)
     * @return a new cloud
     * @throws IOException if the file cannot be read or is malformed; the message names the file
     */
    public static GaussianCloud read(Path file, SplatFrame sourceFrame, SplatFrame targetFrame) throws IOException {
        Objects.requireNonNull(file, "file");
        String name = file.toString();
        SplatFormat format = formatFor(name);
        long size = io.github.gen3d.internal.SafeFiles.requireRegular(file);
        checkSize(size, name);
        byte[] data = io.github.gen3d.internal.SafeFiles.readRegular(file, MAX_FILE_BYTES);
        return decode(data, name, format, sourceFrame, targetFrame);
    }

    /**
     * Reads splat data from a stream (read to its end, at most {@link #MAX_FILE_BYTES}; not closed here).
     *
     * @param in the stream (not null)
     * @param name the file name: its extension picks the format, and messages start with it (not null)
     * @param sourceFrame the data's frame, or null for the format's own
     * @param targetFrame the frame wanted, or null to keep the source frame
     * @return a new cloud
     * @throws IOException if reading fails or the data is malformed; the message names {@code name}
     */
    public static GaussianCloud read(InputStream in, String name, SplatFrame sourceFrame, SplatFrame targetFrame)
            throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(name, "name");
        SplatFormat format = formatFor(name);
        byte[] data = in.readNBytes((int) MAX_FILE_BYTES + 1);
        checkSize(data.length, name);
        return decode(data, name, format, sourceFrame, targetFrame);
    }

    /**
     * Writes a cloud that is in jME's frame, atomically replacing any existing file.
     *
     * @param cloud the cloud, in {@link SplatFrame#RUB} (not null, unaffected)
     * @param file the destination (not null); its extension picks the format
     * @throws IOException if the extension is unknown or writing fails; an existing file is then left as it was
     */
    public static void write(GaussianCloud cloud, Path file) throws IOException {
        write(cloud, file, SplatFrame.RUB);
    }

    /**
     * Writes a cloud, converting it from {@code cloudFrame} to the format's frame on a copy. The data goes to a
     * temporary file in the same folder, which then replaces {@code file} in one atomic move, so readers never
     * see a half-written file and a failed write leaves the old file untouched.
     *
     * @param cloud the cloud (not null, unaffected)
     * @param file the destination (not null); its extension picks the format
     * @param cloudFrame the frame the cloud is in (not null)
     * @throws IOException if the extension is unknown or writing fails
     */
    public static void write(GaussianCloud cloud, Path file, SplatFrame cloudFrame) throws IOException {
        Objects.requireNonNull(file, "file");
        write(cloud, file, cloudFrame, formatFor(file.toString()));
    }

    /** {@link #write(GaussianCloud, Path, SplatFrame)} with the format given (tests use failing formats). */
    static void write(GaussianCloud cloud, Path file, SplatFrame cloudFrame, SplatFormat format) throws IOException {
        Objects.requireNonNull(cloud, "cloud");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(cloudFrame, "cloudFrame");
        GaussianCloud out = cloud;
        if (cloudFrame != format.nativeFrame()) {
            out = cloud.copy();
            cloudFrame.convert(out, format.nativeFrame());
        }
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        String base = abs.getFileName().toString();
        if (base.length() > 100) {
            base = base.substring(0, 100);
        }
        // not Files.createTempFile: that makes the file owner-only (0600), and the move would keep that
        Path tmp = dir.resolve("." + base + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                format.write(out, os);
                os.flush();
                ch.force(true);
            } catch (IOException e) {
                throw new IOException(file + ": could not write: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new IOException(file + ": could not write (internal error): " + e, e);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                LOGGER.log(Level.WARNING, "{0}: atomic move not supported here; replacing non-atomically", file);
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    LOGGER.log(Level.WARNING, "could not delete the temporary file " + tmp, e);
                }
            }
        }
    }

    /**
     * The format for a file name's extension.
     *
     * @param name a file name or path (not null)
     * @return a new format instance
     * @throws IOException naming the file and its extension when no format handles it
     */
    static SplatFormat formatFor(String name) throws IOException {
        String ext = extensionOf(name);
        switch (ext) {
            case "ply":
                return new PlyFormat();
            case "splat":
                return new SplatFileFormat();
            case "spz":
                return new SpzFormat();
            case "glb":
                return new GltfSplatFormat();
            case "sog":
                return new SogFormat();
            default:
                throw new IOException(name + ": unknown splat file extension "
                        + (ext.isEmpty() ? "(none)" : "'." + PlyHeader.clip(ext) + "'")
                        + "; supported: .ply, .splat, .spz, .glb, .sog (read only)");
        }
    }

    /** @return the lower-case extension after the last dot of the last path segment, or "" */
    static String extensionOf(String name) {
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        int dot = name.lastIndexOf('.');
        return dot > slash ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    private static void checkSize(long size, String name) throws IOException {
        if (size == 0) {
            throw new IOException(name + ": the file is empty (0 bytes)");
        }
        if (size > MAX_FILE_BYTES) {
            throw new IOException(name + ": the file is " + size + " bytes; splat files larger than "
                    + MAX_FILE_BYTES + " bytes (2 GiB) are not supported");
        }
    }

    /**
     * Parses bytes with a format and converts frames. A RuntimeException from the format (a bug) still surfaces
     * as an IOException naming the file.
     */
    static GaussianCloud decode(byte[] data, String name, SplatFormat format, SplatFrame sourceFrame,
            SplatFrame targetFrame) throws IOException {
        GaussianCloud cloud;
        try {
            cloud = format.read(data, name);
        } catch (RuntimeException e) {
            LOGGER.log(Level.SEVERE, name + ": reader bug", e);
            throw new IOException(name + ": internal error while reading (" + e + ")", e);
        }
        SplatFrame source = sourceFrame != null ? sourceFrame : format.nativeFrame();
        if (targetFrame != null) {
            source.convert(cloud, targetFrame);
        }
        if (LOGGER.isLoggable(Level.WARNING)) {
            GaussianCloud.Validation v = cloud.validate();
            if (!v.isClean()) {
                LOGGER.log(Level.WARNING, "{0}: read {1} splats with problems: {2}",
                        new Object[] {name, cloud.size(), v});
            }
        }
        return cloud;
    }
}
