// Gaussian splat vertex shader: one instanced quad per splat; the math is docs/rendering.md.
// Pixel coordinates here follow the spec: x right, y down, pixel (i, j) centred at (i + 0.5, j + 0.5).
#ifndef SH_DEGREE
#define SH_DEGREE 0
#endif
#ifndef SH_TEXELS
#define SH_TEXELS 1
#endif

uniform mat4 g_WorldMatrix;
uniform mat4 g_ViewMatrix;
uniform mat4 g_ProjectionMatrix;
uniform vec2 g_Resolution;
uniform vec3 g_CameraPosition;
uniform vec2 g_FrustumNearFar;
uniform sampler2D m_SplatGeometry;
uniform sampler2D m_SplatSh;
#ifdef GROUPED
// SplatGroup: 4 texels per member, rows 0..2 of its world matrix, then (visible, 0, 0, 0); the member index of a
// splat is the z of its third geometry texel (io.github.gen3d.splat.SplatGroup)
uniform sampler2D m_MemberTransforms;
#endif

in vec3 inPosition;    // quad corner, x and y in {-1, +1}
in float inTexCoord2;  // per instance: the splat index (back-to-front order)

flat out vec4 vColour;          // rgb, opacity
flat out vec3 vConic;           // inverse 2D covariance (a, b, c)
flat out float vRadius;         // half size of the spec's pixel square
noperspective out vec2 vOffset; // pixel position minus the projected centre, in pixels

const float SH_C0 = 0.28209479177387814;
const float SH_C1 = 0.4886025119029199;

vec4 fetchTexel(sampler2D tex, int texel) {
    int w = textureSize(tex, 0).x;
    return texelFetch(tex, ivec2(texel % w, texel / w), 0);
}

// max(0, 0.5 + sum_k sh_k Y_k(d)); layout: coefficient k starts at float 3k of the splat's texels.
vec3 shColour(int splat, vec3 d) {
    int base = splat * SH_TEXELS;
    vec4 t0 = fetchTexel(m_SplatSh, base);
    vec3 c = SH_C0 * t0.xyz;
#if SH_DEGREE >= 1
    vec4 t1 = fetchTexel(m_SplatSh, base + 1);
    vec4 t2 = fetchTexel(m_SplatSh, base + 2);
    float x = d.x, y = d.y, z = d.z;
    c += -SH_C1 * y * vec3(t0.w, t1.xy) + SH_C1 * z * vec3(t1.zw, t2.x) - SH_C1 * x * t2.yzw;
#if SH_DEGREE >= 2
    vec4 t3 = fetchTexel(m_SplatSh, base + 3);
    vec4 t4 = fetchTexel(m_SplatSh, base + 4);
    vec4 t5 = fetchTexel(m_SplatSh, base + 5);
    vec4 t6 = fetchTexel(m_SplatSh, base + 6);
    float xx = x * x, yy = y * y, zz = z * z, xy = x * y, yz = y * z, xz = x * z;
    c += 1.0925484305920792 * xy * t3.xyz
       - 1.0925484305920792 * yz * vec3(t3.w, t4.xy)
       + 0.31539156525252005 * (2.0 * zz - xx - yy) * vec3(t4.zw, t5.x)
       - 1.0925484305920792 * xz * t5.yzw
       + 0.5462742152960396 * (xx - yy) * t6.xyz;
#if SH_DEGREE >= 3
    vec4 t7 = fetchTexel(m_SplatSh, base + 7);
    vec4 t8 = fetchTexel(m_SplatSh, base + 8);
    vec4 t9 = fetchTexel(m_SplatSh, base + 9);
    vec4 t10 = fetchTexel(m_SplatSh, base + 10);
    vec4 t11 = fetchTexel(m_SplatSh, base + 11);
    c += -0.5900435899266435 * y * (3.0 * xx - yy) * vec3(t6.w, t7.xy)
       + 2.890611442640554 * xy * z * vec3(t7.zw, t8.x)
       - 0.4570457994644658 * y * (4.0 * zz - xx - yy) * t8.yzw
       + 0.3731763325901154 * z * (2.0 * zz - 3.0 * xx - 3.0 * yy) * t9.xyz
       - 0.4570457994644658 * x * (4.0 * zz - xx - yy) * vec3(t9.w, t10.xy)
       + 1.445305721320277 * z * (xx - yy) * vec3(t10.zw, t11.x)
       - 0.5900435899266435 * x * (xx - 3.0 * yy) * t11.yzw;
#endif
#endif
#endif
    return max(vec3(0.0), c + 0.5);
}

// sRGB display value -> linear (for gamma-correct pipelines, which encode sRGB when writing the frame buffer)
vec3 srgbToLinear(vec3 c) {
    vec3 lo = c / 12.92;
    vec3 hi = pow((c + 0.055) / 1.055, vec3(2.4));
    return mix(lo, hi, step(vec3(0.04045), c));
}

void cull() {
    // every corner at the same point outside the clip volume: nothing is rasterised
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    vColour = vec4(0.0);
    vConic = vec3(0.0);
    vOffset = vec2(0.0);
    vRadius = 0.0;
}

void main() {
    int splat = int(inTexCoord2 + 0.5);
    vec4 g0 = fetchTexel(m_SplatGeometry, splat * 3);
    vec4 g1 = fetchTexel(m_SplatGeometry, splat * 3 + 1);
    vec4 g2 = fetchTexel(m_SplatGeometry, splat * 3 + 2);
#ifdef GROUPED
    int member = int(g2.z + 0.5) * 4;
    vec4 r0 = fetchTexel(m_MemberTransforms, member);
    vec4 r1 = fetchTexel(m_MemberTransforms, member + 1);
    vec4 r2 = fetchTexel(m_MemberTransforms, member + 2);
    if (!(fetchTexel(m_MemberTransforms, member + 3).x > 0.0)) {
        cull(); // a hidden member (CullHint.Always)
        return;
    }
    mat4 world = transpose(mat4(r0, r1, r2, vec4(0.0, 0.0, 0.0, 1.0)));
#else
    mat4 world = g_WorldMatrix;
#endif

    // 1. centre: cloud -> world -> jME view -> RDF camera (c.z > 0 in front)
    vec4 pw = world * vec4(g0.xyz, 1.0);
    vec4 pv = g_ViewMatrix * pw;
    vec3 c = vec3(pv.x, -pv.y, -pv.z);
    if (!(c.z >= g_FrustumNearFar.x) || g0.w <= 0.0) {
        cull();
        return;
    }

    // 2.-3. covariance: cloud -> world (M3 S M3^T) -> RDF camera (W), then EWA
    mat3 m3 = mat3(world);
    mat3 sigma = mat3(g1.x, g1.y, g1.z,
                      g1.y, g1.w, g2.x,
                      g1.z, g2.x, g2.y);
    mat3 t = mat3(g_ViewMatrix) * m3;
    const vec3 flipYZ = vec3(1.0, -1.0, -1.0);
    t = mat3(t[0] * flipYZ, t[1] * flipYZ, t[2] * flipYZ); // negate rows 1 and 2: jME view -> RDF
    mat3 sc = t * sigma * transpose(t);

    float w = g_Resolution.x;
    float h = g_Resolution.y;
    float fx = 0.5 * w * g_ProjectionMatrix[0][0];
    float fy = 0.5 * h * g_ProjectionMatrix[1][1];
    float cx = 0.5 * w * (1.0 - g_ProjectionMatrix[2][0]);
    float cy = 0.5 * h * (1.0 + g_ProjectionMatrix[2][1]);
    float limX = 1.3 * 0.5 * w / fx;
    float limY = 1.3 * 0.5 * h / fy;
    float tx = clamp(c.x / c.z, -limX, limX);
    float ty = clamp(c.y / c.z, -limY, limY);
    vec3 j0 = vec3(fx / c.z, 0.0, -fx * tx / c.z);
    vec3 j1 = vec3(0.0, fy / c.z, -fy * ty / c.z);
    vec3 s0 = sc * j0;
    vec3 s1 = sc * j1;
    float a = dot(j0, s0) + 0.3;
    float b = dot(j0, s1);
    float d = dot(j1, s1) + 0.3;

    // 4. conic
    float det = a * d - b * b;
    if (!(det > 0.0)) {
        cull();
        return;
    }
    vConic = vec3(d, -b, a) / det;

    // 5. radius and the pixel square [u - r, u + r]^2 the spec draws in
    float mid = 0.5 * (a + d);
    float lambda = mid + sqrt(max(0.1, mid * mid - det));
    float r = ceil(3.0 * sqrt(lambda));
    vec2 centre = vec2(fx * c.x / c.z + cx, fy * c.y / c.z + cy);

    // Only pixels with alpha >= 1/255 survive the fragment test, i.e. Mahalanobis distance^2
    // q = -2 power <= 2 ln(255 o). The quad is the smaller of the spec's square and the rectangle around that
    // ellipse along the eigenvectors of the 2D covariance; the fragment shader still clips to the square, so the
    // set of pixels drawn is exactly the spec's, with fewer fragments discarded.
    float q = 2.0 * log(255.0 * g0.w);
    if (!(q > 0.0)) {
        cull();
        return;
    }
    float m = sqrt(q) * 1.01 + 0.01; // margin for rounding at the rim
    float disc = sqrt(max(0.0, mid * mid - det));
    float l1 = mid + disc;
    float l2 = det / l1; // the smaller eigenvalue, without cancellation
    vec2 v1 = abs(b) > 1e-6 * mid ? normalize(vec2(b, l1 - a)) : (a >= d ? vec2(1.0, 0.0) : vec2(0.0, 1.0));
    vec2 v2 = vec2(-v1.y, v1.x);
    float e1 = m * sqrt(l1);
    float e2 = m * sqrt(l2);
    vec2 offset;
#ifdef SQUARE_QUADS
    if (false) {
#else
    if (e1 * e2 < r * r) {
#endif
        offset = inPosition.x * e1 * v1 + inPosition.y * e2 * v2;
    } else {
        offset = inPosition.xy * r;
    }
    vec2 px = centre + offset;
    vec4 clip = g_ProjectionMatrix * pv;
    gl_Position = vec4(2.0 * px.x / w - 1.0, 1.0 - 2.0 * px.y / h, clip.z / clip.w, 1.0);
    vOffset = offset;
    vRadius = r;

    // 6. colour: view direction rotated into the cloud frame (inverse of the world rotation)
    vec3 dirWorld = normalize(pw.xyz - g_CameraPosition);
    mat3 rot = mat3(normalize(m3[0]), normalize(m3[1]), normalize(m3[2]));
    vec3 rgb = shColour(splat, transpose(rot) * dirWorld);
#ifdef LINEAR_OUTPUT
    rgb = srgbToLinear(rgb);
#endif
    vColour = vec4(rgb, g0.w);
}
