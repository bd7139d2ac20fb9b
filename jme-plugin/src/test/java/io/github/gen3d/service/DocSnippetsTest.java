package io.github.gen3d.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.jme3.app.state.AppStateManager;
import com.jme3.asset.AssetManager;
import com.jme3.math.Transform;
import com.jme3.math.Vector3f;
import com.jme3.scene.Node;
import com.jme3.scene.Spatial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generation snippets of the README ("Generating at run time") and docs/service.md are kept here as code the
 * compiler checks (they once did not compile: a checked {@code future().get()}, an {@code .image(BufferedImage)} that
 * does not exist), and the test holds the documents' text equal to it, so the two cannot drift apart.
 */
class DocSnippetsTest {
    // the names the snippets use, as a game has them
    AppStateManager stateManager;
    Node rootNode;
    AssetManager assetManager;
    List<Spatial> selectable = new ArrayList<>();

    @SuppressWarnings("unused")
    void readme() {
        // snippet: README.md
        AssetGenerationState gen = new AssetGenerationState();    // the shipped default model; loads on a worker
        stateManager.attach(gen);
        GenerationJob job = gen.generate(GenerationRequest.builder()
                .category("barrel").seed(7)                        // or .image(path), .image(picture, "name"), .random()
                .output(GenerationRequest.Output.BOTH)             // splats, mesh or both
                .attachTo(rootNode, new Transform(new Vector3f(2, 0.5f, -3)))
                .build());                                         // a placeholder with a progress bar appears at once
        gen.nodeOf(job).thenAccept(node -> { /* on the render thread, once the prop replaced its placeholder */ });
        job.future().thenAccept(result -> {                      // on the worker: never block the render thread on a job
            try {
                result.save(Path.of("assets/Models/Generated"), "barrel-7", AssetFormat.GLB, assetManager);
            } catch (IOException e) {
                System.err.println(e.getMessage());              // names the file and the problem
            }
        });
        // end
    }

    @SuppressWarnings("unused")
    void service() {
        // snippet: docs/service.md
        AssetGenerationState gen = new AssetGenerationState(AssetGenerator.Options.defaults()   // the shipped model
                .withCache(Path.of(System.getProperty("user.home"), ".cache/gen3d"), 512L << 20));
        stateManager.attach(gen);                       // the worker starts loading the model now
        GenerationJob job = gen.generate(GenerationRequest.builder()
                .category("barrel").seed(7)             // or .image(path), .image(picture, "name"), .image(texture), .random()
                .steps(50)                              // guidance left open: the bundle's recommendation (3 here)
                .output(GenerationRequest.Output.BOTH)  // SPLATS, MESH or BOTH
                .mesh(128, 20_000)                      // TSDF resolution, face budget
                .attachTo(rootNode, new Transform(new Vector3f(2, 0.5f, -3)))
                .build());
        job.addListener((j, p) -> System.out.println(p));       // worker thread: step, total, ETA, preview pictures
        gen.nodeOf(job).thenAccept(node -> selectable.add(node)); // render thread, once the prop is in the scene
        // job.cancel() stops it while it is queued or running
        // end
    }

    /** The lines of this source between "// snippet: DOC" and "// end", indentation removed. */
    static List<String> snippet(String doc) throws IOException {
        List<String> src = Files.readAllLines(Path.of("src/test/java/io/github/gen3d/service/DocSnippetsTest.java"));
        int from = src.indexOf("        // snippet: " + doc);
        assertTrue(from >= 0, doc);
        List<String> out = new ArrayList<>();
        for (int i = from + 1; !src.get(i).strip().equals("// end"); i++) {
            out.add(src.get(i).substring(Math.min(8, src.get(i).length())));
        }
        return out;
    }

    /** The lines of the java code block of {@code doc} that contains {@code marker}. */
    static List<String> block(String doc, String marker) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..").resolve(doc));
        List<String> cur = null;
        for (String l : lines) {
            if (l.equals("```java")) {
                cur = new ArrayList<>();
            } else if (l.equals("```") && cur != null) {
                if (cur.stream().anyMatch(x -> x.contains(marker))) {
                    return cur;
                }
                cur = null;
            } else if (cur != null) {
                cur.add(l);
            }
        }
        throw new AssertionError("no java block with " + marker + " in " + doc);
    }

    @Test
    void theDocumentsShowExactlyTheCompiledSnippets() throws IOException {
        for (String doc : new String[] {"README.md", "docs/service.md"}) {
            List<String> want = snippet(doc);
            List<String> got = block(doc, "AssetGenerationState gen = new AssetGenerationState(");
            assertEquals(String.join("\n", want), String.join("\n", got), doc + " differs from DocSnippetsTest");
        }
    }
}
