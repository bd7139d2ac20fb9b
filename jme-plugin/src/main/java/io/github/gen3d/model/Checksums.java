package io.github.gen3d.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of files, streamed in 1 MiB blocks so multi-gigabyte weights never sit in memory, and of byte arrays. */
final class Checksums {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Checksums() {
    }

    /**
     * @param file a file (not null)
     * @return its SHA-256 as 64 lower-case hex digits
     * @throws IOException if it cannot be read
     */
    static String sha256(Path file) throws IOException {
        io.github.gen3d.internal.SafeFiles.requireRegular(file);
        try (InputStream in = Files.newInputStream(file)) {
            return copyAndHash(in, null);
        }
    }

    /**
     * @param bytes bytes already in memory (not null)
     * @return their SHA-256 as 64 lower-case hex digits
     */
    static String sha256(byte[] bytes) {
        try {
            return hex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /**
     * Reads a stream to its end, optionally copying it, and hashes what passed.
     *
     * @param in the source (not null, read to its end, not closed)
     * @param copy where to copy the bytes, or null
     * @return the SHA-256 as 64 lower-case hex digits
     * @throws IOException if reading or writing fails
     */
    static String copyAndHash(InputStream in, OutputStream copy) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("this JVM has no SHA-256", e);
        }
        byte[] buf = new byte[1 << 20];
        int n;
        while ((n = in.read(buf)) != -1) {
            md.update(buf, 0, n);
            if (copy != null) {
                copy.write(buf, 0, n);
            }
        }
        return hex(md.digest());
    }

    static String hex(byte[] bytes) {
        char[] c = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            c[2 * i] = HEX[(bytes[i] >> 4) & 15];
            c[2 * i + 1] = HEX[bytes[i] & 15];
        }
        return new String(c);
    }
}
