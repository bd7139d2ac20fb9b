package io.github.gen3d.splat;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One splat file format: a reader and (optionally) a writer working in the format's own frame
 * ({@link #nativeFrame()}). Frame conversion is done by the caller ({@code SplatIO}).
 *
 * <p>Contract for readers: every problem with the bytes is an {@link IOException} whose message starts with
 * {@code name} and says what is wrong; no other exception type escapes; no allocation larger than the input
 * justifies (a header's counts are checked against {@code data.length} before anything is allocated).
 */
interface SplatFormat {
    /** @return lower-case file extension without the dot, e.g. "ply" */
    String extension();

    /** @return the frame the format stores data in */
    SplatFrame nativeFrame();

    /**
     * Parses a whole file.
     *
     * @param data the file's bytes (not null, unaffected)
     * @param name the file name used in error messages (not null)
     * @return the cloud, in {@link #nativeFrame()}
     * @throws IOException on any malformed input, naming {@code name} and the problem
     */
    GaussianCloud read(byte[] data, String name) throws IOException;

    /**
     * Writes a cloud that is already in {@link #nativeFrame()}.
     *
     * @param cloud the cloud (not null, unaffected)
     * @param out the stream (not null; not closed here)
     * @throws IOException on a write failure
     */
    void write(GaussianCloud cloud, OutputStream out) throws IOException;
}
