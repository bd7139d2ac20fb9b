package io.github.gen3d.sample; class Placeholder {}
