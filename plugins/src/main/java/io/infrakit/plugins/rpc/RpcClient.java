package io.infrakit.plugins.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.GoDuration;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.json.JsonFormatException;
import io.infrakit.plugins.spi.PluginException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a plugin's JSON-RPC methods: one HTTP/1.1 exchange on a connection of its own per call, through the
 * process's one HTTP client (see {@link PluginHttp}), so a plugin that restarts on the same socket is simply reached
 * again, and a hung one costs the caller one timeout. Thread-safe and holding no resources between calls.
 */
public final class RpcClient {

    private static final Logger LOG = LoggerFactory.getLogger(RpcClient.class);

    /** The per-call timeout when neither the caller nor {@value #TIMEOUT_ENV} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** InfraKit's variable for the client timeout, a Go duration such as {@code 1s} or {@code 500ms}. */
    public static final String TIMEOUT_ENV = "INFRAKIT_CLIENT_TIMEOUT";

    private static final int MAX_RESPONSE_BYTES = 64 << 20;

    private final PluginAddress address;
    private final Duration timeout;

    /** A client with the timeout from {@value #TIMEOUT_ENV}, else {@link #DEFAULT_TIMEOUT}. */
    public RpcClient(PluginAddress address) {
        this(address, timeoutFromEnvironment(System.getenv()));
    }

    public RpcClient(PluginAddress address, Duration timeout) {
        this.address = Objects.requireNonNull(address, "address");
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.timeout = timeout;
        PluginHttp.start();
    }

    /**
     * The timeout {@value #TIMEOUT_ENV} asks for in {@code env}; {@link #DEFAULT_TIMEOUT} when it is unset, not a
     * Go duration, or not positive (a client without a deadline could hang forever on a stuck plugin).
     */
    public static Duration timeoutFromEnvironment(Map<String, String> env) {
        String value = env.get(TIMEOUT_ENV);
        if (value == null || value.isBlank()) {
            return DEFAULT_TIMEOUT;
        }
        try {
            Duration d = GoDuration.parse(value.trim());
            if (!d.isZero() && !d.isNegative()) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("{}={} is not a duration ({}); using {}", TIMEOUT_ENV, value, e.getMessage(), DEFAULT_TIMEOUT);
            return DEFAULT_TIMEOUT;
        }
        LOG.warn("{}={} is not positive; using {}", TIMEOUT_ENV, value, DEFAULT_TIMEOUT);
        return DEFAULT_TIMEOUT;
    }

    public PluginAddress address() {
        return address;
    }

    public Duration timeout() {
        return timeout;
    }

    /** A deadline one timeout from now, for calls that share it. */
    long deadline() {
        return System.nanoTime() + timeout.toNanos();
    }

    /**
     * Calls {@code method} (e.g. {@code "Instance.Provision"}) with a params object and returns the result.
     *
     * @throws RpcException when the plugin answers with an error (its message unchanged)
     * @throws PluginTransportException when the plugin cannot be reached or does not answer in time
     * @throws PluginException when the answer is not JSON-RPC
     */
    public JsonNode call(String method, JsonNode params) {
        return call(method, params, deadline());
    }

    JsonNode call(String method, JsonNode params, long deadline) {
        long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        PluginHttp.Answer response = exchange("/", JsonRpc.request(method, params, id), deadline, method);
        JsonRpc.Reply reply;
        try {
            reply = JsonRpc.reply(response.body());
        } catch (IllegalArgumentException e) {
            if (response.status() != 200) {
                throw new PluginException("plugin at " + address + " answered " + method + " with HTTP "
                        + response.status() + ": " + text(response.body()));
            }
            throw new PluginException("plugin at " + address + " answered " + method + " with "
                    + (e.getMessage().equals("result is null") ? "no result" : "a malformed reply: " + e.getMessage()));
        }
        if (reply.error() != null) {
            throw reply.error();
        }
        return reply.result();
    }

    /**
     * The interfaces the plugin implements: {@code Handshake.Implements}, or {@code Handshake.Hello} for plugins
     * of InfraKit's last versions, which know only that.
     */
    public List<InterfaceSpec> implementedInterfaces() {
        return implementedInterfaces(deadline());
    }

    List<InterfaceSpec> implementedInterfaces(long deadline) {
        JsonNode result;
        try {
            result = call("Handshake.Implements", JsonRpc.NODES.objectNode(), deadline);
        } catch (RpcException e) {
            if (!e.getMessage().startsWith("rpc: can't find")) {
                throw e;
            }
            return new ArrayList<>(hello(deadline).keySet());
        }
        List<InterfaceSpec> apis = new ArrayList<>();
        JsonNode list = result.get("APIs");
        if (list != null && list.isArray()) {
            for (JsonNode api : list) {
                apis.add(new InterfaceSpec(api.path("Name").asText(""), api.path("Version").asText("")));
            }
        }
        return apis;
    }

    /** {@code Handshake.Types}: each interface (as {@code Name/Version}) to its sub-types, {@code "."} the default. */
    public Map<String, List<String>> types() {
        long deadline = deadline();
        JsonNode result;
        try {
            result = call("Handshake.Types", JsonRpc.NODES.objectNode(), deadline);
        } catch (RpcException e) {
            if (!e.getMessage().startsWith("rpc: can't find")) {
                throw e;
            }
            Map<String, List<String>> types = new LinkedHashMap<>();
            hello(deadline).forEach((spec, names) -> types.put(spec.encode(), names));
            return types;
        }
        Map<String, List<String>> types = new LinkedHashMap<>();
        namesByInterface(result.get("Types"), false).forEach((spec, names) -> types.put(spec.encode(), names));
        return types;
    }

    /** The plugin's self-description, {@code GET /info/api.json}. */
    public JsonNode apiInfo() {
        PluginHttp.Answer response = exchange(PluginRoutes.API_PATH, null, deadline(), PluginRoutes.API_PATH);
        if (response.status() != 200) {
            throw new PluginException("plugin at " + address + " answered " + PluginRoutes.API_PATH + " with HTTP "
                    + response.status() + ": " + text(response.body()));
        }
        try {
            return Json.parse(response.body());
        } catch (JsonFormatException e) {
            throw new PluginException("plugin at " + address + " answered " + PluginRoutes.API_PATH
                    + " with malformed JSON: " + e.getMessage(), e);
        }
    }

    private Map<InterfaceSpec, List<String>> hello(long deadline) {
        JsonNode result = call("Handshake.Hello", JsonRpc.NODES.objectNode(), deadline);
        return namesByInterface(result.get("Objects"), true);
    }

    private static Map<InterfaceSpec, List<String>> namesByInterface(JsonNode map, boolean objects) {
        Map<InterfaceSpec, List<String>> out = new LinkedHashMap<>();
        if (map == null || !map.isObject()) {
            return out;
        }
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            List<String> names = new ArrayList<>();
            for (JsonNode n : e.getValue()) {
                names.add(objects ? n.path("Name").asText("") : n.asText(""));
            }
            out.put(InterfaceSpec.decode(e.getKey()), names);
        }
        return out;
    }

    private PluginHttp.Answer exchange(String path, byte[] body, long deadline, String what) {
        SocketAddress target;
        try {
            target = address.socketAddress();
        } catch (IOException e) {
            throw new PluginTransportException("cannot connect to plugin at " + address + ": " + describe(e), false, e);
        }
        try {
            return PluginHttp.exchange(target, path, body, deadline, MAX_RESPONSE_BYTES);
        } catch (PluginHttp.Failure f) {
            if (f.interrupted) {
                throw new PluginTransportException("interrupted while calling " + what + " on plugin at " + address,
                        false, f.getCause());
            }
            if (!f.connected) {
                throw new PluginTransportException("cannot connect to plugin at " + address + ": "
                        + (f.timedOut ? "no answer within " + format(timeout) : f.getMessage()), f.timedOut,
                        f.getCause());
            }
            if (f.timedOut) {
                throw new PluginTransportException("plugin at " + address + " did not answer " + what + " within "
                        + format(timeout), true, f.getCause());
            }
            throw new PluginTransportException("plugin at " + address + " failed during " + what + ": "
                    + f.getMessage(), false, f.getCause());
        }
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static String text(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8).strip();
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** As Go prints a duration: {@code 10s}, {@code 1.5s}, {@code 250ms}. */
    static String format(Duration d) {
        if (d.toMillis() >= 1000) {
            return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
        }
        return d.toMillis() + "ms";
    }

    @Override
    public String toString() {
        return "RpcClient[" + address + ", timeout " + format(timeout) + "]";
    }
}
