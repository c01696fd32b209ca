/**
 * The {@code terraform} instance plugin: each instance a {@code tf.json} file in one working directory, made real by
 * OpenTofu or Terraform ({@code apply}, a targeted {@code destroy}), listed from the state.
 */
package io.infrakit.plugins.terraform;
