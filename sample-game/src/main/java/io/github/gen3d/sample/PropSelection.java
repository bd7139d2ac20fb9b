package io.github.gen3d.sample;

import com.jme3.app.Application;
import com.jme3.app.state.BaseAppState;
import com.jme3.bounding.BoundingBox;
import com.jme3.bounding.BoundingVolume;
import com.jme3.collision.CollisionResults;
import com.jme3.input.InputManager;
import com.jme3.input.KeyInput;
import com.jme3.input.MouseInput;
import com.jme3.input.controls.ActionListener;
import com.jme3.input.controls.KeyTrigger;
import com.jme3.input.controls.MouseButtonTrigger;
import com.jme3.material.Material;
import com.jme3.math.ColorRGBA;
import com.jme3.math.FastMath;
import com.jme3.math.Quaternion;
import com.jme3.math.Ray;
import com.jme3.math.Vector2f;
import com.jme3.math.Vector3f;
import com.jme3.scene.Geometry;
import com.jme3.scene.Node;
import com.jme3.scene.Spatial;
import com.jme3.scene.debug.WireBox;

/**
 * Selecting and editing placed props: click a prop to select it (a yellow box marks it); arrow keys move it on the
 * ground (Shift: further), {@code ,} / {@code .} rotate it about the vertical, {@code +} / {@code -} scale it,
 * Delete removes it, Esc clears the selection. Picking is by the props' bounds (splats have no triangles).
 */
final class PropSelection extends BaseAppState implements ActionListener {
    private static final String[] ACTIONS = {"sel.pick", "sel.left", "sel.right", "sel.fwd", "sel.back", "sel.rotl",
        "sel.rotr", "sel.grow", "sel.shrink", "sel.delete", "sel.shift"};
    private final Node props;
    private Spatial selected;
    private Geometry marker;
    private boolean shift;

    /** @param props the node whose children can be selected */
    PropSelection(Node props) {
        this.props = props;
    }

    /** @return the selected prop, or null */
    Spatial selected() {
        return selected;
    }

    /**
     * @param prop a child of the props node, or null to clear
     */
    void select(Spatial prop) {
        selected = prop;
        marker.removeFromParent();
        if (prop instanceof Node n) {
            n.attachChild(marker);
        }
    }

    @Override
    protected void initialize(Application app) {
        marker = new Geometry("selection", new WireBox(0.55f, 0.55f, 0.55f));
        Material m = new Material(app.getAssetManager(), "Common/MatDefs/Misc/Unshaded.j3md");
        m.setColor("Color", ColorRGBA.Yellow);
        marker.setMaterial(m);
    }

    @Override
    protected void cleanup(Application app) {
        marker.removeFromParent();
    }

    @Override
    protected void onEnable() {
        InputManager in = getApplication().getInputManager();
        in.addMapping("sel.pick", new MouseButtonTrigger(MouseInput.BUTTON_LEFT));
        in.addMapping("sel.left", new KeyTrigger(KeyInput.KEY_LEFT));
        in.addMapping("sel.right", new KeyTrigger(KeyInput.KEY_RIGHT));
        in.addMapping("sel.fwd", new KeyTrigger(KeyInput.KEY_UP));
        in.addMapping("sel.back", new KeyTrigger(KeyInput.KEY_DOWN));
        in.addMapping("sel.rotl", new KeyTrigger(KeyInput.KEY_COMMA));
        in.addMapping("sel.rotr", new KeyTrigger(KeyInput.KEY_PERIOD));
        in.addMapping("sel.grow", new KeyTrigger(KeyInput.KEY_EQUALS), new KeyTrigger(KeyInput.KEY_ADD));
        in.addMapping("sel.shrink", new KeyTrigger(KeyInput.KEY_MINUS), new KeyTrigger(KeyInput.KEY_SUBTRACT));
        in.addMapping("sel.delete", new KeyTrigger(KeyInput.KEY_DELETE), new KeyTrigger(KeyInput.KEY_BACK));
        in.addMapping("sel.shift", new KeyTrigger(KeyInput.KEY_LSHIFT), new KeyTrigger(KeyInput.KEY_RSHIFT));
        in.addListener(this, ACTIONS);
    }

    @Override
    protected void onDisable() {
        InputManager in = getApplication().getInputManager();
        in.removeListener(this);
        for (String a : ACTIONS) {
            if (in.hasMapping(a)) {
                in.deleteMapping(a);
            }
        }
    }

    @Override
    public void onAction(String name, boolean pressed, float tpf) {
        if (name.equals("sel.shift")) {
            shift = pressed;
            return;
        }
        if (!pressed) {
            return;
        }
        if (name.equals("sel.pick")) {
            Vector2f c = getApplication().getInputManager().getCursorPosition();
            select(pick(c.x, c.y));
            return;
        }
        if (selected == null) {
            return;
        }
        float step = shift ? 1f : 0.25f;
        switch (name) {
            case "sel.left" -> move(-step, 0);
            case "sel.right" -> move(step, 0);
            case "sel.fwd" -> move(0, -step);
            case "sel.back" -> move(0, step);
            case "sel.rotl" -> rotate(15);
            case "sel.rotr" -> rotate(-15);
            case "sel.grow" -> selected.scale(1.1f);
            case "sel.shrink" -> selected.scale(1 / 1.1f);
            case "sel.delete" -> {
                Spatial s = selected;
                select(null);
                s.removeFromParent();
            }
            default -> {
            }
        }
    }

    /** Moves the selection along the ground, relative to the camera's heading. */
    void move(float right, float back) {
        Vector3f dir = getApplication().getCamera().getDirection().clone().setY(0);
        if (dir.lengthSquared() < 1e-6f) {
            dir.set(0, 0, -1);
        }
        dir.normalizeLocal();
        Vector3f side = dir.cross(Vector3f.UNIT_Y);
        selected.move(side.mult(right).addLocal(dir.mult(-back)));
    }

    void rotate(float degrees) {
        selected.rotate(new Quaternion().fromAngleAxis(degrees * FastMath.DEG_TO_RAD, Vector3f.UNIT_Y));
    }

    /** The prop whose bounds the ray through the screen point hits first, or null. */
    Spatial pick(float x, float y) {
        com.jme3.renderer.Camera cam = getApplication().getCamera();
        Vector3f near = cam.getWorldCoordinates(new Vector2f(x, y), 0f);
        Vector3f far = cam.getWorldCoordinates(new Vector2f(x, y), 1f);
        Ray ray = new Ray(near, far.subtractLocal(near).normalizeLocal());
        Spatial best = null;
        float bestDist = Float.MAX_VALUE;
        for (Spatial prop : props.getChildren()) {
            BoundingVolume b = prop.getWorldBound();
            if (b == null) {
                continue;
            }
            CollisionResults r = new CollisionResults();
            if (b.collideWith(ray, r) > 0 && r.getClosestCollision().getDistance() < bestDist) {
                bestDist = r.getClosestCollision().getDistance();
                best = prop;
            }
        }
        return best;
    }

    /** @return the world bounds of the selection, or null */
    BoundingBox selectedBounds() {
        return selected == null || !(selected.getWorldBound() instanceof BoundingBox b) ? null : b;
    }
}
