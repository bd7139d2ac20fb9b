// Gaussian splat fragment shader: Gaussian falloff, premultiplied output (docs/rendering.md, "Per pixel").
flat in vec4 vColour;
flat in vec3 vConic;
flat in float vRadius;
noperspective in vec2 vOffset;

out vec4 outFragColor;

void main() {
    vec2 d = vOffset;
    if (abs(d.x) > vRadius || abs(d.y) > vRadius) {
        discard; // outside the spec's square (the quad may be an oriented rectangle reaching past it)
    }
    float power = -0.5 * (vConic.x * d.x * d.x + vConic.z * d.y * d.y) - vConic.y * d.x * d.y;
    if (power > 0.0) {
        discard;
    }
    float alpha = min(0.99, vColour.a * exp(power));
    if (alpha < 1.0 / 255.0) {
        discard;
    }
    outFragColor = vec4(vColour.rgb * alpha, alpha);
}
