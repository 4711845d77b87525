package io.jswoole.grpc;

import io.grpc.Decompressor;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.jswoole.http.Request;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * gRPC over HTTP/2 as PROTOCOL-HTTP2.md writes it: length-prefixed messages (a flag byte, a 4-byte length), the
 * {@code grpc-timeout} header, request headers as {@link Metadata} ({@code -bin} values in base64) and
 * {@code grpc-message}'s percent-encoding.
 */
final class GrpcWire {
    private GrpcWire() {
    }

    /** Headers that are the transport's, never metadata. */
    private static final Set<String> RESERVED = Set.of("content-type", "te", "grpc-timeout", "grpc-encoding",
            "grpc-accept-encoding", "host", "connection", "content-length", "transfer-encoding");

    /**
     * The next message of {@code in}, decompressed; null at a clean end. The length is checked against {@code max}
     * before anything is allocated (RESOURCE_EXHAUSTED), and so is a decompressed message.
     */
    static byte[] readMessage(InputStream in, int max, Decompressor decompressor) throws IOException,
            StatusException {
        byte[] head = new byte[5];
        int got = in.readNBytes(head, 0, 5);
        if (got == 0) {
            return null;
        }
        if (got < 5) {
            throw Status.INTERNAL.withDescription("the request ended inside a message prefix").asException();
        }
        int flag = head[0] & 0xff;
        long length = ((head[1] & 0xffL) << 24) | ((head[2] & 0xff) << 16) | ((head[3] & 0xff) << 8) | (head[4] & 0xff);
        if (flag > 1) {
            throw Status.INTERNAL.withDescription("bad message flag " + flag).asException();
        }
        if (length > max) {
            throw Status.RESOURCE_EXHAUSTED.withDescription("gRPC message exceeds maximum size " + max + ": "
                    + length).asException();
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw Status.INTERNAL.withDescription("the request ended inside a message").asException();
        }
        if (flag == 0) {
            return body;
        }
        if (decompressor == null) {
            throw Status.INTERNAL.withDescription("a compressed message without grpc-encoding").asException();
        }
        try (InputStream d = decompressor.decompress(new ByteArrayInputStream(body))) {
            byte[] plain = d.readNBytes(max + 1);
            if (plain.length > max) {
                throw Status.RESOURCE_EXHAUSTED.withDescription("decompressed gRPC message exceeds maximum size "
                        + max).asException();
            }
            return plain;
        }
    }

    /** A message with its prefix: flag 1 when {@code compressed}. */
    static byte[] frame(byte[] message, boolean compressed) {
        byte[] out = new byte[5 + message.length];
        out[0] = (byte) (compressed ? 1 : 0);
        int n = message.length;
        out[1] = (byte) (n >>> 24);
        out[2] = (byte) (n >>> 16);
        out[3] = (byte) (n >>> 8);
        out[4] = (byte) n;
        System.arraycopy(message, 0, out, 5, n);
        return out;
    }

    /** {@code grpc-timeout} in nanoseconds, or -1 when absent or malformed. */
    static long timeoutNanos(String v) {
        if (v == null || v.length() < 2 || v.length() > 9) {
            return -1;
        }
        long n;
        try {
            n = Long.parseLong(v.substring(0, v.length() - 1));
        } catch (NumberFormatException e) {
            return -1;
        }
        if (n < 0) {
            return -1;
        }
        return switch (v.charAt(v.length() - 1)) {
            case 'H' -> TimeUnit.HOURS.toNanos(n);
            case 'M' -> TimeUnit.MINUTES.toNanos(n);
            case 'S' -> TimeUnit.SECONDS.toNanos(n);
            case 'm' -> TimeUnit.MILLISECONDS.toNanos(n);
            case 'u' -> TimeUnit.MICROSECONDS.toNanos(n);
            case 'n' -> n;
            default -> -1;
        };
    }

    /** The request's headers as metadata (pseudo-headers and the transport's own left out). */
    static Metadata metadata(Request req) {
        Metadata md = new Metadata();
        for (Map.Entry<String, String> e : req.header().entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.startsWith(":") || RESERVED.contains(name)) {
                continue;
            }
            List<String> values = req.headers(name);
            try {
                if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                    Metadata.Key<byte[]> k = Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER);
                    for (String v : values) {
                        for (String part : v.split(",")) {
                            md.put(k, Base64.getDecoder().decode(part.trim()));
                        }
                    }
                } else {
                    Metadata.Key<String> k = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
                    for (String v : values) {
                        md.put(k, v);
                    }
                }
            } catch (IllegalArgumentException bad) {
                // a header that is not valid metadata (a name grpc refuses, bad base64) is not passed on
            }
        }
        return md;
    }

    /** Each key of {@code md} with its values as header text ({@code -bin} in base64 without padding). */
    static void forEach(Metadata md, java.util.function.BiConsumer<String, List<String>> out) {
        for (String name : md.keys()) {
            List<String> values = new java.util.ArrayList<>();
            if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                for (byte[] b : md.getAll(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER))) {
                    values.add(Base64.getEncoder().withoutPadding().encodeToString(b));
                }
            } else {
                for (String v : md.getAll(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER))) {
                    values.add(v);
                }
            }
            out.accept(name, values);
        }
    }

    /** {@code grpc-message}: UTF-8, bytes outside 0x20-0x7E and '%' percent-encoded. */
    static String encodeMessage(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(b.length);
        for (byte x : b) {
            int c = x & 0xff;
            if (c >= 0x20 && c <= 0x7e && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
