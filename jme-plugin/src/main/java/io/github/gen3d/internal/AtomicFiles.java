package io.github.gen3d.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a failure never leaves a partial file where a good one was: the data goes to a fresh
 * temporary sibling, which then replaces the target in one move (atomic where the file system can). Internal to
 * the plugin: not part of its API, may change without notice.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes a file's content. */
    @FunctionalInterface
    public interface Body {
        /**
         * @param out where to write (not null; closed by the caller)
         * @throws IOException on failure
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * @param file the target (not null); its folder must exist
     * @param body writes the content (not null)
     * @throws IOException naming the file when the folder is missing or writing or moving fails; the target is then
     *     as it was and no temporary file is left
     */
    public static void write(Path file, Body body) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException(file + ": folder " + dir + " does not exist");
        }
        // a fresh sibling created with the default permissions (createTempFile would make it owner-only)
        Path tmp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        boolean done = false;
        try {
            try (OutputStream out = new BufferedOutputStream(
                    Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
                body.write(out);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } catch (IOException e) {
            throw new IOException(file + ": write failed: " + e.getMessage(), e);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Temporary files of {@link #write}: "." + target name + "." + hex digits + ".tmp". */
    private static final java.util.regex.Pattern TEMP = java.util.regex.Pattern.compile("\\..+\\.[0-9a-f]+\\.tmp");

    /**
     * Deletes the temporary files {@link #write} leaves when its process is killed mid-write (a crash cannot run the
     * clean-up): regular files in {@code dir} named like them and not modified for {@code age}, so that a write
     * still running in another process is left alone. Other files are never touched.
     *
     * @param dir the folder (not null; nothing happens when it does not exist)
     * @param age how old a temporary file must be (not null)
     * @return how many were deleted
     * @throws IOException if the folder cannot be listed
     */
    public static int sweepStale(Path dir, java.time.Duration age) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        java.time.Instant cutoff = java.time.Instant.now().minus(age);
        int deleted = 0;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (TEMP.matcher(p.getFileName().toString()).matches()
                        && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant()
                                .isBefore(cutoff)) {
                    deleted += Files.deleteIfExists(p) ? 1 : 0;
                }
            }
        }
        return deleted;
    }

    /**
     * @param file the target (not null)
     * @param data the content (not null, unaffected)
     * @throws IOException as {@link #write(Path, Body)}
     */
    public static void write(Path file, byte[] data) throws IOException {
        write(file, out -> out.write(data));
    }
}
