package io.infrakit.operator.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slowloris against {@code --http}: half-sent requests and crowds of idle connections, over real TCP sockets. The
 * probes must still be answered at once, and the slow connections be cut off.
 */
class SlowClientsTest {

    private final List<Socket> sockets = new ArrayList<>();
    private OperatorHttpServer server;

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private OperatorHttpServer start(Duration requestTimeout) throws IOException {
        server = OperatorHttpServer.builder(HttpAddress.parse("127.0.0.1:0")).requestTimeout(requestTimeout)
                .checks("/readyz", "readyz", List.of(new Check("ping", () -> null))).start();
        return server;
    }

    private Socket halfSent() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().port());
        sockets.add(s);
        s.getOutputStream().write("GET /readyz HTTP/1.1\r\nHost: x\r\nUser-Agent: slow".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private HttpResponse<String> readyz() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://" + server.address() + "/readyz"))
                .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void halfSentRequestsDoNotHoldUpTheProbes() throws Exception {
        start(OperatorHttpServer.REQUEST_TIMEOUT);
        for (int i = 0; i < 32; i++) { // the JDK server this replaced had 4 threads and no read timeout
            halfSent();
        }
        long begin = System.nanoTime();

        HttpResponse<String> answer = readyz();

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("[+]ping ok\nreadyz check passed\n");
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aCrowdOfIdleConnectionsMakesRoomForTheProbe() throws Exception {
        start(OperatorHttpServer.REQUEST_TIMEOUT);
        for (int i = 0; i < OperatorHttpServer.MAX_CONNECTIONS + 50; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().port());
            sockets.add(s);
        }

        assertThat(readyz().statusCode()).isEqualTo(200);
    }

    @Test
    void aHalfSentRequestIsCutOffAfterTheRequestTimeout() throws Exception {
        start(Duration.ofMillis(600));
        Socket slow = halfSent();
        slow.setSoTimeout(5_000);
        OutputStream out = slow.getOutputStream();
        long begin = System.nanoTime();
        int read;
        InputStream in = slow.getInputStream();
        try {
            for (int i = 0; i < 30; i++) { // a byte every 100 ms: never idle, never done
                out.write('x');
                out.flush();
                Thread.sleep(100);
            }
            read = in.read();
        } catch (IOException closedUnderUs) {
            read = -1;
        }

        assertThat(read).isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofMillis(3_500));
        assertThat(readyz().statusCode()).isEqualTo(200);
    }
}
