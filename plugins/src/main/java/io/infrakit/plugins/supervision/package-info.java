/** What instance plugins share to supervise what they run: telling a crash loop from instances that were killed. */
package io.infrakit.plugins.supervision;
