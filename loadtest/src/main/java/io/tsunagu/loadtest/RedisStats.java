package io.tsunagu.loadtest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where Redis spent its time, per command ({@code INFO commandstats}; commands a script called are
 * counted on their own lines, inside the script's time), between {@link #reset} and {@link #read}.
 * A blocking connection of its own, so that it works between phases whatever else is running.
 */
final class RedisStats {

    private RedisStats() {
    }

    static void reset(int port) throws IOException {
        call(port, "CONFIG", "RESETSTAT");
    }

    /** Command name → {@code calls=…,usec=…,usec_per_call=…}, busiest first as Redis lists them. */
    static Map<String, String> read(int port) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : call(port, "INFO", "commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                int colon = line.indexOf(':');
                out.put(line.substring(8, colon), line.substring(colon + 1));
            }
        }
        return out;
    }

    /** Sends one command and returns its reply as text (a simple or bulk string). */
    private static String call(int port, String... args) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            StringBuilder cmd = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                cmd.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(cmd.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            String head = line(in);
            if (head.startsWith("+")) {
                return head.substring(1);
            }
            if (!head.startsWith("$")) {
                throw new IOException("Redis answered " + head + " to " + String.join(" ", args));
            }
            byte[] body = in.readNBytes(Integer.parseInt(head.substring(1)));
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("Redis closed the connection");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
