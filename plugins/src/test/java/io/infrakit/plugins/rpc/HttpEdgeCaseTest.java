package io.infrakit.plugins.rpc;

import static io.infrakit.plugins.rpc.RawClient.post;
import static io.infrakit.plugins.rpc.RawClient.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.plugins.json.GoJson;
import io.infrakit.plugins.json.Json;
import io.infrakit.plugins.memory.InMemoryInstancePlugin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken, odd and hostile HTTP against the plugin server; after each, the server must still answer. */
class HttpEdgeCaseTest {

    private static final String IMPLEMENTS = "{\"jsonrpc\":\"2.0\",\"method\":\"Handshake.Implements\",\"params\":{},\"id\":7}";
    private static final String IMPLEMENTS_ANSWER =
            "{\"jsonrpc\":\"2.0\",\"result\":{\"APIs\":[{\"Name\":\"Instance\",\"Version\":\"0.5.0\"}]},\"id\":7}\n";

    @TempDir
    Path tmp;

    private InMemoryInstancePlugin plugin;
    private PluginServer server;
    private Path socket;

    @BeforeEach
    void start() throws IOException {
        plugin = new InMemoryInstancePlugin();
        socket = tmp.resolve("instance-mem");
        server = PluginServer.builder().instance(plugin).requestTimeout(Duration.ofSeconds(2)).start(socket);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RawHttp.Response once(String request) throws IOException {
        try (RawClient c = RawClient.connect(socket)) {
            return c.exchange(request);
        }
    }

    private JsonNode rpc(String body) throws IOException {
        RawHttp.Response r = once(post(body));
        assertThat(r.status()).isEqualTo(200);
        return Json.parse(r.body());
    }

    private void assertStillServing() throws IOException {
        assertThat(text(once(post(IMPLEMENTS)))).isEqualTo(IMPLEMENTS_ANSWER);
    }

    @Test
    void getOnTheRpcPathIs405InGorillasWords() throws IOException {
        RawHttp.Response r = once("GET / HTTP/1.1\r\nHost: rpc\r\n\r\n");

        assertThat(r.status()).isEqualTo(405);
        assertThat(r.headers().get("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(text(r)).isEqualTo("rpc: POST method required, received GET");
        assertStillServing();
    }

    @Test
    void otherPathsAre404AndOtherContentTypes415() throws IOException {
        RawHttp.Response notFound = once("POST /Instance.Validate HTTP/1.1\r\nHost: rpc\r\nContent-Length: 0\r\n\r\n");
        RawHttp.Response xml = once("POST / HTTP/1.1\r\nHost: rpc\r\nContent-Type: text/xml\r\nContent-Length: 2\r\n\r\n{}");

        assertThat(notFound.status()).isEqualTo(404);
        assertThat(text(notFound)).isEqualTo("404 page not found\n");
        assertThat(xml.status()).isEqualTo(415);
        assertThat(text(xml)).isEqualTo("rpc: unrecognized Content-Type: text/xml");
    }

    @Test
    void aContentTypeWithParametersOrNoneAtAllIsJson() throws IOException {
        String noType = "POST / HTTP/1.1\r\nHost: rpc\r\nContent-Length: " + IMPLEMENTS.length() + "\r\n\r\n" + IMPLEMENTS;
        String withCharset = post(IMPLEMENTS).replace("application/json", "Application/JSON; charset=utf-8");

        assertThat(text(once(noType))).isEqualTo(IMPLEMENTS_ANSWER);
        assertThat(text(once(withCharset))).isEqualTo(IMPLEMENTS_ANSWER);
    }

    @Test
    void jsonrpcOtherThan20IsAnInvalidRequestEchoingTheRequest() throws IOException {
        JsonNode answer = rpc("{\"jsonrpc\":\"1.0\",\"method\":\"Handshake.Implements\",\"params\":{},\"id\":3}");

        assertThat(GoJson.compact(answer)).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":"
                + "\"jsonrpc must be 2.0\",\"data\":{\"jsonrpc\":\"1.0\",\"method\":\"Handshake.Implements\","
                + "\"params\":{},\"id\":3}},\"id\":3}");
        assertStillServing();
    }

    @Test
    void unknownMethodsAndServicesAreServerErrors() throws IOException {
        assertThat(text(once(post("{\"jsonrpc\":\"2.0\",\"method\":\"Instance.Nope\",\"params\":{},\"id\":1}"))))
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":"
                        + "\"rpc: can't find method \\\"Instance.Nope\\\"\",\"data\":null},\"id\":1}\n");
        assertThat(rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Group.CommitGroup\",\"params\":{},\"id\":2}")
                .get("error").get("message").asText()).isEqualTo("rpc: can't find service \"Group.CommitGroup\"");
        assertThat(rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Flavor.Validate\",\"params\":{},\"id\":2}")
                .get("error").get("message").asText()).isEqualTo("rpc: can't find service \"Flavor.Validate\"");
        assertThat(rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Implements\",\"params\":{},\"id\":2}")
                .get("error").get("message").asText()).isEqualTo("rpc: service/method request ill-formed: \"Implements\"");
    }

    @Test
    void malformedJsonIsAParseErrorAndTheConnectionStaysUsable() throws IOException {
        try (RawClient c = RawClient.connect(socket)) {
            RawHttp.Response broken = c.exchange(post("{\"jsonrpc\":\"2.0\",\"method\":"));
            JsonNode answer = Json.parse(broken.body());

            assertThat(broken.status()).isEqualTo(200);
            assertThat(answer.get("error").get("code").asInt()).isEqualTo(-32700);
            assertThat(answer.get("id").isNull()).isTrue();
            assertThat(text(c.exchange(post(IMPLEMENTS)))).isEqualTo(IMPLEMENTS_ANSWER);
        }
        assertThat(rpc("[1,2]").get("error").get("code").asInt()).isEqualTo(-32700);
        assertStillServing();
    }

    @Test
    void paramsOfTheWrongShapeAreInvalidRequestsWithTheParamsAsData() throws IOException {
        JsonNode wrongType = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Instance.Destroy\",\"params\":{\"Instance\":5},\"id\":4}");
        JsonNode notObject = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Instance.Destroy\",\"params\":\"x\",\"id\":5}");

        assertThat(GoJson.compact(wrongType.get("error"))).isEqualTo("{\"code\":-32600,\"message\":"
                + "\"params.Instance must be a string, got number\",\"data\":{\"Instance\":5}}");
        assertThat(notObject.get("error").get("code").asInt()).isEqualTo(-32600);
    }

    @Test
    void paramsMayComeAsAOneElementArrayAndKeysInAnyCase() throws IOException {
        JsonNode answer = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Instance.Provision\","
                + "\"params\":[{\"type\":\"\",\"spec\":{\"tags\":{\"a\":\"b\"}}}],\"id\":\"x-1\"}");

        assertThat(answer.get("id").asText()).isEqualTo("x-1");
        assertThat(answer.get("result").get("ID").asText()).startsWith("instance-");
        assertThat(plugin.describeInstances(java.util.Map.of("a", "b"), false)).hasSize(1);
    }

    @Test
    void aNotificationRunsAndGetsNoBody() throws IOException {
        RawHttp.Response r = once(post("{\"jsonrpc\":\"2.0\",\"method\":\"Instance.Provision\",\"params\":{}}"));

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(plugin.provisionCount()).isEqualTo(1);
    }

    @Test
    void requestsFollowOneAnotherOnAKeptConnectionEvenPipelined() throws IOException {
        try (RawClient c = RawClient.connect(socket)) {
            c.send(post(IMPLEMENTS) + post(IMPLEMENTS.replace("\"id\":7", "\"id\":8")));

            assertThat(text(c.read())).isEqualTo(IMPLEMENTS_ANSWER);
            assertThat(text(c.read())).isEqualTo(IMPLEMENTS_ANSWER.replace("\"id\":7", "\"id\":8"));
            assertThat(text(c.exchange(post(IMPLEMENTS)))).isEqualTo(IMPLEMENTS_ANSWER);
        }
    }

    @Test
    void connectionCloseAndHttp10AreHonoured() throws IOException {
        try (RawClient c = RawClient.connect(socket)) {
            RawHttp.Response r = c.exchange(post(IMPLEMENTS).replace("Accept: */*", "Connection: close"));
            assertThat(r.headers().get("Connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawClient c = RawClient.connect(socket)) {
            RawHttp.Response r = c.exchange(post(IMPLEMENTS).replace("HTTP/1.1", "HTTP/1.0"));
            assertThat(text(r)).isEqualTo(IMPLEMENTS_ANSWER);
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void chunkedRequestBodiesAreAccepted() throws IOException {
        String head = "POST / HTTP/1.1\r\nHost: rpc\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        String body = Integer.toHexString(10) + ";ext=1\r\n" + IMPLEMENTS.substring(0, 10) + "\r\n"
                + Integer.toHexString(IMPLEMENTS.length() - 10) + "\r\n" + IMPLEMENTS.substring(10) + "\r\n"
                + "0\r\nX-Trailer: t\r\n\r\n";
        try (RawClient c = RawClient.connect(socket)) {
            assertThat(text(c.exchange(head + body))).isEqualTo(IMPLEMENTS_ANSWER);
            assertThat(text(c.exchange(post(IMPLEMENTS)))).isEqualTo(IMPLEMENTS_ANSWER);
        }
    }

    @Test
    void expect100ContinueGetsAnInterimAnswerFirst() throws IOException {
        try (RawClient c = RawClient.connect(socket)) {
            String withExpect = post(IMPLEMENTS).replace("Accept: */*", "Expect: 100-continue");
            int split = withExpect.indexOf("\r\n\r\n") + 4;
            c.send(withExpect.substring(0, split));
            assertThat(c.readLine()).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(c.readLine()).isEmpty();
            c.send(withExpect.substring(split));
            assertThat(text(c.read())).isEqualTo(IMPLEMENTS_ANSWER);
        }
    }

    @Test
    void anOversizedBodyIs413AndClosesWithoutBeingRead() throws IOException {
        try (RawClient c = RawClient.connect(socket)) {
            RawHttp.Response r = c.exchange("POST / HTTP/1.1\r\nHost: rpc\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (5 << 20) + "\r\n\r\n{\"jsonrpc\":");

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.headers().get("Connection")).isEqualTo("close");
        }
        assertStillServing();
    }

    @Test
    void anOversizedChunkedBodyIs413Too() throws IOException {
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) ' ');
        try (RawClient c = RawClient.connect(socket)) {
            c.send("POST / HTTP/1.1\r\nHost: rpc\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            RawHttp.Response r = null;
            try {
                for (int i = 0; i < 6; i++) {
                    c.send(Integer.toHexString(chunk.length) + "\r\n");
                    c.send(chunk);
                    c.send("\r\n");
                }
            } catch (IOException closedOnUs) {
                // the server may stop reading once it has refused: its answer is still there to read
            }
            r = c.read();
            assertThat(r.status()).isEqualTo(413);
        }
        assertStillServing();
    }

    @Test
    void aClientThatDisconnectsMidBodyDoesNotHurtTheServer() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (RawClient c = RawClient.connect(socket)) {
                String request = post(IMPLEMENTS);
                c.send(request.substring(0, request.length() - 20));
            }
            try (RawClient c = RawClient.connect(socket)) {
                c.send("POST / HTTP/1.1\r\nHost: rp"); // mid-head
            }
        }
        assertStillServing();
    }

    @Test
    void aClientThatStallsMidRequestIsCutOffAfterTheRequestTimeout() throws IOException {
        try (RawClient c = RawClient.connect(socket)) {
            String request = post(IMPLEMENTS);
            c.send(request.substring(0, request.length() - 5));
            long start = System.nanoTime();

            assertThat(c.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
        assertStillServing();
    }

    @Test
    void garbageIs400AndCloses() throws IOException {
        try (RawClient c = RawClient.connect(socket)) {
            RawHttp.Response r = c.exchange("HELLO\r\n\r\n");
            assertThat(r.status()).isEqualTo(400);
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawClient c = RawClient.connect(socket)) {
            RawHttp.Response r = c.exchange("POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n");
            assertThat(r.status()).isEqualTo(400);
        }
        try (RawClient c = RawClient.connect(socket)) {
            RawHttp.Response r = c.exchange("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n");
            assertThat(r.status()).isEqualTo(501);
        }
        assertStillServing();
    }

    @Test
    void oldAndNewHandshakesAreAnswered() throws IOException {
        assertThat(text(once(post(IMPLEMENTS.replace("Handshake.Implements", "Plugin.Implements")))))
                .isEqualTo(IMPLEMENTS_ANSWER);
        assertThat(GoJson.compact(rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Handshake.Hello\",\"params\":{},\"id\":1}")
                .get("result"))).isEqualTo("{\"Objects\":{\"Instance/0.5.0\":[{\"Name\":\".\",\"ProxyFor\":\"\"}]}}");
    }

    @Test
    void answersEscapeHtmlCharactersAsGoDoes() throws IOException {
        JsonNode answer = rpc("{\"jsonrpc\":\"2.0\",\"method\":\"Instance.Destroy\",\"params\":{\"Instance\":\"<a&b>\"},\"id\":1}");
        RawHttp.Response raw = once(post(
                "{\"jsonrpc\":\"2.0\",\"method\":\"Instance.Destroy\",\"params\":{\"Instance\":\"<a&b>\"},\"id\":1}"));

        assertThat(answer.get("error").get("message").asText()).isEqualTo("instance not found: <a&b>");
        assertThat(new String(raw.body(), StandardCharsets.UTF_8)).contains("instance not found: \\u003ca\\u0026b\\u003e");
    }
}
