package io.jswoole.http;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Response compression as Swoole does it ({@code http_compression}): whole responses only, gzip or deflate as the
 * request's {@code Accept-Encoding} prefers (by q-value, gzip on a tie), at {@code http_compression_level}.
 * Done where the response is made, in the worker, so the reactor only writes bytes.
 */
final class Compression {
    static final String GZIP = "gzip", DEFLATE = "deflate";

    private Compression() {
    }

    /** The encoding to use for a client that sent {@code acceptEncoding}, or null for none. */
    static String choose(CharSequence acceptEncoding) {
        if (acceptEncoding == null) {
            return null;
        }
        float star = -1, gzip = -1, deflate = -1;
        for (String part : acceptEncoding.toString().split(",")) {
            float q = 1.0f;
            int eq = part.indexOf('=');
            if (eq >= 0) {
                try {
                    q = Float.parseFloat(part.substring(eq + 1).trim());
                } catch (NumberFormatException e) {
                    q = 0;
                }
            }
            if (part.contains("*")) {
                star = q;
            } else if (part.contains(GZIP) && q > gzip) {
                gzip = q;
            } else if (part.contains(DEFLATE) && q > deflate) {
                deflate = q;
            }
        }
        if (gzip > 0 || deflate > 0) {
            return gzip >= deflate ? GZIP : DEFLATE;
        }
        if (star > 0) {
            if (gzip == -1) {
                return GZIP;
            }
            if (deflate == -1) {
                return DEFLATE;
            }
        }
        return null;
    }

    /** {@code body} compressed with {@code encoding} (gzip: RFC 1952; deflate: the zlib format, RFC 1950). */
    static byte[] compress(byte[] body, String encoding, int level) {
        boolean gzip = encoding.equals(GZIP);
        Deflater d = new Deflater(level, gzip);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 2 + 64);
            if (gzip) {
                out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff}, 0, 10);
            }
            d.setInput(body);
            d.finish();
            byte[] buf = new byte[Math.max(512, Math.min(body.length, 64 * 1024))];
            while (!d.finished()) {
                int n = d.deflate(buf);
                out.write(buf, 0, n);
            }
            if (gzip) {
                CRC32 crc = new CRC32();
                crc.update(body);
                int c = (int) crc.getValue();
                int len = body.length;
                out.write(new byte[] {(byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
                        (byte) len, (byte) (len >> 8), (byte) (len >> 16), (byte) (len >> 24)}, 0, 8);
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }
}
