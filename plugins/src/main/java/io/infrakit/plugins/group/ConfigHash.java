package io.infrakit.plugins.group;

import com.google.common.io.BaseEncoding;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * InfraKit v0.5's {@code Spec.InstanceHash()}, the {@code infrakit.config_sha} tag value: SHA-1 over the
 * {@link StableFormat} of the Instance section then of the Flavor section, in base32 (RFC 4648 alphabet), lower case,
 * without padding. The allocation is not part of it, so resizing a group never replaces its instances. Bit-exact,
 * so instances made by InfraKit are recognised as up to date.
 */
public final class ConfigHash {

    private ConfigHash() {
    }

    /**
     * @param instance the Instance section; null is Go's zero value
     * @param flavor the Flavor section; null is Go's zero value
     * @throws SpecFormatException when a number in the properties is beyond float64's range
     */
    public static String of(PluginSpec instance, PluginSpec flavor) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
        sha1.update(StableFormat.of(instance).getBytes(StandardCharsets.UTF_8));
        sha1.update(StableFormat.of(flavor).getBytes(StandardCharsets.UTF_8));
        return BaseEncoding.base32().lowerCase().omitPadding().encode(sha1.digest());
    }
}
