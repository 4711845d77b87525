package io.jswoole.protocol.frame;

import io.netty.channel.ChannelHandler;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * How a port (or a client) turns its TCP byte stream into packets, built from Swoole's setting keys by
 * {@link #from(Map)}; immutable. {@link #newDecoder()} gives the Netty handler for one connection.
 *
 * <h2>Modes and keys</h2>
 * <table>
 * <caption>Framing keys</caption>
 * <tr><th>key</th><th>type</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code open_eof_check}</td><td>Boolean</td><td>false</td><td>deliver when the buffered data ends with
 *   {@code package_eof}; several packets may come glued in one message</td></tr>
 * <tr><td>{@code open_eof_split}</td><td>Boolean</td><td>false</td><td>exactly one packet per message, delimiter
 *   included; implies {@code open_eof_check}</td></tr>
 * <tr><td>{@code package_eof}</td><td>String (UTF-8) or byte[], 1-8 bytes</td><td>{@code "\r\n\r\n"}</td>
 *   <td>the delimiter</td></tr>
 * <tr><td>{@code open_length_check}</td><td>Boolean</td><td>false</td><td>fixed header with a length field</td></tr>
 * <tr><td>{@code package_length_type}</td><td>String or Character</td><td>{@code "N"}</td><td>one of
 *   {@code c C s S n N l L v V q Q J P}, see {@link LengthFieldType}</td></tr>
 * <tr><td>{@code package_length_offset}</td><td>Integer/Long, 0-65535</td><td>0</td><td>where the length field
 *   starts</td></tr>
 * <tr><td>{@code package_body_offset} (alias {@code package_body_start})</td><td>Integer/Long, 0-65535</td>
 *   <td>4</td><td>where the counted bytes start: 0 = the length counts the whole packet, N = it counts the body
 *   after an N-byte header; values between 1 and the end of the length field are rejected</td></tr>
 * <tr><td>{@code package_length_func}</td><td>{@link PackageLengthFunction}</td><td>none</td><td>custom length
 *   parser; turns length framing on, and the three keys above are then not used</td></tr>
 * <tr><td>{@code package_max_length}</td><td>Integer/Long bytes, 1 to 2^31-1</td><td>2 MiB</td><td>largest packet
 *   (and largest undecided buffer); a declared length past it fails before anything is buffered</td></tr>
 * <tr><td>{@code open_mqtt_protocol}</td><td>Boolean</td><td>false</td><td>one MQTT control packet per
 *   message</td></tr>
 * </table>
 * EOF, length (with or without a function) and MQTT framing exclude each other: setting two of them is an error,
 * where Swoole silently picks one. Other keys in the map are ignored (the server validates them).
 *
 * <h2>Length framing</h2>
 * The packet length is {@code package_body_offset + value of the length field}. Swoole's default,
 * {@code package_length_type = "N"}, {@code package_length_offset = 0}, {@code package_body_offset = 4}: a 4-byte
 * big-endian body length, then the body.
 * <pre>
 * BEFORE (one read, 2 packets glued)              AFTER (2 messages)
 * +--------+-------+--------+----------+          +--------+-------+   +--------+----------+
 * | 0x0005 | HELLO | 0x0008 | GOODBYE! |   -----&gt; | 0x0005 | HELLO |   | 0x0008 | GOODBYE! |
 * +--------+-------+--------+----------+          +--------+-------+   +--------+----------+
 *   (N, 4 bytes each)
 * </pre>
 * A length that includes the header ({@code package_body_offset = 0}), after a 2-byte magic
 * ({@code package_length_offset = 2}, {@code package_length_type = "n"}):
 * <pre>
 * BEFORE (two reads, one packet split)            AFTER (1 message)
 * +-------+--------+----+  +--------+              +-------+--------+-------------+
 * | 0xCAFE| 0x000C | HE |  | LLO, W |      -----&gt;  | 0xCAFE| 0x000C | HELLO, W    |
 * +-------+--------+----+  +--------+              +-------+--------+-------------+
 *                                                     total 12 bytes = 2 + 2 + 8
 * </pre>
 * The header is always part of the message, as in Swoole. A negative value of a signed type, a 64-bit value past
 * {@code Long.MAX_VALUE}, or a length whose packet would end inside its own header is a protocol error; a total
 * past {@code package_max_length} is {@code PACKAGE_LENGTH_TOO_LARGE}, raised as soon as the header is in.
 *
 * <h2>EOF framing</h2>
 * With {@code package_eof = "\r\n"}:
 * <pre>
 * BEFORE (reads)               open_eof_check (messages)      open_eof_split (messages)
 * | ab\r\ncd\r\n | ef\r |      | ab\r\ncd\r\n |               | ab\r\n | cd\r\n |
 * | \n |                       | ef\r\n |                     | ef\r\n |
 * </pre>
 * {@code open_eof_check} only compares the end of the buffered data, so it delivers whatever ends with the
 * delimiter: the application splits glued packets itself (and a read that happens to end with the delimiter bytes
 * in the middle of a packet cuts it there, as in Swoole). {@code open_eof_split} scans for the first delimiter.
 * In both, {@code package_max_length} bytes without a delimiter is {@code PACKAGE_LENGTH_TOO_LARGE}.
 *
 * <h2>MQTT framing</h2>
 * <pre>
 * BEFORE                                  AFTER
 * | 0x30 0xC1 0x02 &lt;321 bytes&gt; 0xC0 0x00 |  -----&gt;  | 0x30 0xC1 0x02 &lt;321 bytes&gt; |  | 0xC0 0x00 |
 *   PUBLISH, remaining length 321           PINGREQ
 * </pre>
 * The remaining length is a varint of 1 to 4 bytes; a fourth byte with its continuation bit set is a protocol
 * error.
 */
public final class FrameSpec {
    /** Swoole's default {@code package_max_length}: 2 MiB. */
    public static final int DEFAULT_PACKAGE_MAX_LENGTH = 2 * 1024 * 1024;
    /** Swoole's internal default {@code package_eof}. */
    public static final String DEFAULT_PACKAGE_EOF = "\r\n\r\n";
    /** Swoole's internal default {@code package_body_offset} (its source, not its docs). */
    public static final int DEFAULT_PACKAGE_BODY_OFFSET = 4;
    /** The longest {@code package_eof} Swoole accepts. */
    public static final int MAX_EOF_LENGTH = 8;

    /** The framing a port uses. */
    public enum Mode {
        /** No framing: each read is one message. */
        NONE,
        /** {@code open_eof_check}: messages end with the delimiter, packets may be glued. */
        EOF_CHECK,
        /** {@code open_eof_split}: one packet per message, delimiter included. */
        EOF_SPLIT,
        /** {@code open_length_check}: a length field in a fixed header. */
        LENGTH,
        /** {@code package_length_func}: a {@link PackageLengthFunction} tells the length. */
        LENGTH_FUNCTION,
        /** {@code open_mqtt_protocol}: MQTT fixed header. */
        MQTT
    }

    private static final FrameSpec NONE = new FrameSpec(Mode.NONE, DEFAULT_PACKAGE_EOF.getBytes(StandardCharsets.UTF_8),
            LengthFieldType.UNSIGNED_LONG_BE, 0, DEFAULT_PACKAGE_BODY_OFFSET, null, DEFAULT_PACKAGE_MAX_LENGTH);

    private final Mode mode;
    private final byte[] packageEof;
    private final LengthFieldType lengthType;
    private final int lengthOffset;
    private final int bodyOffset;
    private final PackageLengthFunction lengthFunction;
    private final int maxLength;

    FrameSpec(Mode mode, byte[] packageEof, LengthFieldType lengthType, int lengthOffset, int bodyOffset,
              PackageLengthFunction lengthFunction, int maxLength) {
        this.mode = mode;
        this.packageEof = packageEof;
        this.lengthType = lengthType;
        this.lengthOffset = lengthOffset;
        this.bodyOffset = bodyOffset;
        this.lengthFunction = lengthFunction;
        this.maxLength = maxLength;
    }

    /**
     * Reads the framing keys of a port's settings (canonical Swoole names, typed values: see the class comment)
     * and validates them.
     *
     * @throws IllegalArgumentException naming the key, for a wrong type, a value out of range, or two framing modes
     *                                  at once
     */
    public static FrameSpec from(Map<String, ?> settings) {
        return FrameSettings.parse(settings);
    }

    /** No framing (each read is delivered as it is); {@link #newDecoder()} answers null. */
    public static FrameSpec none() {
        return NONE;
    }

    /** The keys {@link #from(Map)} reads, aliases included. */
    public static Set<String> keys() {
        return FrameSettings.KEYS;
    }

    /** Whether bytes are framed into packets (any mode but {@link Mode#NONE}). */
    public boolean isFramed() {
        return mode != Mode.NONE;
    }

    /**
     * A new decoder for one connection (decoders hold the connection's partial packet, so they are never shared),
     * or null when {@linkplain #isFramed() unframed}. It emits one {@code ByteBuf} per packet and throws a
     * {@link FrameException} on bad input; see {@link FrameDecoder}.
     */
    public ChannelHandler newDecoder() {
        return switch (mode) {
            case NONE -> null;
            case EOF_CHECK -> new EofCheckDecoder(packageEof, maxLength);
            case EOF_SPLIT -> new EofSplitDecoder(packageEof, maxLength);
            case LENGTH -> new LengthFieldDecoder(lengthType, lengthOffset, bodyOffset, maxLength);
            case LENGTH_FUNCTION -> new LengthFunctionDecoder(lengthFunction, maxLength);
            case MQTT -> new MqttFrameDecoder(maxLength);
        };
    }

    /** The framing mode. */
    public Mode mode() {
        return mode;
    }

    /** {@code package_eof} as bytes (a copy). */
    public byte[] packageEof() {
        return packageEof.clone();
    }

    /** {@code package_length_type}. */
    public LengthFieldType packageLengthType() {
        return lengthType;
    }

    /** {@code package_length_offset}. */
    public int packageLengthOffset() {
        return lengthOffset;
    }

    /** {@code package_body_offset}. */
    public int packageBodyOffset() {
        return bodyOffset;
    }

    /** {@code package_length_func}, or null. */
    public PackageLengthFunction packageLengthFunction() {
        return lengthFunction;
    }

    /** {@code package_max_length} in bytes. */
    public int packageMaxLength() {
        return maxLength;
    }

    @Override
    public String toString() {
        String detail = switch (mode) {
            case NONE, MQTT -> "";
            case EOF_CHECK, EOF_SPLIT -> " package_eof=" + escape(packageEof);
            case LENGTH -> " package_length_type=" + lengthType.code() + " package_length_offset=" + lengthOffset
                    + " package_body_offset=" + bodyOffset;
            case LENGTH_FUNCTION -> " package_length_func=" + lengthFunction;
        };
        return "FrameSpec[" + mode + detail + " package_max_length=" + maxLength + "]";
    }

    private static String escape(byte[] bytes) {
        StringBuilder sb = new StringBuilder("\"");
        for (byte b : bytes) {
            switch (b) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (b >= 0x20 && b < 0x7F && b != '"' && b != '\\') {
                        sb.append((char) b);
                    } else {
                        sb.append(String.format("\\x%02x", b & 0xFF));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FrameSpec f && mode == f.mode && Arrays.equals(packageEof, f.packageEof)
                && lengthType == f.lengthType && lengthOffset == f.lengthOffset && bodyOffset == f.bodyOffset
                && lengthFunction == f.lengthFunction && maxLength == f.maxLength;
    }

    @Override
    public int hashCode() {
        return ((mode.hashCode() * 31 + Arrays.hashCode(packageEof)) * 31 + lengthType.hashCode()) * 31
                + lengthOffset * 65537 + bodyOffset * 257 + maxLength;
    }
}
