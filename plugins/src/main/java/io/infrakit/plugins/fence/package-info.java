/**
 * Fencing of plugin calls by the caller's leadership term: a plugin remembers the newest term it has seen (beside
 * its state, so every process sharing that state agrees) and refuses a call from an older one.
 */
package io.infrakit.plugins.fence;
