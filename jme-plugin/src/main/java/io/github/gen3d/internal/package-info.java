/** Helpers shared by the plugin's packages; not part of the API. */
package io.github.gen3d.internal;
