package io.github.gen3d.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reading files a user or another program handed over without trusting them: only regular files are opened (a FIFO
 * would block the reader forever, {@code /dev/zero} behind a symbolic link never ends), and a size cap holds even
 * when the size the file system reports is wrong or the file grows while it is read. Internal to the plugin: not
 * part of its API, may change without notice.
 */
public final class SafeFiles {
    private SafeFiles() {
    }

    /**
     * Fails unless {@code file} (after symbolic links) is a regular file.
     *
     * @param file the file (not null)
     * @return its size as the file system reports it
     * @throws IOException naming the file when it is missing or not a regular file (folder, FIFO, device, socket)
     */
    public static long requireRegular(Path file) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        if (!a.isRegularFile()) {
            String kind = a.isDirectory() ? "a folder" : a.isOther() ? "a FIFO, device or socket" : "not a file";
            throw new IOException(file + ": is " + kind + ", not a regular file; refused");
        }
        return a.size();
    }

    /**
     * Reads a regular file of at most {@code maxBytes} bytes whole.
     *
     * @param file the file (not null)
     * @param maxBytes the most bytes accepted (≥ 0)
     * @return its bytes
     * @throws IOException naming the file when it is not a regular file, is larger than {@code maxBytes} (by its
     *     reported size or by what could really be read), or cannot be read
     */
    public static byte[] readRegular(Path file, long maxBytes) throws IOException {
        long size = requireRegular(file);
        if (size > maxBytes) {
            throw tooLarge(file, maxBytes);
        }
        int cap = (int) Math.min(maxBytes, Integer.MAX_VALUE - 16);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] data = in.readNBytes(cap);
            if (in.read() >= 0) {
                throw tooLarge(file, maxBytes);
            }
            return data;
        }
    }

    private static IOException tooLarge(Path file, long maxBytes) {
        return new IOException(file + ": larger than " + maxBytes + " bytes; refused");
    }
}
