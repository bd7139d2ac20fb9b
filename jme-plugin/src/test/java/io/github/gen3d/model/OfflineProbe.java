package io.github.gen3d.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.net.Proxy;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A separate JVM for {@link OfflineTest}: installs a URL handler that records and refuses every http, https and
 * ftp connection, then either loads the tiny bundle through the runtime and runs it ({@code runtime <folder>}) or
 * starts DJL the way a plain library user would ({@code plain-djl}), and prints {@code ATTEMPTS n} and each
 * attempted URL.
 */
public final class OfflineProbe {
    private OfflineProbe() {
    }

    /**
     * @param args {@code runtime <bundle folder>} or {@code plain-djl}
     * @throws IOException if the bundle fails
     */
    public static void main(String[] args) throws IOException {
        List<String> attempts = new CopyOnWriteArrayList<>();
        URL.setURLStreamHandlerFactory(protocol -> {
            if (!protocol.equals("http") && !protocol.equals("https") && !protocol.equals("ftp")) {
                return null;
            }
            return new URLStreamHandler() {
                @Override
                protected URLConnection openConnection(URL u) throws IOException {
                    attempts.add(u.toString());
                    throw new IOException("network disabled by OfflineProbe: " + u);
                }

                @Override
                protected URLConnection openConnection(URL u, Proxy proxy) throws IOException {
                    return openConnection(u);
                }
            };
        });
        try {
            if (args[0].equals("runtime")) {
                try (ModelBundle bundle = ModelBundle.load(Paths.get(args[1]), DevicePolicy.CPU)) {
                    Tensor eps = bundle.component("denoiser").run(new Tensor(new float[4 * 3 * 64], 1, 4, 3, 8, 8),
                            Tensor.ofInts(7), new Tensor(new float[3 * 64], 1, 3, 8, 8)).get("eps");
                    System.out.println("RAN " + eps);
                }
            } else {
                Engine engine = Engine.getInstance();
                try (NDManager m = engine.newBaseManager()) {
                    System.out.println("RAN " + m.ones(new Shape(2, 2)).sum().getFloat());
                }
            }
        } finally {
            System.out.println("ATTEMPTS " + attempts.size());
            for (String a : attempts) {
                System.out.println("ATTEMPT " + a);
            }
        }
    }
}
