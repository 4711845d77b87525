package io.jswoole.cli.bench;

import java.util.Map;

/**
 * What a {@link Unit} is built from: the command line's target, payload size and unit settings.
 *
 * @param target      the {@code -s} address
 * @param payloadSize {@code -l}: the request's size in bytes (what that means is the unit's to say)
 * @param settings    {@code --set key=value}: Swoole's keys typed as {@code Server.set} types them
 *                    ({@code package_eof}, {@code package_length_type}...), other keys as strings
 * @param path        {@code --path}: the HTTP or WebSocket request target
 * @param method      {@code --method}: the HTTP method
 * @param headers     {@code -H}: extra HTTP header lines ({@code Name: value})
 * @param command     {@code --command}: the Redis command, words split on spaces, quotes kept together
 * @param keyspace    {@code -r}: {@code __rand_int__} in a command takes a random number below this (0: always 0)
 */
public record UnitConfig(Target target, int payloadSize, Map<String, Object> settings, String path, String method,
                         java.util.List<String> headers, String command, long keyspace) {
    /** A setting as a string (a byte[] decoded as ISO-8859-1), or {@code fallback} when it is not given. */
    public String setting(String key, String fallback) {
        Object v = settings.get(key);
        if (v == null) {
            return fallback;
        }
        return v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.ISO_8859_1) : v.toString();
    }
}
