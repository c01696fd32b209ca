/**
 * What instance plugins share to supervise what they run: telling a crash loop from instances that were killed,
 * telling their listeners.
 */
package io.infrakit.plugins.supervision;
