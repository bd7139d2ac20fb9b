package io.github.gen3d.testing;

import com.jme3.app.SimpleApplication;
import com.jme3.app.state.AppState;
import com.jme3.math.ColorRGBA;
import com.jme3.system.AppSettings;
import com.jme3.system.JmeContext;
import com.jme3.texture.FrameBuffer;
import com.jme3.texture.Image;
import com.jme3.util.BufferUtils;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;

/**
 * A real jME application for GL tests: an offscreen LWJGL3 context (a hidden GLFW window, so it needs an X
 * display: run under {@code xvfb-run}) whose main viewport renders into an RGBA8 + depth frame buffer of the
 * requested size, which {@link #capture()} reads back.
 *
 * <pre>{@code
 * try (HeadlessApp gl = HeadlessApp.start(320, 240)) {
 *     gl.run(app -> app.getRootNode().attachChild(geom));   // on the render thread
 *     gl.renderFrames(3);
 *     BufferedImage img = gl.capture();
 * }
 * }</pre>
 *
 * <p>Every wait is bounded by one deadline for the whole session ({@link #DEFAULT_TIMEOUT_MS} unless given);
 * exceptions thrown on the render thread (in tasks, controls or shaders) fail the waiting test; {@link #close()}
 * always stops the app, also after a failure. Without a display the test fails with a message saying to use
 * xvfb-run, unless {@code -Dgen3d.skipGl=true} is set, in which case it is skipped.
 */
public final class HeadlessApp implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(HeadlessApp.class.getName());
    /** Default limit for a whole session (start, frames, captures). */
    public static final long DEFAULT_TIMEOUT_MS = 60_000;

    /** Work to do on the render thread. */
    @FunctionalInterface
    public interface RenderTask<T> {
        /**
         * @param app the running application (not null)
         * @return any result
         * @throws Exception propagated to the test
         */
        T run(SimpleApplication app) throws Exception;
    }

    /** Work with no result to do on the render thread. */
    @FunctionalInterface
    public interface RenderAction {
        /**
         * @param app the running application (not null)
         * @throws Exception propagated to the test
         */
        void run(SimpleApplication app) throws Exception;
    }

    private final TestApp app;
    private final long deadlineNanos;
    private final int width;
    private final int height;

    private HeadlessApp(TestApp app, int width, int height, long timeoutMs) {
        this.app = app;
        this.width = width;
        this.height = height;
        this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    /**
     * Starts an app with the default session timeout.
     *
     * @param width frame width in pixels
     * @param height frame height in pixels
     * @return the running app (close it)
     */
    public static HeadlessApp start(int width, int height) {
        return start(width, height, DEFAULT_TIMEOUT_MS);
    }

    /**
     * Starts an app and waits until it is initialised.
     *
     * @param width frame width in pixels
     * @param height frame height in pixels
     * @param timeoutMs limit for the whole session
     * @return the running app (close it)
     */
    public static HeadlessApp start(int width, int height, long timeoutMs) {
        return start(width, height, timeoutMs, s -> { });
    }

    /**
     * Starts an app with adjusted settings and waits until it is initialised.
     *
     * @param width frame width in pixels
     * @param height frame height in pixels
     * @param timeoutMs limit for the whole session
     * @param tweak changes the settings before start (not null), e.g. to turn gamma correction on
     * @return the running app (close it)
     */
    public static HeadlessApp start(int width, int height, long timeoutMs, Consumer<AppSettings> tweak) {
        requireDisplay();
        // GLFW on Xvfb now and then fails to create a context (e.g. no primary monitor reported right after a
        // previous app terminated GLFW): retry a failed start, never a failure after the app is running
        AssertionError last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            HeadlessApp h = new HeadlessApp(newApp(width, height, tweak), width, height, timeoutMs);
            try {
                h.app.start(JmeContext.Type.OffscreenSurface, false);
                h.waitFor(() -> h.app.initialised, "the app to start");
                return h;
            } catch (AssertionError e) {
                h.close();
                if (h.app.failure.get() == null) {
                    throw e; // a timeout, not a failed context creation
                }
                last = e;
                LOGGER.log(Level.WARNING, "GL context creation failed (attempt " + attempt + " of 3)", e);
                try {
                    Thread.sleep(300L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            } catch (RuntimeException | Error e) {
                h.close();
                throw e;
            }
        }
        throw last;
    }

    private static TestApp newApp(int width, int height, Consumer<AppSettings> tweak) {
        AppSettings settings = new AppSettings(true);
        settings.setRenderer(AppSettings.LWJGL_OPENGL33);
        settings.setAudioRenderer(null);
        settings.setResolution(width, height);
        settings.setVSync(false);
        settings.setFrameRate(-1);
        settings.setGammaCorrection(false);
        settings.setSamples(0);
        settings.setResizable(false);
        settings.setTitle("gen3d-test");
        tweak.accept(settings);
        TestApp app = new TestApp(width, height);
        app.setSettings(settings);
        app.setShowSettings(false);
        app.setPauseOnLostFocus(false);
        return app;
    }

    /** Fails (or, with -Dgen3d.skipGl=true, skips) when there is no X display. */
    private static void requireDisplay() {
        boolean skip = Boolean.getBoolean("gen3d.skipGl");
        String display = System.getenv("DISPLAY");
        if (skip) {
            Assumptions.assumeTrue(false, "GL tests skipped (-Dgen3d.skipGl=true)");
        }
        if (display == null || display.isEmpty()) {
            throw new AssertionError("GL tests need an X display and none is set (DISPLAY is empty): run them as "
                    + "XDG_RUNTIME_DIR=/tmp xvfb-run -a -s '-screen 0 1280x720x24' mvn ... test, "
                    + "or pass -Dgen3d.skipGl=true to skip them");
        }
    }

    /** @return frame width */
    public int width() {
        return width;
    }

    /** @return frame height */
    public int height() {
        return height;
    }

    /** @return the application (touch its scene only through {@link #run}/{@link #call}) */
    public SimpleApplication app() {
        return app;
    }

    /**
     * Runs a task on the render thread and waits for it.
     *
     * @param task the task (not null)
     * @param <T> result type
     * @return its result
     */
    public <T> T call(RenderTask<T> task) {
        checkAlive();
        // wrapped: jME's AppTask.get(timeout) reports a null result as a timeout
        Future<Object[]> f = app.enqueue(() -> new Object[] {task.run(app)});
        while (true) {
            try {
                @SuppressWarnings("unchecked")
                T result = (T) f.get(20, TimeUnit.MILLISECONDS)[0];
                return result;
            } catch (TimeoutException e) {
                checkAlive();
                if (System.nanoTime() > deadlineNanos) {
                    f.cancel(false);
                    throw new AssertionError("timed out waiting for a render-thread task");
                }
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new AssertionError("render-thread task failed", c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /**
     * Runs an action on the render thread and waits for it.
     *
     * @param action the action (not null)
     */
    public void run(RenderAction action) {
        call(a -> {
            action.run(a);
            return null;
        });
    }

    /**
     * Waits until {@code n} more frames have been rendered.
     *
     * @param n frames (&ge; 0)
     */
    public void renderFrames(int n) {
        long target = app.frames() + n;
        waitFor(() -> app.frames() >= target, n + " frames");
    }

    /**
     * Renders frames until a condition (checked on the render thread between frames) holds or the session times
     * out.
     *
     * @param condition checked once per frame on the render thread
     * @param what description for the timeout message
     */
    public void renderUntil(RenderTask<Boolean> condition, String what) {
        while (!call(condition)) {
            if (System.nanoTime() > deadlineNanos) {
                throw new AssertionError("timed out waiting for " + what);
            }
            renderFrames(1);
        }
    }

    /**
     * Reads the last rendered frame (call {@link #renderFrames} after changing the scene).
     *
     * @return a new ARGB image, top row first: rgb as stored in the frame buffer, alpha from its alpha channel
     */
    public BufferedImage capture() {
        ByteBuffer buf = call(a -> {
            ByteBuffer b = BufferUtils.createByteBuffer(width * height * 4);
            a.getRenderer().readFrameBufferWithFormat(app.frameBuffer, b, Image.Format.RGBA8);
            return b;
        });
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < height; y++) {
            int row = (height - 1 - y) * width * 4; // GL rows are bottom-up
            for (int x = 0; x < width; x++) {
                int o = row + x * 4;
                int r = buf.get(o) & 0xFF, g = buf.get(o + 1) & 0xFF, b = buf.get(o + 2) & 0xFF,
                        al = buf.get(o + 3) & 0xFF;
                img.setRGB(x, y, (al << 24) | (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /**
     * Writes an image as PNG under {@code TestData.out("gpu")}.
     *
     * @param img the image (not null)
     * @param name file name without extension
     * @return the file written
     */
    public static Path savePng(BufferedImage img, String name) {
        Path p = TestData.out("gpu").resolve(name + ".png");
        try {
            ImageIO.write(img, "png", p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /**
     * Stops the app and waits (bounded) until its render thread has ended, so that GLFW is fully terminated before
     * the next app initialises it; safe to call twice.
     */
    @Override
    public void close() {
        Thread stopper = new Thread(() -> app.stop(true), "gen3d-test-stop");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(15_000);
            Thread render = app.renderThread;
            if (render != null) {
                render.join(15_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive() || (app.renderThread != null && app.renderThread.isAlive())) {
            throw new AssertionError("the jME app did not stop within 15 s");
        }
    }

    private void checkAlive() {
        Throwable t = app.failure.get();
        if (t != null) {
            throw new AssertionError("the render thread failed: " + t, t);
        }
    }

    private void waitFor(java.util.function.BooleanSupplier done, String what) {
        synchronized (app.frameLock) {
            while (!done.getAsBoolean()) {
                checkAlive();
                long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("timed out waiting for " + what);
                }
                try {
                    app.frameLock.wait(Math.min(left, 50));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
        checkAlive();
    }

    /** The application: no default states, counts frames, records render-thread failures. */
    private static final class TestApp extends SimpleApplication {
        final Object frameLock = new Object();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean initialised;
        volatile Thread renderThread;
        private long frames;
        private final int w;
        private final int h;
        FrameBuffer frameBuffer;

        TestApp(int w, int h) {
            super(new AppState[0]);
            this.w = w;
            this.h = h;
        }

        @Override
        public void initialize() {
            renderThread = Thread.currentThread();
            super.initialize();
        }

        @Override
        public void simpleInitApp() {
            frameBuffer = new FrameBuffer(w, h, 1);
            frameBuffer.addColorTarget(FrameBuffer.FrameBufferTarget.newTarget(Image.Format.RGBA8));
            frameBuffer.setDepthTarget(FrameBuffer.FrameBufferTarget.newTarget(Image.Format.Depth));
            viewPort.setOutputFrameBuffer(frameBuffer);
            viewPort.setBackgroundColor(ColorRGBA.Black);
            viewPort.setClearFlags(true, true, true);
            guiViewPort.setEnabled(false);
            synchronized (frameLock) {
                initialised = true;
                frameLock.notifyAll();
            }
        }

        @Override
        public void update() {
            super.update();
            synchronized (frameLock) {
                frames++;
                frameLock.notifyAll();
            }
        }

        long frames() {
            synchronized (frameLock) {
                return frames;
            }
        }

        @Override
        public void handleError(String errMsg, Throwable t) {
            if (renderThread == null) {
                renderThread = Thread.currentThread();
            }
            Throwable e = t != null ? t : new IllegalStateException(errMsg);
            failure.compareAndSet(null, e);
            synchronized (frameLock) {
                frameLock.notifyAll();
            }
            stop();
        }
    }
}
