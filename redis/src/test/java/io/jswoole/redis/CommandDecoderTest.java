package io.jswoole.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Commands out of bytes as redis-server reads them, at every split point, and each protocol error. */
class CommandDecoderTest {
    private static List<Object> decode(long max, byte[]... chunks) {
        EmbeddedChannel ch = new EmbeddedChannel(new CommandDecoder(max));
        for (byte[] c : chunks) {
            ch.writeInbound(Unpooled.wrappedBuffer(c));
        }
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            out.add(o);
        }
        ch.finishAndReleaseAll();
        return out;
    }

    private static List<Object> decode(String... chunks) {
        return decode(1 << 20, java.util.Arrays.stream(chunks).map(c -> c.getBytes(StandardCharsets.ISO_8859_1))
                .toArray(byte[][]::new));
    }

    /** Commands as lists of strings; protocol errors as their text. */
    private static List<Object> words(List<Object> decoded) {
        return decoded.stream().map(o -> o instanceof CommandDecoder.ProtocolError e ? (Object) e.message()
                : ((List<?>) o).stream().map(b -> new String((byte[]) b, StandardCharsets.ISO_8859_1)).toList())
                .toList();
    }

    @Test
    void everyCommandOfAPipelinedReadAtEverySplitPoint() {
        String input = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nv\r\nal\r\n*1\r\n$4\r\nPING\r\nPING\r\n"
                + "set a \"b c\\x41\\n\" 'it\\'s'\r\n\r\n*0\r\n*-1\r\nECHO x\n";
        List<Object> expected = List.of(List.of("SET", "k", "v\r\nal"), List.of("PING"), List.of("PING"),
                List.of("set", "a", "b cA\n", "it's"), List.of("ECHO", "x"));
        for (int i = 0; i <= input.length(); i++) {
            for (int j = i; j <= input.length(); j += Math.max(1, input.length() / 7)) {
                assertThat(words(decode(input.substring(0, i), input.substring(i, j), input.substring(j))))
                        .as("split at %d and %d", i, j).isEqualTo(expected);
            }
        }
    }

    @Test
    void protocolErrorsHaveRedisOwnTextAndStopTheInput() {
        assertThat(words(decode("*3000000000\r\n"))).containsExactly("ERR Protocol error: invalid multibulk length");
        assertThat(words(decode("*20000000\r\n"))).containsExactly("ERR Protocol error: invalid multibulk length");
        assertThat(words(decode("*1\r\nfoo\r\nPING\r\n")))
                .containsExactly("ERR Protocol error: expected '$', got 'f'");
        assertThat(words(decode("*1\r\n$-1\r\n"))).containsExactly("ERR Protocol error: invalid bulk length");
        assertThat(words(decode("*1\r\n$abc\r\n"))).containsExactly("ERR Protocol error: invalid bulk length");
        assertThat(words(decode("*1\r\n$2000000000\r\n")))
                .containsExactly("ERR Protocol error: invalid bulk length");
        assertThat(words(decode("*1\r\n$3\r\nabcde\r\n")))
                .containsExactly("ERR Protocol error: expected CRLF after a bulk of 3 bytes");
        assertThat(words(decode("set a \"unbalanced\r\n")))
                .containsExactly("ERR Protocol error: unbalanced quotes in request");
        assertThat(words(decode("x".repeat(70_000))))
                .containsExactly("ERR Protocol error: too big inline request");
        assertThat(words(decode("*" + "1".repeat(70_000))))
                .containsExactly("ERR Protocol error: too big mbulk count string");
        assertThat(words(decode("*1\r\n$" + "1".repeat(70_000))))
                .containsExactly("ERR Protocol error: too big bulk count string");
        // commands before the error are still decoded; nothing after it
        assertThat(words(decode("PING\r\n*1\r\nbad\r\nPING\r\n")))
                .containsExactly(List.of("PING"), "ERR Protocol error: expected '$', got 'b'");
    }

    @Test
    void aCommandIsBoundedByPackageMaxLengthBeforeItsBytesArrive() {
        List<Object> out = decode(1000, ("*2\r\n$600\r\n" + "a".repeat(600) + "\r\n$600\r\n").getBytes());
        assertThat(words(out)).containsExactly("ERR Protocol error: command over package_max_length (1000 bytes)");
        assertThat(words(decode(1000, "*1\r\n$1001\r\n".getBytes())))
                .containsExactly("ERR Protocol error: invalid bulk length");
    }
}
