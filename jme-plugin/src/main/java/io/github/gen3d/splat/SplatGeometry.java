package io.github.gen3d.splat;

import com.jme3.asset.AssetManager;
import com.jme3.bounding.BoundingBox;
import com.jme3.collision.Collidable;
import com.jme3.collision.CollisionResults;
import com.jme3.material.Material;
import com.jme3.math.Quaternion;
import com.jme3.math.Vector3f;
import com.jme3.renderer.Camera;
import com.jme3.renderer.Limits;
import com.jme3.renderer.RenderManager;
import com.jme3.renderer.ViewPort;
import com.jme3.renderer.queue.RenderQueue;
import com.jme3.scene.Geometry;
import com.jme3.scene.Mesh;
import com.jme3.scene.VertexBuffer;
import com.jme3.scene.control.AbstractControl;
import com.jme3.texture.Texture2D;
import com.jme3.util.BufferUtils;
import com.jme3.util.clone.Cloner;
import java.nio.IntBuffer;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The drawable part of a {@link SplatNode}: a 4-vertex quad drawn instanced once per splat, whose per-instance
 * attribute ({@code inTexCoord2}, one int) is the splat index in back-to-front order. Splat data lives in two
 * data textures built once by {@link SplatData}; only the order buffer is ever re-uploaded.
 *
 * <p>A {@link SortControl} runs in {@code controlRender} (render thread, only when the geometry is not culled):
 * it passes the camera's view direction in the cloud frame to the {@link SplatSorter} and, when the sorter has
 * finished a new order, points the order vertex buffer at that preallocated buffer ({@link VertexBuffer#updateData}
 * with a buffer of the same size, so jME re-uploads it in place). Nothing is allocated per frame.
 */
final class SplatGeometry extends Geometry {
    /** Material definition asset path. */
    static final String MATDEF = "Gen3D/MatDefs/Splat.j3md";
    private static final Logger LOGGER = Logger.getLogger(SplatGeometry.class.getName());

    private GaussianCloud cloud;
    private float[] centres;
    private BoundingBox paddedBound;
    private SplatSorter sorter;
    private VertexBuffer orderBuffer;
    private int shDegreeCap = 3;
    private int textureRows;
    private boolean limitsChecked;
    private Boolean linearOutput;
    private long uploads;
    private final Vector3f tmpDir = new Vector3f();
    private final Quaternion tmpRot = new Quaternion();

    /**
     * Builds the mesh and sorter (no material yet).
     *
     * @param name spatial name (may be null)
     * @param cloud the splats (not null; its positions are copied for the sorter, nothing is copied to the GPU yet)
     */
    SplatGeometry(String name, GaussianCloud cloud) {
        super(name);
        this.cloud = cloud;
        this.centres = cloud.positions().clone();
        this.paddedBound = SplatData.paddedBounds(cloud);
        this.textureRows = Math.max(SplatData.rows(cloud.size(), SplatData.GEOMETRY_TEXELS),
                SplatData.rows(cloud.size(), SplatData.shTexels(cloud.shDegree())));
        setQueueBucket(RenderQueue.Bucket.Transparent);
        setMesh(buildMesh());
        addControl(new SortControl());
    }

    /** Creates a fresh sorter, order buffer and mesh (each geometry, clones included, owns its own). */
    private Mesh buildMesh() {
        int n = cloud.size();
        Mesh m = new Mesh();
        m.setBuffer(VertexBuffer.Type.Position, 3, new float[] {-1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 1, 0});
        m.setBuffer(VertexBuffer.Type.Index, 3, new short[] {0, 1, 2, 0, 2, 3});
        IntBuffer initial;
        if (n == 0) {
            sorter = null;
            initial = BufferUtils.createIntBuffer(1);
            setCullHint(CullHint.Always);
        } else {
            sorter = new SplatSorter(centres, n, getName() == null ? "splats" : getName());
            initial = sorter.front();
        }
        orderBuffer = new VertexBuffer(VertexBuffer.Type.TexCoord2);
        orderBuffer.setupData(VertexBuffer.Usage.Stream, 1, VertexBuffer.Format.Int, initial);
        orderBuffer.setInstanced(true);
        m.setBuffer(orderBuffer);
        m.setBound(paddedBound.clone());
        uploads = 0;
        limitsChecked = false;
        linearOutput = null;
        return m;
    }

    /** @return the cloud (live) */
    GaussianCloud getCloud() {
        return cloud;
    }

    /**
     * Builds the data textures and the material unless a material is already set.
     *
     * @param assetManager loads {@link #MATDEF} (not null)
     */
    void initMaterial(AssetManager assetManager) {
        if (getMaterial() != null) {
            return;
        }
        long t0 = System.nanoTime();
        Texture2D geometry = SplatData.geometryTexture(cloud);
        Texture2D sh = SplatData.shTexture(cloud);
        if (LOGGER.isLoggable(Level.FINE)) {
            LOGGER.fine(String.format(Locale.ROOT,
                    "%s: packed %d splats (SH degree %d) into %dx%d + %dx%d texels in %.1f ms", getName(), cloud.size(), cloud.shDegree(), geometry.getImage().getWidth(),
                    geometry.getImage().getHeight(), sh.getImage().getWidth(), sh.getImage().getHeight(),
                    (System.nanoTime() - t0) / 1e6));
        }
        Material mat = new Material(assetManager, MATDEF);
        mat.setTexture("SplatGeometry", geometry);
        mat.setTexture("SplatSh", sh);
        mat.setInt("ShTexels", SplatData.shTexels(cloud.shDegree()));
        mat.setInt("ShDegree", Math.min(shDegreeCap, cloud.shDegree()));
        setMaterial(mat);
    }

    /**
     * Caps the SH degree the shader evaluates.
     *
     * @param degree 0..3 (values above the cloud's degree act as the cloud's degree)
     */
    void setShDegreeCap(int degree) {
        SphericalHarmonics.coefficientCount(degree); // validates 0..3
        shDegreeCap = degree;
        if (getMaterial() != null) {
            getMaterial().setInt("ShDegree", Math.min(degree, cloud.shDegree()));
        }
    }

    /** @return the SH degree cap */
    int getShDegreeCap() {
        return shDegreeCap;
    }

    /** @return the sorter, null for an empty cloud */
    SplatSorter sorter() {
        return sorter;
    }

    /** @return the order vertex buffer */
    VertexBuffer orderBuffer() {
        return orderBuffer;
    }

    /** @return how many new orders were handed to jME for upload */
    long uploads() {
        return uploads;
    }

    /** Stops the sorter's worker thread (a later render restarts it). */
    void stopSorter() {
        if (sorter != null) {
            sorter.shutdown();
        }
    }

    /**
     * Render thread, before the geometry is queued: checks GPU limits once, requests a sort if the view turned,
     * and swaps a finished order in. Allocates nothing.
     */
    void prepareRender(RenderManager rm, ViewPort vp) {
        if (getMaterial() == null) {
            throw new IllegalStateException("splat geometry '" + getName() + "' has no material: call "
                    + "SplatNode.initMaterial(assetManager) (or pass an AssetManager to the constructor) before "
                    + "it is rendered");
        }
        if (!limitsChecked) {
            Integer max = rm.getRenderer().getLimits().get(Limits.TextureSize);
            if (max != null && (textureRows > max || SplatData.TEX_WIDTH > max)) {
                throw new IllegalStateException("splat geometry '" + getName() + "': " + cloud.size()
                        + " splats need data textures of " + SplatData.TEX_WIDTH + "x" + textureRows
                        + " texels, this GPU allows at most " + max);
            }
            limitsChecked = true;
        }
        // gamma-correct pipelines (jME's default) blend in linear space and encode sRGB at the end: feed them
        // linear colours. Splat colours are sRGB display values.
        boolean linear = rm.getRenderer().isMainFrameBufferSrgb();
        if (linearOutput == null || linearOutput != linear) {
            getMaterial().setBoolean("LinearOutput", linear);
            linearOutput = linear;
        }
        if (sorter == null) {
            return;
        }
        Camera cam = vp.getCamera();
        cam.getDirection(tmpDir);
        tmpRot.set(getWorldRotation()).inverseLocal().multLocal(tmpDir);
        tmpDir.normalizeLocal();
        sorter.update(tmpDir.x, tmpDir.y, tmpDir.z);
        IntBuffer finished = sorter.poll();
        if (finished != null) {
            orderBuffer.updateData(finished);
            uploads++;
        }
    }

    /**
     * Culls this geometry while a {@link SplatGroup} above its node draws the node's splats (the group's single
     * draw replaces this one, and this geometry's sorter then gets no requests and ends by itself); otherwise
     * jME's usual test.
     *
     * @param cam the camera (not null)
     * @return false while grouped, else {@link com.jme3.scene.Spatial#checkCulling}'s answer
     */
    @Override
    public boolean checkCulling(Camera cam) {
        if (getParent() instanceof SplatNode owner && owner.drawnByGroup()) {
            setLastFrustumIntersection(Camera.FrustumIntersect.Outside);
            return false;
        }
        return super.checkCulling(cam);
    }

    /**
     * Keeps the cloud's padded bounds: the mesh's own vertices (a unit quad) say nothing about where splats are.
     */
    @Override
    public void updateModelBound() {
        if (mesh != null) {
            mesh.setBound(paddedBound.clone());
        }
        setBoundRefresh();
    }

    /**
     * Splats are not triangles: ray/triangle picking against them reports nothing (pick against
     * {@link #getWorldBound()} instead).
     *
     * @param other ignored
     * @param results unaffected
     * @return 0
     */
    @Override
    public int collideWith(Collidable other, CollisionResults results) {
        return 0;
    }

    /**
     * Clones share the cloud, its sorter positions and (through the material) the data textures, but get their
     * own mesh, order buffers and sorter, so that each clone sorts for itself.
     */
    @Override
    public void cloneFields(Cloner cloner, Object original) {
        super.cloneFields(cloner, original);
        setMesh(buildMesh());
        // tmpDir/tmpRot stay shared with the original: both only use them inside prepareRender on the render thread
    }

    /** Runs {@link SplatGeometry#prepareRender} for its spatial. */
    static final class SortControl extends AbstractControl {
        @Override
        protected void controlUpdate(float tpf) {
            // sorting is driven by the camera, in controlRender
        }

        @Override
        protected void controlRender(RenderManager rm, ViewPort vp) {
            if (spatial instanceof SplatGeometry g) {
                g.prepareRender(rm, vp);
            }
        }
    }
}
