package io.github.gen3d.sample;

import com.jme3.post.SceneProcessor;
import com.jme3.profile.AppProfiler;
import com.jme3.renderer.RenderManager;
import com.jme3.renderer.ViewPort;
import com.jme3.renderer.queue.RenderQueue;
import com.jme3.texture.FrameBuffer;
import com.jme3.util.BufferUtils;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Reads the frame buffer after a given number of frames and writes it as a PNG (atomically); {@link #await} tells
 * when it is done.
 * Attach it to the last viewport (the GUI viewport) so the picture holds everything.
 */
final class FrameGrabber implements SceneProcessor {
    private final int frames;
    private final Path target;
    private final CountDownLatch done = new CountDownLatch(1);
    private RenderManager rm;
    private int seen;
    private volatile Exception error;

    FrameGrabber(int frames, Path target) {
        this.frames = frames;
        this.target = target;
    }

    boolean await(long seconds) throws InterruptedException {
        return done.await(seconds, TimeUnit.SECONDS);
    }

    Exception error() {
        return error;
    }

    void fail(Exception e) {
        error = e;
        done.countDown();
    }

    @Override
    public void initialize(RenderManager rm, ViewPort vp) {
        this.rm = rm;
    }

    /** A capture asked for by {@link #captureNext}. */
    private volatile java.util.concurrent.CompletableFuture<Path> pending;
    private volatile Path pendingTarget;

    /**
     * Writes the next rendered frame to a PNG (in addition to the frame-count capture, if any).
     *
     * @param png the file (not null)
     * @return completes with the file once written (on the render thread), or exceptionally
     */
    java.util.concurrent.CompletableFuture<Path> captureNext(Path png) {
        java.util.concurrent.CompletableFuture<Path> f = new java.util.concurrent.CompletableFuture<>();
        pendingTarget = png;
        pending = f;
        return f;
    }

    @Override
    public void postFrame(FrameBuffer out) {
        java.util.concurrent.CompletableFuture<Path> f = pending;
        if (f != null) {
            pending = null;
            try {
                write(out, pendingTarget);
                f.complete(pendingTarget);
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        }
        if (++seen != frames) {
            return;
        }
        try {
            write(out, target);
        } catch (IOException e) {
            error = e;
        }
        done.countDown();
    }

    private void write(FrameBuffer out, Path file) throws IOException {
        int w = rm.getCurrentCamera().getWidth();
        int h = rm.getCurrentCamera().getHeight();
        ByteBuffer buf = BufferUtils.createByteBuffer(w * h * 4);
        rm.getRenderer().readFrameBuffer(out, buf);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = ((h - 1 - y) * w + x) * 4; // GL rows are bottom-up; bytes are RGBA
                int r = buf.get(i) & 0xff, g = buf.get(i + 1) & 0xff, b = buf.get(i + 2) & 0xff;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), ".shot", ".png");
        try {
            ImageIO.write(img, "png", tmp.toFile());
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void reshape(ViewPort vp, int w, int h) {
    }

    @Override
    public boolean isInitialized() {
        return rm != null;
    }

    @Override
    public void preFrame(float tpf) {
    }

    @Override
    public void postQueue(RenderQueue rq) {
    }

    @Override
    public void cleanup() {
    }

    @Override
    public void setProfiler(AppProfiler profiler) {
    }
}
