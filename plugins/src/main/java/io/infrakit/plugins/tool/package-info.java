/**
 * Command-line tools that instance plugins drive (OpenTofu or Terraform, Vagrant): found on {@code PATH} or by path
 * with a clear error when missing, run with a deadline, their output kept in a log file.
 */
package io.infrakit.plugins.tool;
