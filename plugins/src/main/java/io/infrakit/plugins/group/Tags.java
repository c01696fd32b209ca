package io.infrakit.plugins.group;

/** Tag names the group controller writes on every instance, as InfraKit does. */
public final class Tags {

    /** The group an instance belongs to; the only filter used to list a group's instances. */
    public static final String GROUP = "infrakit.group";

    /** The config hash of the spec an instance was made from. */
    public static final String CONFIG_SHA = "infrakit.config_sha";

    /** The name later InfraKit versions gave the config hash tag; read for adoption, never written. */
    public static final String CONFIG_HASH_LATER = "infrakit.config.hash";

    /** Set by later InfraKit versions and by this controller: the logical ID of a pet. */
    public static final String LOGICAL_ID = "infrakit.logical_id";

    /** The config hash value of an instance made out of band, to be adopted by its group. */
    public static final String BOOTSTRAP = "bootstrap";

    private Tags() {
    }
}
