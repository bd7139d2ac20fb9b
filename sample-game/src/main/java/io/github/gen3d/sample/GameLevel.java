package io.github.gen3d.sample;

import com.jme3.asset.AssetManager;
import com.jme3.light.AmbientLight;
import com.jme3.light.DirectionalLight;
import com.jme3.material.Material;
import com.jme3.material.RenderState;
import com.jme3.math.ColorRGBA;
import com.jme3.math.FastMath;
import com.jme3.math.Vector3f;
import com.jme3.renderer.queue.RenderQueue;
import com.jme3.scene.Geometry;
import com.jme3.scene.Node;
import com.jme3.scene.Spatial;
import com.jme3.scene.VertexBuffer;
import com.jme3.scene.shape.Box;
import com.jme3.scene.shape.Sphere;
import com.jme3.util.BufferUtils;
import java.nio.FloatBuffer;
import java.util.Random;

/**
 * A small level: a lit ground plane at y = 0 with a few stones and posts for scale, a gradient sky dome; a sun
 * and ambient light for the whole scene ({@link #light}). Props generated in the model's frame stand on the ground
 * when raised by {@link #PROP_LIFT}.
 */
final class GameLevel {
    /** Generated props have their base at y ≈ −0.5 in their own frame. */
    static final float PROP_LIFT = 0.5f;
    /** Half the ground's side. */
    static final float HALF_SIZE = 20f;

    private GameLevel() {
    }

    static Node build(AssetManager assets) {
        Node level = new Node("level");
        Geometry ground = new Geometry("ground", new Box(HALF_SIZE, 0.05f, HALF_SIZE));
        ground.setMaterial(lit(assets, new ColorRGBA(0.42f, 0.52f, 0.36f, 1)));
        ground.setLocalTranslation(0, -0.05f, 0);
        level.attachChild(ground);
        Random rnd = new Random(3);
        for (int i = 0; i < 14; i++) {
            float a = rnd.nextFloat() * FastMath.TWO_PI;
            float r = 6 + rnd.nextFloat() * 10;
            float h = 0.2f + rnd.nextFloat() * 1.2f;
            Geometry post = new Geometry("post-" + i, new Box(0.15f + rnd.nextFloat() * 0.2f, h,
                    0.15f + rnd.nextFloat() * 0.2f));
            post.setMaterial(lit(assets, new ColorRGBA(0.55f, 0.5f, 0.45f, 1)));
            post.setLocalTranslation(r * FastMath.cos(a), h, r * FastMath.sin(a));
            level.attachChild(post);
        }
        level.attachChild(sky(assets));
        return level;
    }

    /**
     * Adds the sun and the ambient light to the scene's root, so that they light everything in the scene: the
     * level and generated meshes placed elsewhere (a light on the level node would light only the level).
     *
     * @param root the scene root
     */
    static void light(Node root) {
        root.addLight(new AmbientLight(new ColorRGBA(0.45f, 0.45f, 0.5f, 1)));
        root.addLight(new DirectionalLight(new Vector3f(-0.4f, -0.8f, -0.45f).normalizeLocal(),
                new ColorRGBA(0.9f, 0.88f, 0.8f, 1)));
    }

    static Material lit(AssetManager assets, ColorRGBA c) {
        Material m = new Material(assets, "Common/MatDefs/Light/Lighting.j3md");
        m.setBoolean("UseMaterialColors", true);
        m.setColor("Diffuse", c);
        m.setColor("Ambient", c);
        return m;
    }

    /** A dome whose vertex colours fade from horizon haze to a deep blue zenith. */
    private static Spatial sky(AssetManager assets) {
        Sphere s = new Sphere(24, 32, 200f, false, true);
        FloatBuffer pos = s.getFloatBuffer(VertexBuffer.Type.Position);
        FloatBuffer col = BufferUtils.createFloatBuffer(s.getVertexCount() * 4);
        ColorRGBA horizon = new ColorRGBA(0.78f, 0.85f, 0.92f, 1);
        ColorRGBA zenith = new ColorRGBA(0.25f, 0.45f, 0.8f, 1);
        for (int i = 0; i < s.getVertexCount(); i++) {
            float y = pos.get(3 * i + 1) / 200f;
            float t = FastMath.clamp(y * 1.6f, 0, 1);
            ColorRGBA c = new ColorRGBA().interpolateLocal(horizon, zenith, t);
            col.put(c.r).put(c.g).put(c.b).put(1);
        }
        col.flip();
        s.setBuffer(VertexBuffer.Type.Color, 4, col);
        Geometry g = new Geometry("sky", s);
        Material m = new Material(assets, "Common/MatDefs/Misc/Unshaded.j3md");
        m.setBoolean("VertexColor", true);
        m.getAdditionalRenderState().setFaceCullMode(RenderState.FaceCullMode.Off);
        g.setMaterial(m);
        g.setQueueBucket(RenderQueue.Bucket.Sky);
        g.setCullHint(Spatial.CullHint.Never);
        return g;
    }
}
