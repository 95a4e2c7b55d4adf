package io.reddwarf.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP/1.1 written by hand on a socket, for requests no client library sends: malformed ones,
 * oversized ones, bodies cut short or sent in chunks.
 */
final class RawHttp {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)");

    private RawHttp() {
    }

    /** Sends {@code request} as it is and reads one response, framed by its Content-Length. */
    static Answer exchange(int port, String request) {
        return exchange(port, request.getBytes(UTF_8), new byte[0][]);
    }

    /**
     * Sends {@code head}, then each of {@code parts} while the server still reads (it may answer and
     * close early), and reads one response; an interim {@code 100 Continue} is kept in its head.
     */
    static Answer exchange(int port, byte[] head, byte[]... parts) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.flush();
            try {
                for (byte[] part : parts) {
                    out.write(part);
                }
                out.flush();
            } catch (IOException e) {
                // The server answered and closed before taking everything: what it answered is the result.
            }
            InputStream in = socket.getInputStream();
            String headers = readHead(in);
            String interim = "";
            if (headers.startsWith("HTTP/1.1 100")) {
                interim = headers;
                headers = readHead(in);
            }
            Matcher length = CONTENT_LENGTH.matcher(headers);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
            return new Answer(interim + headers, new String(body, UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(UTF_8).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(UTF_8);
    }

    /** A response: its status line and headers as sent, and its body. */
    record Answer(String head, String body) {
        int status() {
            String finalHead = head.substring(head.lastIndexOf("HTTP/1.1 "));
            return Integer.parseInt(finalHead.substring(9, 12));
        }

        /** The value of a header of the final response, lower-cased, or "" if absent. */
        String header(String name) {
            String finalHead = head.substring(head.lastIndexOf("HTTP/1.1 "));
            Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + ":\\s*(.*)$").matcher(finalHead);
            return m.find() ? m.group(1).toLowerCase(java.util.Locale.ROOT) : "";
        }

        JsonNode json() {
            return new Http.Answer(status(), header("content-type"), body, "").json();
        }
    }
}
