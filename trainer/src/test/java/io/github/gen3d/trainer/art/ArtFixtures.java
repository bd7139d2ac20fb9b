package io.github.gen3d.trainer.art;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Writes small synthetic 0 A.D.-style art folders for tests: PMD meshes, PNG textures, actors, materials. */
final class ArtFixtures {
    private ArtFixtures() {
    }

    /** A prop point for {@link #pmd}. */
    record Point(String name, float[] t, float[] q, int bone) {
    }

    /**
     * PMD version 4 bytes.
     *
     * @param pos positions (3 per vertex)
     * @param nrm normals
     * @param uv UVs (2 per vertex)
     * @param faces indices
     * @param bones per bone translation (3) and rotation xyzw (4)
     * @param points prop points
     * @return the file bytes
     */
    static byte[] pmd(float[] pos, float[] nrm, float[] uv, int[] faces, float[] bones, List<Point> points) {
        int nv = pos.length / 3;
        int size = 12 + 8 + nv * (24 + 8 + 4 + 16) + 4 + faces.length * 2 + 4 + bones.length * 4 + 4;
        for (Point p : points) {
            size += 4 + p.name().length() + 29;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put("PSMD".getBytes(StandardCharsets.US_ASCII)).putInt(4).putInt(size - 12);
        b.putInt(nv).putInt(1);
        for (int i = 0; i < nv; i++) {
            b.putFloat(pos[3 * i]).putFloat(pos[3 * i + 1]).putFloat(pos[3 * i + 2]);
            b.putFloat(nrm[3 * i]).putFloat(nrm[3 * i + 1]).putFloat(nrm[3 * i + 2]);
            b.putFloat(uv[2 * i]).putFloat(uv[2 * i + 1]);
            b.put(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            b.putFloat(0).putFloat(0).putFloat(0).putFloat(0);
        }
        b.putInt(faces.length / 3);
        for (int f : faces) {
            b.putShort((short) f);
        }
        b.putInt(bones.length / 7);
        for (float f : bones) {
            b.putFloat(f);
        }
        b.putInt(points.size());
        for (Point p : points) {
            b.putInt(p.name().length()).put(p.name().getBytes(StandardCharsets.US_ASCII));
            for (float f : p.t()) {
                b.putFloat(f);
            }
            for (float f : p.q()) {
                b.putFloat(f);
            }
            b.put((byte) (p.bone() < 0 ? 255 : p.bone()));
        }
        return b.array();
    }

    /**
     * An axis-aligned box as 12 triangles with per-face UVs covering [0, 1]².
     *
     * @param sx half size x
     * @param sy half size y
     * @param sz half size z
     * @param cy centre y
     * @return pos, nrm, uv, faces as a 4-element array of arrays (faces as float-encoded ints is avoided: see
     *         {@link #boxFaces})
     */
    static float[][] box(float sx, float sy, float sz, float cy) {
        float[][] n = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
        float[] pos = new float[6 * 4 * 3];
        float[] nrm = new float[6 * 4 * 3];
        float[] uv = new float[6 * 4 * 2];
        for (int f = 0; f < 6; f++) {
            float[] a = n[f];
            float[] u = a[1] != 0 ? new float[] {1, 0, 0} : new float[] {-a[2], 0, a[0]};
            float[] w = cross(a, u);
            float[][] corners = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
            for (int c = 0; c < 4; c++) {
                int v = 4 * f + c;
                for (int k = 0; k < 3; k++) {
                    float p = a[k] + corners[c][0] * u[k] + corners[c][1] * w[k];
                    pos[3 * v + k] = p * (k == 0 ? sx : k == 1 ? sy : sz) + (k == 1 ? cy : 0);
                    nrm[3 * v + k] = a[k];
                }
                uv[2 * v] = (corners[c][0] + 1) / 2;
                uv[2 * v + 1] = (1 - corners[c][1]) / 2; // v = 1 along −w: the top of the side faces
            }
        }
        return new float[][] {pos, nrm, uv};
    }

    /** @return the 12 triangles of {@link #box} */
    static int[] boxFaces() {
        int[] f = new int[36];
        for (int q = 0; q < 6; q++) {
            int o = 4 * q;
            System.arraycopy(new int[] {o, o + 1, o + 2, o, o + 2, o + 3}, 0, f, 6 * q, 6);
        }
        return f;
    }

    private static float[] cross(float[] a, float[] b) {
        return new float[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    static void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A PNG texture: top half {@code top}, bottom half {@code bottom} (ARGB).
     *
     * @param file where
     * @param size side
     * @param top ARGB of rows 0 .. size/2 − 1
     * @param bottom ARGB of the other rows
     * @throws IOException on failure
     */
    static void texture(Path file, int size, int top, int bottom) throws IOException {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.setRGB(x, y, y < size / 2 ? top : bottom);
            }
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }

    /**
     * A small art folder: a body box with a prop point "head" at y = 1.2, a head box propped on it, a quality-level
     * actor with a low-quality mesh variant, a flat decal and a particle actor (both to be skipped), an LOD actor that
     * shares the body's group.
     *
     * @param root the art folder to create
     * @throws IOException on failure
     */
    static void folder(Path root) throws IOException {
        float[][] body = box(0.3f, 0.5f, 0.2f, 0.5f);
        write(root.resolve("meshes/props/body.dae.cached.pmd"), pmd(body[0], body[1], body[2], boxFaces(),
                new float[0], List.of(new Point("prop-head", new float[] {0, 1.2f, 0}, new float[] {0, 0, 0, 1}, -1))));
        write(root.resolve("meshes/props/body_low.dae.cached.pmd"), pmd(body[0], body[1], body[2], boxFaces(),
                new float[0], List.of()));
        float[][] head = box(0.15f, 0.15f, 0.15f, 0f);
        write(root.resolve("meshes/props/head.dae.cached.pmd"), pmd(head[0], head[1], head[2], boxFaces(),
                new float[0], List.of()));
        float[][] flat = box(0.5f, 0.001f, 0.5f, 0f);
        write(root.resolve("meshes/props/decal.dae.cached.pmd"), pmd(flat[0], flat[1], flat[2], boxFaces(),
                new float[0], List.of()));
        texture(root.resolve("textures/skins/props/red_blue.png"), 8, 0xFFFF0000, 0xFF0000FF);
        texture(root.resolve("textures/skins/props/green.png"), 4, 0xFF00FF00, 0xFF00FF00);
        write(root.resolve("materials/default.xml"), "<material><shader effect=\"model\"/></material>");
        write(root.resolve("materials/basic_trans.xml"),
                "<material><define name=\"USE_TRANSPARENT\" value=\"1\"/></material>");
        write(root.resolve("materials/player_trans.xml"),
                "<material><define name=\"USE_PLAYERCOLOR\" value=\"1\"/></material>");
        write(root.resolve("actors/units/soldier.xml"), """
                <actor version="1">
                  <group>
                    <variant frequency="1" name="Base">
                      <mesh>props/body.dae</mesh>
                      <props><prop actor="props/head.xml" attachpoint="head"/></props>
                    </variant>
                  </group>
                  <group>
                    <variant frequency="0" name="never"><textures><texture file="props/green.png" name="baseTex"/></textures></variant>
                    <variant frequency="5" name="always"><textures><texture file="props/red_blue.png" name="baseTex"/></textures></variant>
                  </group>
                  <material>default.xml</material>
                </actor>""");
        write(root.resolve("actors/props/head.xml"), """
                <qualitylevels version="1">
                  <actor quality="low" inline=""/>
                  <actor inline=""/>
                  <inline version="1">
                    <group>
                      <variant minquality="high" frequency="1"><mesh>props/head.dae</mesh></variant>
                      <variant maxquality="high" frequency="1"><mesh>props/body_low.dae</mesh></variant>
                    </group>
                    <group><variant><textures><texture file="props/green.png" name="baseTex"/></textures></variant></group>
                    <material>default.xml</material>
                  </inline>
                </qualitylevels>""");
        write(root.resolve("actors/units/soldier_low.xml"), """
                <actor version="1">
                  <group><variant><mesh>props/body_low.dae</mesh>
                    <textures><texture file="props/red_blue.png" name="baseTex"/></textures></variant></group>
                  <material>player_trans.xml</material>
                </actor>""");
        write(root.resolve("actors/props/decal.xml"), """
                <actor version="1"><group><variant><mesh>props/decal.dae</mesh>
                  <textures><texture file="props/green.png" name="baseTex"/></textures></variant></group></actor>""");
        write(root.resolve("actors/particle/smoke.xml"), """
                <actor version="1"><group><variant><mesh>props/head.dae</mesh></variant></group></actor>""");
    }
}
