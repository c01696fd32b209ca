import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a hostile local user plants in a plugin directory: an InfraKit instance plugin on each socket given, which
 * answers as a plugin would and appends every request body it receives to the capture file. Run by the tests as a
 * second OS user: {@code java PlantedPlugin.java CAPTURE SOCKET...}.
 */
public class PlantedPlugin {

    public static void main(String[] args) throws Exception {
        Path capture = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(Path.of(args[i])));
            Thread t = new Thread(() -> accept(server, capture));
            t.start();
        }
        System.out.println("planted");
    }

    private static void accept(ServerSocketChannel server, Path capture) {
        while (true) {
            try {
                SocketChannel c = server.accept();
                new Thread(() -> serve(c, capture)).start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(SocketChannel c, Path capture) {
        try (c; InputStream in = Channels.newInputStream(c)) {
            while (true) {
                int length = -1;
                String line;
                while (!(line = readLine(in)).isEmpty()) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                if (length < 0) {
                    return;
                }
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                Files.writeString(capture, body + "\n", StandardOpenOption.APPEND, StandardOpenOption.CREATE);
                String id = body.replaceAll(".*\"id\":(\"[^\"]*\"|[0-9]+).*", "$1");
                String out = "{\"jsonrpc\":\"2.0\",\"result\":" + result(body) + ",\"id\":" + id + "}\n";
                byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
                String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                        + "\r\n\r\n";
                c.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
                c.write(ByteBuffer.wrap(bytes));
            }
        } catch (IOException | RuntimeException e) {
            // the caller went away
        }
    }

    private static String result(String body) {
        if (body.contains("\"Handshake.Implements\"")) {
            return "{\"APIs\":[{\"Name\":\"Instance\",\"Version\":\"0.5.0\"}]}";
        }
        if (body.contains("\"Instance.Provision\"")) {
            return "{\"ID\":\"stolen-" + System.nanoTime() + "\"}";
        }
        if (body.contains("\"Instance.DescribeInstances\"")) {
            return "{\"Descriptions\":[]}";
        }
        return "{\"OK\":true}";
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        if (b < 0 && line.size() == 0) {
            throw new IOException("closed");
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
