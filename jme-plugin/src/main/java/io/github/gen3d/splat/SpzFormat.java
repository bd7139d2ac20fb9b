package io.github.gen3d.splat;

import java.io.IOException;
import java.io.OutputStream;

/**
 * PLACEHOLDER for the Niantic SPZ format (native frame {@link SplatFrame#RUB}) so that {@link SplatIO} can
 * dispatch {@code .spz}; the real implementation lives on the {@code spz} branch and replaces this file at merge.
 */
final class SpzFormat implements SplatFormat {
    @Override
    public String extension() {
        return "spz";
    }

    @Override
    public SplatFrame nativeFrame() {
        return SplatFrame.RUB;
    }

    @Override
    public GaussianCloud read(byte[] data, String name) throws IOException {
        throw new IOException(name + ": SPZ support is not built yet");
    }

    @Override
    public void write(GaussianCloud cloud, OutputStream out) throws IOException {
        throw new IOException("SPZ support is not built yet");
    }
}
