package io.infrakit.plugins.maas;

import io.infrakit.plugins.spi.PluginException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A MAAS API key, {@code consumer-key:token-key:token-secret} as MAAS prints it, and the OAuth 1.0a header that signs
 * a request with it. MAAS uses the PLAINTEXT method: the signature is the consumer secret (MAAS's consumers have
 * none) and the token secret joined by {@code &}, so no request content is hashed and TLS is what protects it.
 */
record ApiKey(String consumerKey, String tokenKey, String tokenSecret) {

    /**
     * @throws PluginException when the text is not three non-empty parts separated by colons (the error never
     *                         repeats the text: it is a secret)
     */
    static ApiKey parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split(":", -1);
        if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
            throw new PluginException("a MAAS API key has three parts, consumer-key:token-key:token-secret");
        }
        return new ApiKey(parts[0], parts[1], parts[2]);
    }

    /** The {@code Authorization} header's value for one request. */
    String authorization(String nonce, long epochSeconds) {
        return "OAuth realm=\"\", oauth_consumer_key=\"" + encode(consumerKey) + "\", oauth_token=\"" + encode(tokenKey)
                + "\", oauth_signature_method=\"PLAINTEXT\", oauth_signature=\"" + encode("&" + tokenSecret)
                + "\", oauth_timestamp=\"" + epochSeconds + "\", oauth_nonce=\"" + encode(nonce)
                + "\", oauth_version=\"1.0\"";
    }

    /** OAuth's percent-encoding (RFC 5849 3.6): everything but unreserved characters, spaces as %20. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A")
                .replace("%7E", "~");
    }

    @Override
    public String toString() {
        return "ApiKey[" + consumerKey + ":" + tokenKey + ":***]";
    }
}
