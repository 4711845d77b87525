package io.jswoole.server;

/**
 * The conversions {@link Server#set} applies to setting values, for modules that validate keys of their own (the
 * HTTP server): booleans, integers and sizes from Java values or command-line strings, with errors that name the
 * key.
 */
public final class SettingValues {
    private SettingValues() {
    }

    /** A Boolean, "true"/"false", or 0/1. */
    public static boolean toBoolean(String key, Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equals("true") || s.equals("false"))) {
            return Boolean.parseBoolean(s);
        }
        if (v instanceof Number n && (n.longValue() == 0 || n.longValue() == 1)) {
            return n.longValue() == 1;
        }
        throw bad(key, "must be a boolean, got " + describe(v));
    }

    /** An integral number (or its decimal string) in {@code [min, max]}. */
    public static long toLong(String key, Object v, long min, long max) {
        long n;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            n = ((Number) v).longValue();
        } else if (v instanceof String s) {
            try {
                n = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw bad(key, "must be an integer, got " + describe(v));
            }
        } else {
            throw bad(key, "must be an integer, got " + describe(v));
        }
        return range(key, n, min, max);
    }

    /** A size: a number of bytes, or a PHP ini quantity string ({@code 512}, {@code 64K}, {@code 2M}, {@code 1G}). */
    public static long toSize(String key, Object v, long min, long max) {
        if (!(v instanceof String s)) {
            return toLong(key, v, min, max);
        }
        String t = s.trim();
        if (t.isEmpty()) {
            throw bad(key, "must be a size such as 2M, got an empty string");
        }
        long mul = switch (Character.toUpperCase(t.charAt(t.length() - 1))) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        String digits = mul == 1 ? t : t.substring(0, t.length() - 1);
        try {
            return range(key, Math.multiplyExact(Long.parseLong(digits.trim()), mul), min, max);
        } catch (NumberFormatException | ArithmeticException e) {
            throw bad(key, "must be a size such as 2M, got '" + s + "'");
        }
    }

    /** A number (or its decimal string) in {@code [min, max]}; fractions allowed. */
    public static double toDouble(String key, Object v, double min, double max) {
        double d;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else if (v instanceof String s) {
            try {
                d = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw bad(key, "must be a number, got " + describe(v));
            }
        } else {
            throw bad(key, "must be a number, got " + describe(v));
        }
        if (!(d >= min && d <= max)) {
            throw bad(key, "must be between " + min + " and " + max + ", got " + d);
        }
        return d;
    }

    /** A string. */
    public static String toText(String key, Object v) {
        if (!(v instanceof String s)) {
            throw bad(key, "must be a string, got " + describe(v));
        }
        return s;
    }

    static long range(String key, long n, long min, long max) {
        if (n < min || n > max) {
            throw bad(key, "must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    /** An error that names the key: {@code setting 'key' why}. */
    public static IllegalArgumentException bad(String key, String why) {
        return new IllegalArgumentException("setting '" + key + "' " + why);
    }

    /** A value for error messages: its type, and the value itself. */
    public static String describe(Object v) {
        return v.getClass().getSimpleName() + " " + (v instanceof String ? "'" + v + "'" : String.valueOf(v));
    }
}
