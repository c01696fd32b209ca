/**
 * What instance plugins share to supervise what they run: telling a crash loop from instances that were killed,
 * telling their listeners, and keeping their state files.
 */
package io.infrakit.plugins.supervision;
