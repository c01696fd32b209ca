package io.infrakit.plugins.rpc;

import java.util.Objects;

/**
 * An SPI name and version as a plugin advertises it in its handshake: InfraKit's {@code spi.InterfaceSpec}, written
 * {@code {"Name":"Instance","Version":"0.5.0"}} in a list and {@code "Instance/0.5.0"} as a map key.
 */
public record InterfaceSpec(String name, String version) {

    /** What InfraKit v0.5 (and linuxkit's plugins) speak. */
    public static final InterfaceSpec INSTANCE_0_5_0 = new InterfaceSpec("Instance", "0.5.0");
    /** Destroy gained a context (June 2017). */
    public static final InterfaceSpec INSTANCE_0_6_0 = new InterfaceSpec("Instance", "0.6.0");
    /** InfraKit's last Instance version (its handshake became {@code Handshake.Hello}). */
    public static final InterfaceSpec INSTANCE_0_6_1 = new InterfaceSpec("Instance", "0.6.1");
    public static final InterfaceSpec FLAVOR_0_1_0 = new InterfaceSpec("Flavor", "0.1.0");
    public static final InterfaceSpec FLAVOR_0_1_1 = new InterfaceSpec("Flavor", "0.1.1");
    /** The Group version of InfraKit v0.1 to v0.5 (and until late 2017). */
    public static final InterfaceSpec GROUP_0_1_0 = new InterfaceSpec("Group", "0.1.0");
    /** InfraKit's manager: {@code Manager.IsLeader}. */
    public static final InterfaceSpec MANAGER_0_1_0 = new InterfaceSpec("Manager", "0.1.0");

    public InterfaceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
    }

    /** {@code "Name/Version"}, the key form of {@code Handshake.Types} and {@code Handshake.Hello}. */
    public String encode() {
        return name + "/" + version;
    }

    /** Reads the key form; a key without a slash is a name with an empty version, as InfraKit decodes it. */
    public static InterfaceSpec decode(String encoded) {
        int slash = encoded.indexOf('/');
        return slash < 0 ? new InterfaceSpec(encoded, "")
                : new InterfaceSpec(encoded.substring(0, slash), encoded.substring(slash + 1));
    }

    /** Go's {@code %v} of the struct, {@code {Instance 0.5.0}}: InfraKit's error messages read that way. */
    @Override
    public String toString() {
        return "{" + name + " " + version + "}";
    }
}
