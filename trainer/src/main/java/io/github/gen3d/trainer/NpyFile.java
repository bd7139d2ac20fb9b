package io.github.gen3d.trainer;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Streams one NumPy {@code .npy} (format version 1.0) array to a temporary file next to its target and moves it into
 * place atomically on {@link #commit()}. The shape is fixed up front; the caller must then write exactly
 * {@code product(shape)} elements of the declared type, little-endian, in C order. Not thread-safe.
 */
final class NpyFile implements Closeable {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

    private final Path target;
    private final Path temp;
    private final OutputStream out;
    private final long expectedBytes;
    private final ByteBuffer scratch = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long written;
    private boolean closed;

    /**
     * Opens the temporary file and writes the header.
     *
     * @param target final path (not null)
     * @param descr NumPy type descriptor, e.g. {@code "<f4"} or {@code "|u1"} (not null)
     * @param shape the array shape (not null, unaffected; every extent ≥ 0)
     * @throws IOException if the file cannot be created
     */
    NpyFile(Path target, String descr, long[] shape) throws IOException {
        this.target = target;
        this.temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        this.expectedBytes = count * itemSize(descr);
        this.out = new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16);
        out.write(header(descr, shape));
    }

    /**
     * The complete header: magic, version 1.0, little-endian header length and the dict, padded with spaces and a
     * final newline to a multiple of 64 bytes.
     *
     * @param descr the type descriptor (not null)
     * @param shape the shape (not null, unaffected)
     * @return new bytes
     */
    static byte[] header(String descr, long[] shape) {
        StringBuilder sb = new StringBuilder();
        sb.append("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            sb.append(shape[i]);
            if (shape.length == 1) {
                sb.append(',');
            } else if (i < shape.length - 1) {
                sb.append(", ");
            }
        }
        sb.append("), }");
        int unpadded = MAGIC.length + 2 + sb.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        sb.append(" ".repeat(pad)).append('\n');
        byte[] dict = sb.toString().getBytes(StandardCharsets.US_ASCII);
        if (dict.length > 0xFFFF) {
            throw new IllegalArgumentException("npy header too long: " + dict.length);
        }
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + dict.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) dict.length).put(dict);
        return b.array();
    }

    static int itemSize(String descr) {
        return switch (descr.substring(1)) {
            case "u1", "i1", "b1" -> 1;
            case "f4", "i4", "u4" -> 4;
            case "f8", "i8", "u8" -> 8;
            default -> throw new IllegalArgumentException("unsupported dtype " + descr);
        };
    }

    /** @param data raw bytes (not null, unaffected) */
    void write(byte[] data) throws IOException {
        out.write(data);
        written += data.length;
    }

    /** @param data floats written little-endian (not null, unaffected) */
    void write(float[] data) throws IOException {
        for (float v : data) {
            if (scratch.remaining() < 4) {
                flushScratch();
            }
            scratch.putFloat(v);
        }
        flushScratch();
    }

    /** @param v one float, little-endian */
    void writeFloat(float v) throws IOException {
        write(new float[] {v});
    }

    /** @param v one long, little-endian */
    void writeLong(long v) throws IOException {
        scratch.putLong(v);
        flushScratch();
    }

    private void flushScratch() throws IOException {
        out.write(scratch.array(), 0, scratch.position());
        written += scratch.position();
        scratch.clear();
    }

    /**
     * Closes the stream and atomically moves the file into place.
     *
     * @throws IOException on I/O failure
     * @throws IllegalStateException if the number of bytes written does not match the shape
     */
    void commit() throws IOException {
        out.close();
        closed = true;
        if (written != expectedBytes) {
            Files.deleteIfExists(temp);
            throw new IllegalStateException(target + ": wrote " + written + " data bytes, shape needs "
                    + expectedBytes);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Abandons the file if it was not committed. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Writes a small file atomically (temporary sibling + atomic move).
     *
     * @param target the final path (not null)
     * @param bytes the content (not null)
     * @throws IOException on I/O failure
     */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(temp, bytes);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
