package io.infrakit.plugins.maas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.spi.PluginException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the plugin asks MAAS, as MAAS's API documents it: the key, the signature, the calls of each version. */
class MaasRequestsTest {

    @Test
    void anApiKeySignsWithPlaintextAndNeverShowsItsSecret() {
        ApiKey key = ApiKey.parse(" ck:tk:s3cr+t\n");
        assertThat(key.authorization("n0nce", 1700000000)).isEqualTo("OAuth realm=\"\", oauth_consumer_key=\"ck\", "
                + "oauth_token=\"tk\", oauth_signature_method=\"PLAINTEXT\", oauth_signature=\"%26s3cr%2Bt\", "
                + "oauth_timestamp=\"1700000000\", oauth_nonce=\"n0nce\", oauth_version=\"1.0\"");
        assertThat(key.toString()).doesNotContain("s3cr");
        assertThatThrownBy(() -> ApiKey.parse("only:two")).isInstanceOf(PluginException.class)
                .hasMessageNotContaining("only");
        assertThatThrownBy(() -> ApiKey.parse("a::c")).isInstanceOf(PluginException.class);
        assertThat(ApiKey.encode("a b~c*")).isEqualTo("a%20b~c%2A");
    }

    @Test
    void version2AllocatesDeploysAndReleasesMachines() {
        MaasVersion v = MaasVersion.of("2.0");
        assertThat(v.allocate(Map.of("zone", List.of("z1"))))
                .isEqualTo(new MaasCall("POST", "machines/", "allocate", Map.of("zone", List.of("z1"))));
        assertThat(v.deploy("abc", "ZWNobw==", "jammy")).isEqualTo(new MaasCall("POST", "machines/abc/", "deploy",
                Map.of("user_data", List.of("ZWNobw=="), "distro_series", List.of("jammy"))));
        assertThat(v.deploy("abc", null, "")).isEqualTo(new MaasCall("POST", "machines/abc/", "deploy", Map.of()));
        assertThat(v.release("abc")).isEqualTo(new MaasCall("POST", "machines/abc/", "release", Map.of()));
        assertThat(v.abort("abc").op()).isEqualTo("abort");
        assertThat(v.list()).isEqualTo(new MaasCall("GET", "machines/", null, Map.of()));
        assertThat(v.read("abc")).isEqualTo(new MaasCall("GET", "machines/abc/", null, Map.of()));
        assertThat(v.tags()).isEqualTo(new MaasCall("GET", "tags/", null, Map.of()));
        assertThat(v.newTag("t", "k=v")).isEqualTo(new MaasCall("POST", "tags/", null,
                Map.of("name", List.of("t"), "comment", List.of("k=v"))));
        assertThat(v.updateNodes("t", List.of("a"), List.of())).isEqualTo(new MaasCall("POST", "tags/t/",
                "update_nodes", Map.of("add", List.of("a"))));
    }

    @Test
    void version1AcquiresStartsAndReleasesNodes() {
        MaasVersion v = MaasVersion.of("1.0");
        assertThat(v.allocate(Map.of())).isEqualTo(new MaasCall("POST", "nodes/", "acquire", Map.of()));
        assertThat(v.deploy("n1", "eA==", null).op()).isEqualTo("start");
        assertThat(v.abort("n1").op()).isEqualTo("abort_operation");
        assertThat(v.list()).isEqualTo(new MaasCall("GET", "nodes/", "list", Map.of()));
        assertThat(v.newTag("t", "k=v").op()).isEqualTo("new");
        assertThat(v.updateNodes("t", List.of(), List.of("n1")).fields()).isEqualTo(Map.of("remove", List.of("n1")));
        assertThatThrownBy(() -> MaasVersion.of("3.0")).hasMessageContaining("must be 2.0 or 1.0");
        assertThat(MaasClient.encode(Map.of("add", List.of("a b", "c&d")))).isEqualTo("add=a+b&add=c%26d");
    }

    @Test
    void infraKitTagsBecomeMaasTagsThatSayWhatTheyAre() {
        MaasTags.Tag web = MaasTags.of("infrakit.group", "web");
        assertThat(web.name()).matches("infrakit-infrakit_group--web-[0-9a-f]{8}").matches("[A-Za-z0-9_-]+");
        assertThat(web.comment()).isEqualTo("infrakit.group=web");
        assertThat(MaasTags.of("infrakit.group", "db").name()).isNotEqualTo(web.name());
        assertThat(MaasTags.of("a.b", "c").name()).isNotEqualTo(MaasTags.of("a_b", "c").name());
        assertThat(MaasTags.decode(web.name(), web.comment())).contains(web);
        assertThat(MaasTags.decode(web.name(), "infrakit.group=db")).as("a comment that does not fit").isEmpty();
        assertThat(MaasTags.decode("virtual", "k=v")).isEmpty();
        assertThat(MaasTags.of("k", "v=w").value()).isEqualTo("v=w");
        assertThat(MaasTags.decode(MaasTags.of("k", "v=w").name(), "k=v=w")).isPresent();
        assertThat(MaasTags.of("k", "x".repeat(300)).name().length()).isLessThan(120);
    }

    @Test
    void propertiesAreMaasConstraints() {
        MaasProperties p = MaasProperties.parse(Json.parse("{\"Constraints\":{\"tags\":[\"ssd\",\"gpu\"],"
                + "\"mem\":4096,\"zone\":\"rack-2\"},\"DistroSeries\":\"jammy\"}"));
        assertThat(p.constraints()).isEqualTo(Map.of("tags", List.of("ssd", "gpu"), "mem", List.of("4096"),
                "zone", List.of("rack-2")));
        assertThat(p.distroSeries()).isEqualTo("jammy");
        assertThat(MaasProperties.parse(Json.parse("{}")).constraints()).isEmpty();
        assertThatThrownBy(() -> MaasProperties.parse(Json.parse("{\"Constraints\":[1]}")))
                .hasMessageContaining("Properties.Constraints must be an object");
        assertThatThrownBy(() -> MaasProperties.parse(Json.parse("{\"Constraints\":{\"x\":{}}}")))
                .hasMessageContaining("Properties.Constraints.x must be a string");
    }
}
