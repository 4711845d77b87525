package io.jswoole.client;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Swoole\Http2\Response}: the answer on one stream of an {@link Http2Client}. {@code statusCode} is the
 * HTTP status, or, as Swoole, -1 when no connection could be made, -2 on timeout, -3 when the stream was reset or
 * the connection went away first; then {@code errCode} is errno style ({@link Client#ECONNRESET},
 * {@link Client#ETIMEDOUT}, {@link Client#ECANCELED}...), {@code h2Error} the HTTP/2 error code the server gave
 * (RST_STREAM or GOAWAY; -1 when none) and {@code errMsg} says what happened. Header names are lower case, as
 * HTTP/2 sends them; {@code trailers} are the header block after the body (gRPC's {@code grpc-status}).
 */
public record Http2Response(int streamId, int statusCode, Map<String, List<String>> headers,
        Map<String, List<String>> trailers, byte[] data, int errCode, int h2Error, String errMsg) {

    static Http2Response failed(int streamId, int statusCode, int errCode, int h2Error, String errMsg) {
        return new Http2Response(streamId, statusCode, Map.of(), Map.of(), new byte[0], errCode, h2Error, errMsg);
    }

    /** True when a whole response arrived (any status). */
    public boolean ok() {
        return statusCode > 0;
    }

    /** The body as UTF-8 text. */
    public String body() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** The first value of header {@code name} (any case), or null. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** The first value of trailer {@code name} (any case), or null. */
    public String trailer(String name) {
        List<String> v = trailers.get(name.toLowerCase(java.util.Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** {@code set_cookie_headers} as Swoole's {@code cookies}: name to value. */
    public Map<String, String> cookies() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String sc : headers.getOrDefault("set-cookie", List.of())) {
            String pair = sc.split(";", 2)[0];
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "Http2Response[stream " + streamId + ", status " + statusCode + ", " + data.length + " bytes"
                + (errMsg.isEmpty() ? "" : ", " + errMsg) + "]";
    }
}
