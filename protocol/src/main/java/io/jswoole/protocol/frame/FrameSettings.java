package io.jswoole.protocol.frame;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** Reads and validates the framing keys of a settings map into a {@link FrameSpec}. */
final class FrameSettings {
    static final String OPEN_EOF_CHECK = "open_eof_check";
    static final String OPEN_EOF_SPLIT = "open_eof_split";
    static final String PACKAGE_EOF = "package_eof";
    static final String OPEN_LENGTH_CHECK = "open_length_check";
    static final String PACKAGE_LENGTH_TYPE = "package_length_type";
    static final String PACKAGE_LENGTH_OFFSET = "package_length_offset";
    static final String PACKAGE_BODY_OFFSET = "package_body_offset";
    static final String PACKAGE_BODY_START = "package_body_start";
    static final String PACKAGE_LENGTH_FUNC = "package_length_func";
    static final String PACKAGE_MAX_LENGTH = "package_max_length";
    static final String OPEN_MQTT_PROTOCOL = "open_mqtt_protocol";

    static final Set<String> KEYS = Set.of(OPEN_EOF_CHECK, OPEN_EOF_SPLIT, PACKAGE_EOF, OPEN_LENGTH_CHECK,
            PACKAGE_LENGTH_TYPE, PACKAGE_LENGTH_OFFSET, PACKAGE_BODY_OFFSET, PACKAGE_BODY_START, PACKAGE_LENGTH_FUNC,
            PACKAGE_MAX_LENGTH, OPEN_MQTT_PROTOCOL);

    /** Swoole keeps both offsets in 16-bit fields. */
    private static final int MAX_OFFSET = 65535;

    private FrameSettings() {
    }

    static FrameSpec parse(Map<String, ?> settings) {
        Objects.requireNonNull(settings, "settings");
        boolean eofCheck = bool(settings, OPEN_EOF_CHECK);
        boolean eofSplit = bool(settings, OPEN_EOF_SPLIT);
        boolean lengthCheck = bool(settings, OPEN_LENGTH_CHECK);
        boolean mqtt = bool(settings, OPEN_MQTT_PROTOCOL);
        byte[] eof = eof(settings);
        LengthFieldType type = lengthType(settings);
        int lengthOffset = (int) integer(settings, PACKAGE_LENGTH_OFFSET, 0, 0, MAX_OFFSET);
        int bodyOffset = bodyOffset(settings);
        int maxLength = (int) integer(settings, PACKAGE_MAX_LENGTH, FrameSpec.DEFAULT_PACKAGE_MAX_LENGTH, 1,
                Integer.MAX_VALUE);
        PackageLengthFunction function = function(settings);

        boolean eofMode = eofCheck || eofSplit;
        boolean lengthMode = lengthCheck || function != null;
        if (mqtt && (eofMode || lengthMode)) {
            throw new IllegalArgumentException(OPEN_MQTT_PROTOCOL + ": cannot be combined with "
                    + (eofMode ? (eofSplit ? OPEN_EOF_SPLIT : OPEN_EOF_CHECK)
                    : (function != null ? PACKAGE_LENGTH_FUNC : OPEN_LENGTH_CHECK))
                    + " (one framing mode per port)");
        }
        if (eofMode && lengthMode) {
            throw new IllegalArgumentException((function != null ? PACKAGE_LENGTH_FUNC : OPEN_LENGTH_CHECK)
                    + ": cannot be combined with " + (eofSplit ? OPEN_EOF_SPLIT : OPEN_EOF_CHECK)
                    + " (one framing mode per port)");
        }

        FrameSpec.Mode mode;
        if (mqtt) {
            mode = FrameSpec.Mode.MQTT;
        } else if (function != null) {
            mode = FrameSpec.Mode.LENGTH_FUNCTION;
        } else if (lengthCheck) {
            mode = FrameSpec.Mode.LENGTH;
            int headerEnd = lengthOffset + type.size();
            if (bodyOffset != 0 && bodyOffset < headerEnd) {
                throw new IllegalArgumentException(PACKAGE_BODY_OFFSET + ": " + bodyOffset + " starts the counted "
                        + "bytes inside the length field (which ends at byte " + headerEnd + "); use 0 when the "
                        + "length counts the whole packet or at least " + headerEnd + " when it counts the body");
            }
            if (Math.max(headerEnd, bodyOffset) > maxLength) {
                throw new IllegalArgumentException(PACKAGE_MAX_LENGTH + ": " + maxLength + " is shorter than the "
                        + Math.max(headerEnd, bodyOffset) + "-byte header");
            }
        } else if (eofSplit) {
            mode = FrameSpec.Mode.EOF_SPLIT;
        } else if (eofCheck) {
            mode = FrameSpec.Mode.EOF_CHECK;
        } else {
            mode = FrameSpec.Mode.NONE;
        }
        if (eofMode && maxLength < eof.length) {
            throw new IllegalArgumentException(PACKAGE_MAX_LENGTH + ": " + maxLength + " is shorter than "
                    + PACKAGE_EOF + " (" + eof.length + " bytes)");
        }
        return new FrameSpec(mode, eof, type, lengthOffset, bodyOffset, function, maxLength);
    }

    private static Object value(Map<String, ?> settings, String key) {
        if (!settings.containsKey(key)) {
            return null;
        }
        Object v = settings.get(key);
        if (v == null) {
            throw new IllegalArgumentException(key + ": must not be null");
        }
        return v;
    }

    private static boolean bool(Map<String, ?> settings, String key) {
        Object v = value(settings, key);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, "a Boolean", v);
    }

    private static long integer(Map<String, ?> settings, String key, long absent, long min, long max) {
        Object v = value(settings, key);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte)) {
            throw wrongType(key, "an integer", v);
        }
        long n = ((Number) v).longValue();
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + ": " + n + " is out of range [" + min + ", " + max + "]");
        }
        return n;
    }

    private static int bodyOffset(Map<String, ?> settings) {
        long offset = integer(settings, PACKAGE_BODY_OFFSET, -1, 0, MAX_OFFSET);
        long start = integer(settings, PACKAGE_BODY_START, -1, 0, MAX_OFFSET);
        if (offset >= 0 && start >= 0 && offset != start) {
            throw new IllegalArgumentException(PACKAGE_BODY_START + ": " + start + " contradicts its alias "
                    + PACKAGE_BODY_OFFSET + " (" + offset + ")");
        }
        long v = offset >= 0 ? offset : start;
        return v >= 0 ? (int) v : FrameSpec.DEFAULT_PACKAGE_BODY_OFFSET;
    }

    private static byte[] eof(Map<String, ?> settings) {
        Object v = value(settings, PACKAGE_EOF);
        byte[] eof;
        if (v == null) {
            eof = FrameSpec.DEFAULT_PACKAGE_EOF.getBytes(StandardCharsets.UTF_8);
        } else if (v instanceof String s) {
            eof = s.getBytes(StandardCharsets.UTF_8);
        } else if (v instanceof byte[] b) {
            eof = b.clone();
        } else {
            throw wrongType(PACKAGE_EOF, "a String or byte[]", v);
        }
        if (eof.length == 0 || eof.length > FrameSpec.MAX_EOF_LENGTH) {
            throw new IllegalArgumentException(PACKAGE_EOF + ": must be 1 to " + FrameSpec.MAX_EOF_LENGTH
                    + " bytes, got " + eof.length);
        }
        return eof;
    }

    private static LengthFieldType lengthType(Map<String, ?> settings) {
        Object v = value(settings, PACKAGE_LENGTH_TYPE);
        if (v == null) {
            return LengthFieldType.UNSIGNED_LONG_BE;
        }
        char code;
        if (v instanceof Character c) {
            code = c;
        } else if (v instanceof String s && s.length() == 1) {
            code = s.charAt(0);
        } else if (v instanceof String s) {
            throw new IllegalArgumentException(PACKAGE_LENGTH_TYPE + ": \"" + s
                    + "\" is not one character (one of c C s S n N l L v V q Q J P)");
        } else {
            throw wrongType(PACKAGE_LENGTH_TYPE, "a one-character String", v);
        }
        LengthFieldType type = LengthFieldType.ofCode(code);
        if (type == null) {
            throw new IllegalArgumentException(PACKAGE_LENGTH_TYPE + ": unknown type '" + code
                    + "' (one of c C s S n N l L v V q Q J P)");
        }
        return type;
    }

    private static PackageLengthFunction function(Map<String, ?> settings) {
        Object v = value(settings, PACKAGE_LENGTH_FUNC);
        if (v == null) {
            return null;
        }
        if (v instanceof PackageLengthFunction f) {
            return f;
        }
        throw wrongType(PACKAGE_LENGTH_FUNC, "a " + PackageLengthFunction.class.getName(), v);
    }

    private static IllegalArgumentException wrongType(String key, String expected, Object v) {
        return new IllegalArgumentException(key + ": expected " + expected + ", got "
                + v.getClass().getSimpleName() + " " + v);
    }
}
