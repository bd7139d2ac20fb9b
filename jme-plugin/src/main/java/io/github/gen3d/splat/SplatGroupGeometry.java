package io.github.gen3d.splat;

import com.jme3.bounding.BoundingBox;
import com.jme3.collision.Collidable;
import com.jme3.collision.CollisionResults;
import com.jme3.material.Material;
import com.jme3.math.Matrix4f;
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
import com.jme3.texture.Image;
import com.jme3.texture.Texture;
import com.jme3.texture.Texture2D;
import com.jme3.texture.image.ColorSpace;
import com.jme3.util.BufferUtils;
import com.jme3.util.clone.Cloner;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The single draw of a {@link SplatGroup}: all members' splats concatenated into one pair of data textures
 * ({@link SplatData#geometryTexture(List)}, {@link SplatData#shTexture(List, int)}, member index in each splat's
 * third geometry texel), one instanced quad per splat in one global back-to-front order, and a small RGBA32F
 * texture with each member's current world matrix ({@link #MEMBER_TEXELS} texels per member: rows 0..2, then
 * {@code (visible, 0, 0, 0)}), which the grouped shader path ({@code GROUPED}, set by the {@code MemberTransforms}
 * parameter) uses instead of {@code g_WorldMatrix}.
 *
 * <p>Render thread, each frame it is not culled ({@link GroupControl#controlRender}): copies the members' world
 * matrices and visibility into the member texture when they changed (a few dozen bytes per member), requests a
 * new global sort from its {@link SplatSorter} when the view direction turned by more than
 * {@link SplatSorter#DEFAULT_TURN_DEGREES} or any member moved, and swaps a finished order in. Allocates nothing per
 * frame. {@link #rebuild} (membership changes) packs and allocates everything anew.
 */
final class SplatGroupGeometry extends Geometry {
    /** Texels per member in the member texture. */
    static final int MEMBER_TEXELS = 4;
    /** Members per row of the member texture. */
    static final int MEMBERS_PER_ROW = 256;
    private static final Logger LOGGER = Logger.getLogger(SplatGroupGeometry.class.getName());

    /** The members' splat geometries (their world matrices are the members' cloud → world transforms). */
    private SplatGeometry[] members = new SplatGeometry[0];
    private SplatNode[] owners = new SplatNode[0];
    private int splats;
    private int packedDegree;
    private SplatSorter sorter;
    private VertexBuffer orderBuffer;
    private Image memberImage;
    private FloatBuffer memberData;
    private int textureRows;
    private boolean limitsChecked;
    private Boolean linearOutput;
    private long uploads;
    private long memberUploads;
    private long rebuilds;
    /** What the member texture holds: 16 floats per member. */
    private float[] written = new float[0];
    /** Member matrices (12 floats each) of the last sort request. */
    private float[] requested = new float[0];
    /** Per-member planes for the sorter (scratch). */
    private float[] planes = new float[0];
    private boolean requestedOnce;
    private float lastX, lastY, lastZ;
    private final float cosTurn = (float) Math.cos(Math.toRadians(SplatSorter.DEFAULT_TURN_DEGREES));
    private final Vector3f tmpDir = new Vector3f();
    /** Union of the members' world bounds, in world coordinates; null while there is nothing to draw. */
    private BoundingBox union;

    /**
     * An empty group geometry (culled until {@link #rebuild} gives it members).
     *
     * @param name spatial name (may be null)
     * @param material the splat material (not null; textures are set by {@link #rebuild})
     */
    SplatGroupGeometry(String name, Material material) {
        super(name);
        setQueueBucket(RenderQueue.Bucket.Transparent);
        setMaterial(material);
        setMesh(emptyMesh());
        setCullHint(CullHint.Always);
        addControl(new GroupControl());
    }

    private static Mesh quadMesh() {
        Mesh m = new Mesh();
        m.setBuffer(VertexBuffer.Type.Position, 3, new float[] {-1, -1, 0, 1, -1, 0, 1, 1, 0, -1, 1, 0});
        m.setBuffer(VertexBuffer.Type.Index, 3, new short[] {0, 1, 2, 0, 2, 3});
        return m;
    }

    private Mesh emptyMesh() {
        Mesh m = quadMesh();
        orderBuffer = new VertexBuffer(VertexBuffer.Type.TexCoord2);
        orderBuffer.setupData(VertexBuffer.Usage.Stream, 1, VertexBuffer.Format.Int, BufferUtils.createIntBuffer(1));
        orderBuffer.setInstanced(true);
        m.setBuffer(orderBuffer);
        m.setBound(new BoundingBox(new Vector3f(), 0, 0, 0));
        return m;
    }

    /**
     * Packs the members' clouds (render thread; allocates): concatenated data textures, positions for the sorter,
     * a new sorter (the old one is stopped), order buffer, mesh and member texture. No members, or no splats, give
     * an empty, culled geometry.
     *
     * @param nodes the members, in member-index order (not null, unaffected)
     * @param degree SH degree to pack (the smaller of the group's cap and the highest member degree)
     */
    void rebuild(List<SplatNode> nodes, int degree) {
        long t0 = System.nanoTime();
        stopSorter();
        sorter = null;
        int count = nodes.size();
        owners = nodes.toArray(new SplatNode[0]);
        members = new SplatGeometry[count];
        List<GaussianCloud> clouds = new ArrayList<>(count);
        int[] starts = new int[count + 1];
        for (int m = 0; m < count; m++) {
            members[m] = owners[m].splatGeometry();
            GaussianCloud c = owners[m].getCloud();
            clouds.add(c);
            starts[m + 1] = starts[m] + c.size();
        }
        splats = SplatData.totalSplats(clouds);
        packedDegree = degree;
        rebuilds++;
        uploads = 0;
        memberUploads = 0;
        limitsChecked = false;
        linearOutput = null;
        requestedOnce = false;
        written = new float[16 * count];
        requested = new float[12 * count];
        planes = new float[4 * count];
        Material mat = getMaterial();
        // the previous pack's GPU objects: freed by jME on the render thread once replaced (no-op if never uploaded)
        Image[] oldImages = {textureImage(mat, "SplatGeometry"), textureImage(mat, "SplatSh"), memberImage};
        VertexBuffer oldOrder = orderBuffer;
        try {
            pack(clouds, starts, degree, mat);
        } finally {
            for (Image img : oldImages) {
                if (img != null && img != memberImage) {
                    img.dispose();
                }
            }
            if (oldOrder != null && oldOrder != orderBuffer) {
                oldOrder.dispose();
            }
        }
        if (LOGGER.isLoggable(Level.FINE)) {
            LOGGER.fine(String.format(Locale.ROOT, "%s: packed %d members, %d splats (SH degree %d) in %.1f ms",
                    getName(), count, splats, degree, (System.nanoTime() - t0) / 1e6));
        }
    }

    private static Image textureImage(Material mat, String param) {
        return mat.getTextureParam(param) == null ? null : mat.getTextureParam(param).getTextureValue().getImage();
    }

    private void pack(List<GaussianCloud> clouds, int[] starts, int degree, Material mat) {
        int count = clouds.size();
        if (splats == 0) {
            setMesh(emptyMesh());
            mat.clearParam("SplatGeometry");
            mat.clearParam("SplatSh");
            mat.clearParam("MemberTransforms");
            memberImage = null;
            memberData = null;
            setCullHint(CullHint.Always);
            union = null;
            return;
        }
        float[] positions = new float[3 * splats];
        for (int m = 0; m < count; m++) {
            System.arraycopy(clouds.get(m).positions(), 0, positions, 3 * starts[m], 3 * clouds.get(m).size());
        }
        sorter = new SplatSorter(positions, starts, getName() == null ? "group" : getName());
        Texture2D geometry = SplatData.geometryTexture(clouds);
        Texture2D sh = SplatData.shTexture(clouds, degree);
        textureRows = Math.max(SplatData.rows(splats, SplatData.GEOMETRY_TEXELS),
                SplatData.rows(splats, SplatData.shTexels(degree)));
        Mesh mesh = quadMesh();
        orderBuffer = new VertexBuffer(VertexBuffer.Type.TexCoord2);
        orderBuffer.setupData(VertexBuffer.Usage.Stream, 1, VertexBuffer.Format.Int, sorter.front());
        orderBuffer.setInstanced(true);
        mesh.setBuffer(orderBuffer);
        mesh.setBound(new BoundingBox(new Vector3f(), 0, 0, 0)); // the world bound is the members' union instead
        setMesh(mesh);
        mat.setTexture("SplatGeometry", geometry);
        mat.setTexture("SplatSh", sh);
        mat.setInt("ShTexels", SplatData.shTexels(degree));
        mat.setTexture("MemberTransforms", memberTexture(count));
        setCullHint(CullHint.Inherit);
    }

    /** A member texture for {@code count} members, every member hidden until the first frame writes it. */
    private Texture2D memberTexture(int count) {
        int width = MEMBER_TEXELS * Math.min(count, MEMBERS_PER_ROW);
        int rows = (count + MEMBERS_PER_ROW - 1) / MEMBERS_PER_ROW;
        ByteBuffer bytes = BufferUtils.createByteBuffer(16 * width * rows);
        memberData = bytes.asFloatBuffer();
        for (int k = 0; k < memberData.capacity(); k++) {
            memberData.put(k, 0f);
        }
        java.util.Arrays.fill(written, Float.NaN); // forces the first write
        memberImage = new Image(Image.Format.RGBA32F, width, rows, bytes, ColorSpace.Linear);
        Texture2D tex = new Texture2D(memberImage);
        tex.setMinFilter(Texture.MinFilter.NearestNoMipMaps);
        tex.setMagFilter(Texture.MagFilter.Nearest);
        tex.setWrap(Texture.WrapMode.EdgeClamp);
        tex.setName("splat group members");
        return tex;
    }

    /** @return members drawn */
    int memberCount() {
        return members.length;
    }

    /** @return splats drawn (all members) */
    int splatCount() {
        return splats;
    }

    /** @return the SH degree packed into the SH texture */
    int packedDegree() {
        return packedDegree;
    }

    /** @return the group sorter, null when there is nothing to draw */
    SplatSorter sorter() {
        return sorter;
    }

    /** @return the order vertex buffer */
    VertexBuffer orderBuffer() {
        return orderBuffer;
    }

    /** @return orders handed to jME since the last rebuild */
    long uploads() {
        return uploads;
    }

    /** @return member-texture updates since the last rebuild */
    long memberUploads() {
        return memberUploads;
    }

    /** @return how many times the data was packed */
    long rebuilds() {
        return rebuilds;
    }

    /** Stops the group sorter's worker (a later render restarts it). */
    void stopSorter() {
        if (sorter != null) {
            sorter.shutdown();
        }
    }

    /**
     * Sets this geometry's world bound to the union of the members' world bounds (render thread, after the
     * members' geometric state was updated). Allocates nothing once the union box exists.
     */
    void updateUnionBound() {
        if (members.length == 0 || splats == 0) {
            return;
        }
        if (union == null) {
            union = new BoundingBox();
        }
        boolean first = true;
        for (SplatGeometry g : members) {
            if (!(g.getWorldBound() instanceof BoundingBox b)) {
                continue;
            }
            if (first) {
                b.clone(union);
                first = false;
            } else {
                union.mergeLocal(b);
            }
        }
        if (!first) {
            worldBound = union.clone(worldBound);
        }
    }

    /** Keeps the members' union as the world bound (the mesh itself is a unit quad placed by the shader). */
    @Override
    protected void updateWorldBound() {
        super.updateWorldBound();
        if (union != null && splats > 0) {
            worldBound = union.clone(worldBound);
        }
    }

    /**
     * Render thread, before the geometry is queued: checks GPU limits, writes changed member matrices, requests a
     * sort when the view turned or a member moved, and swaps a finished order in. Allocates nothing.
     */
    void prepareRender(RenderManager rm, ViewPort vp) {
        if (sorter == null) {
            return;
        }
        if (!limitsChecked) {
            Integer max = rm.getRenderer().getLimits().get(Limits.TextureSize);
            if (max != null && (textureRows > max || SplatData.TEX_WIDTH > max || memberImage.getHeight() > max)) {
                throw new IllegalStateException("splat group '" + getName() + "': " + splats + " splats need data "
                        + "textures of " + SplatData.TEX_WIDTH + "x" + textureRows + " texels, this GPU allows at "
                        + "most " + max);
            }
            limitsChecked = true;
        }
        boolean linear = rm.getRenderer().isMainFrameBufferSrgb();
        if (linearOutput == null || linearOutput != linear) {
            getMaterial().setBoolean("LinearOutput", linear);
            linearOutput = linear;
        }
        boolean moved = writeMembers();
        Camera cam = vp.getCamera();
        cam.getDirection(tmpDir).normalizeLocal();
        float dx = tmpDir.x, dy = tmpDir.y, dz = tmpDir.z;
        boolean turned = !requestedOnce || lastX * dx + lastY * dy + lastZ * dz < cosTurn;
        if (turned || moved) {
            for (int m = 0; m < members.length; m++) {
                Matrix4f w = members[m].getWorldMatrix();
                int r = 12 * m;
                float[] q = requested;
                q[r] = w.m00; q[r + 1] = w.m01; q[r + 2] = w.m02; q[r + 3] = w.m03;
                q[r + 4] = w.m10; q[r + 5] = w.m11; q[r + 6] = w.m12; q[r + 7] = w.m13;
                q[r + 8] = w.m20; q[r + 9] = w.m21; q[r + 10] = w.m22; q[r + 11] = w.m23;
                depthPlane(w, dx, dy, dz, planes, 4 * m);
            }
            if (sorter.request(planes)) {
                requestedOnce = true;
                lastX = dx;
                lastY = dy;
                lastZ = dz;
            }
        }
        IntBuffer finished = sorter.poll();
        if (finished != null) {
            orderBuffer.updateData(finished);
            uploads++;
        }
    }

    /**
     * The plane giving a member's splat depths along a world direction: {@code dot(M·p, dir) = a·x + b·y + c·z + w}
     * with {@code (a, b, c) = M3ᵀ·dir} and {@code w = dot(t, dir)} for {@code M = [M3 | t]}.
     *
     * @param world the member's cloud → world matrix (not null, unaffected; affine)
     * @param dx direction x (world)
     * @param dy direction y
     * @param dz direction z
     * @param out receives a, b, c, w (not null, modified)
     * @param off where in out
     */
    static void depthPlane(Matrix4f world, float dx, float dy, float dz, float[] out, int off) {
        Matrix4f w = world;
        out[off] = w.m00 * dx + w.m10 * dy + w.m20 * dz;
        out[off + 1] = w.m01 * dx + w.m11 * dy + w.m21 * dz;
        out[off + 2] = w.m02 * dx + w.m12 * dy + w.m22 * dz;
        out[off + 3] = w.m03 * dx + w.m13 * dy + w.m23 * dz;
    }

    /**
     * Copies each member's world matrix and visibility into the member texture where they changed.
     *
     * @return true if a member's matrix differs from the one of the last sort request
     */
    private boolean writeMembers() {
        boolean changed = false;
        boolean moved = false;
        for (int m = 0; m < members.length; m++) {
            Matrix4f w = members[m].getWorldMatrix();
            float visible = owners[m].getCullHint() == CullHint.Always ? 0f : 1f;
            int o = 16 * m;
            changed |= put(o, w.m00) | put(o + 1, w.m01) | put(o + 2, w.m02) | put(o + 3, w.m03)
                    | put(o + 4, w.m10) | put(o + 5, w.m11) | put(o + 6, w.m12) | put(o + 7, w.m13)
                    | put(o + 8, w.m20) | put(o + 9, w.m21) | put(o + 10, w.m22) | put(o + 11, w.m23)
                    | put(o + 12, visible);
            int r = 12 * m;
            float[] q = requested;
            moved |= q[r] != w.m00 || q[r + 1] != w.m01 || q[r + 2] != w.m02 || q[r + 3] != w.m03
                    || q[r + 4] != w.m10 || q[r + 5] != w.m11 || q[r + 6] != w.m12 || q[r + 7] != w.m13
                    || q[r + 8] != w.m20 || q[r + 9] != w.m21 || q[r + 10] != w.m22 || q[r + 11] != w.m23;
        }
        if (changed) {
            memberImage.setUpdateNeeded();
            memberUploads++;
        }
        return moved;
    }

    /** Writes one float of the member texture if it changed; true if it did. */
    private boolean put(int index, float value) {
        if (Float.floatToIntBits(written[index]) == Float.floatToIntBits(value)) {
            return false;
        }
        written[index] = value;
        memberData.put(index, value);
        return true;
    }

    /**
     * Splats are not triangles: picking reports nothing (pick against the members' bounds instead).
     *
     * @param other ignored
     * @param results unaffected
     * @return 0
     */
    @Override
    public int collideWith(Collidable other, CollisionResults results) {
        return 0;
    }

    /** A clone starts empty; its group packs its own members on its next update. */
    @Override
    public void cloneFields(Cloner cloner, Object original) {
        super.cloneFields(cloner, original);
        members = new SplatGeometry[0];
        owners = new SplatNode[0];
        splats = 0;
        sorter = null;
        union = null;
        written = new float[0];
        requested = new float[0];
        planes = new float[0];
        // the cloned material still names the original's textures: drop them, so that the clone's first pack
        // (which frees the textures it replaces) never frees the original's; clone(false) shares the material
        if (original instanceof Geometry o && o.getMaterial() == getMaterial()) {
            setMaterial(getMaterial().clone());
        }
        getMaterial().clearParam("SplatGeometry");
        getMaterial().clearParam("SplatSh");
        getMaterial().clearParam("MemberTransforms");
        memberImage = null;
        memberData = null;
        setMesh(emptyMesh());
        setCullHint(CullHint.Always);
    }

    /** Runs {@link SplatGroupGeometry#prepareRender} for its spatial. */
    static final class GroupControl extends AbstractControl {
        @Override
        protected void controlUpdate(float tpf) {
            // driven by the camera, in controlRender
        }

        @Override
        protected void controlRender(RenderManager rm, ViewPort vp) {
            if (spatial instanceof SplatGroupGeometry g) {
                g.prepareRender(rm, vp);
            }
        }
    }
}
