package io.github.gen3d.trainer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A tiny reader of the .npy v1.0 files {@link NpyFile} writes (tests only). */
final class NpyReader {
    private static final Pattern DICT = Pattern.compile(
            "\\{'descr': '([<|][a-z][0-9])', 'fortran_order': False, 'shape': \\(([0-9, ]*)\\), \\} *\n");

    /**
     * One array.
     *
     * @param descr the type descriptor
     * @param shape the shape
     * @param data the data, little-endian, positioned at 0
     * @param headerBytes total header length (magic to newline)
     */
    record Array(String descr, long[] shape, ByteBuffer data, int headerBytes) {
        long count() {
            return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        }
    }

    private NpyReader() {
    }

    static Array read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(magic);
        if (!Arrays.equals(magic, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})) {
            throw new IOException("bad magic/version in " + file);
        }
        int len = Short.toUnsignedInt(b.getShort());
        String dict = new String(all, 10, len, StandardCharsets.US_ASCII);
        Matcher m = DICT.matcher(dict);
        if (!m.matches()) {
            throw new IOException("bad header dict " + dict);
        }
        if ((10 + len) % 64 != 0) {
            throw new IOException("header not padded to 64 bytes: " + (10 + len));
        }
        String[] parts = m.group(2).split(",");
        long[] shape = Arrays.stream(parts).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong)
                .toArray();
        if (shape.length == 1 && !m.group(2).endsWith(",")) {
            throw new IOException("1-d shape must be written as (n,): " + m.group(2));
        }
        ByteBuffer data = ByteBuffer.wrap(all, 10 + len, all.length - 10 - len).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        Array a = new Array(m.group(1), shape, data, 10 + len);
        if (data.remaining() != a.count() * NpyFile.itemSize(a.descr())) {
            throw new IOException("data size " + data.remaining() + " does not match " + Arrays.toString(shape));
        }
        return a;
    }
}
