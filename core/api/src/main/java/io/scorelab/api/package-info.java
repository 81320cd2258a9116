/**
 * The extension points of scorelab and their value types. Every implementation is a named
 * component of a {@link io.scorelab.api.Plugin}; configs choose components by name.
 */
package io.scorelab.api;
