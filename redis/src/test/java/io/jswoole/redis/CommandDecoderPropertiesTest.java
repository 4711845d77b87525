package io.jswoole.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Any pipeline of commands, each written as a client writes it (a multibulk, which is what {@link Resp} writes
 * for an array of bulks, or an inline line with Redis's quoting), glued into one stream and cut at any points, is
 * decoded into the same commands; a protocol error anywhere yields the commands before it and the error, nothing
 * after. Fixed seeds keep runs reproducible.
 */
class CommandDecoderPropertiesTest {
    private static final String SEED = "20261203";

    /** A command and how it is sent. */
    record Sent(List<byte[]> argv, boolean inline) {
        byte[] bytes() {
            return inline ? inlineLine(argv) : multibulk(argv);
        }

        @Override
        public String toString() {
            return (inline ? "inline " : "multibulk ") + argv.stream().map(Arrays::toString).toList();
        }
    }

    /** The command as a RESP array of bulk strings, written by {@link Resp}. */
    static byte[] multibulk(List<byte[]> argv) {
        ByteBuf out = Unpooled.buffer();
        try {
            Resp.write(Reply.array(argv.stream().map(Reply::bulk).toList()), 2, out);
            byte[] b = new byte[out.readableBytes()];
            out.readBytes(b);
            return b;
        } finally {
            out.release();
        }
    }

    /** The command as an inline line: each word in double quotes, other than printable ASCII as {@code \xHH}. */
    static byte[] inlineLine(List<byte[]> argv) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (byte[] word : argv) {
            if (line.size() > 0) {
                line.write(' ');
            }
            line.write('"');
            for (byte b : word) {
                if (b == '"' || b == '\\') {
                    line.write('\\');
                    line.write(b);
                } else if (b >= ' ' && b <= '~') {
                    line.write(b);
                } else {
                    line.writeBytes(String.format("\\x%02x", b & 0xff).getBytes());
                }
            }
            line.write('"');
        }
        line.writeBytes("\r\n".getBytes());
        return line.toByteArray();
    }

    @Provide
    Arbitrary<List<Sent>> pipelines() {
        return pipelines(Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
                Arbitraries.integers().between(1000, 5000).map(n -> new byte[n]))); // and big bulks
    }

    @Provide
    Arbitrary<List<Sent>> smallPipelines() {
        return pipelines(Arbitraries.bytes().array(byte[].class).ofMaxSize(40));
    }

    /** Up to 20 commands of 1 to 6 words, one in four inline (its words short: an inline line has 64 KiB). */
    private static Arbitrary<List<Sent>> pipelines(Arbitrary<byte[]> words) {
        Arbitrary<Sent> multibulks = words.list().ofMinSize(1).ofMaxSize(6).map(a -> new Sent(a, false));
        Arbitrary<Sent> inlines = Arbitraries.bytes().array(byte[].class).ofMaxSize(40).list().ofMinSize(1)
                .ofMaxSize(6).map(a -> new Sent(a, true));
        return Arbitraries.frequencyOf(Tuple.of(3, multibulks), Tuple.of(1, inlines)).list().ofMaxSize(20);
    }

    /** The pipeline's bytes, with requests that redis-server skips between the commands (empty lines, *0, *-1). */
    private static byte[] stream(List<Sent> pipeline, List<Integer> noise) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[] skipped = {"\r\n", "*0\r\n", "*-1\r\n", "\n"};
        for (int i = 0; i < pipeline.size(); i++) {
            if (i < noise.size() && noise.get(i) < skipped.length) {
                out.writeBytes(skipped[noise.get(i)].getBytes());
            }
            out.writeBytes(pipeline.get(i).bytes());
        }
        return out.toByteArray();
    }

    @Property(seed = SEED)
    void anyPipelineCutAnywhereIsDecodedIntoItsCommands(@ForAll("pipelines") List<Sent> pipeline,
            @ForAll @Size(max = 10) List<@IntRange(max = 7) Integer> noise,
            @ForAll @Size(max = 24) List<@IntRange(max = 1_000_000) Integer> cuts) {
        byte[] stream = stream(pipeline, noise);
        assertThat(words(decode(stream, cuts(cuts, stream.length))))
                .isEqualTo(pipeline.stream().map(s -> words(s.argv())).toList());
    }

    @Property(seed = SEED, tries = 40)
    void byteByByteTheSameCommands(@ForAll("smallPipelines") List<Sent> pipeline) {
        byte[] stream = stream(pipeline, List.of());
        int[] everyByte = new int[Math.max(0, stream.length - 1)];
        Arrays.setAll(everyByte, i -> i + 1);
        assertThat(words(decode(stream, everyByte))).isEqualTo(pipeline.stream().map(s -> words(s.argv())).toList());
    }

    @Provide
    Arbitrary<String[]> badRequests() {
        return Arbitraries.of(
                new String[] {"*1\r\nfoo\r\n", "ERR Protocol error: expected '$', got 'f'"},
                new String[] {"*3000000000\r\n", "ERR Protocol error: invalid multibulk length"},
                new String[] {"*2\r\n$3\r\nGET\r\n$-5\r\n", "ERR Protocol error: invalid bulk length"},
                new String[] {"*1\r\n$3\r\nabcde\r\n", "ERR Protocol error: expected CRLF after a bulk of 3 bytes"},
                new String[] {"set a \"b\r\n", "ERR Protocol error: unbalanced quotes in request"});
    }

    @Property(seed = SEED)
    void aProtocolErrorYieldsTheCommandsBeforeItThenTheErrorThenNothing(@ForAll("pipelines") List<Sent> before,
            @ForAll("badRequests") String[] bad, @ForAll("pipelines") List<Sent> after,
            @ForAll @Size(max = 24) List<@IntRange(max = 1_000_000) Integer> cuts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(stream(before, List.of()));
        out.writeBytes(bad[0].getBytes());
        out.writeBytes(stream(after, List.of()));
        byte[] stream = out.toByteArray();
        List<Object> expected = new ArrayList<>(before.stream().map(s -> words(s.argv())).toList());
        expected.add(bad[1]);
        assertThat(words(decode(stream, cuts(cuts, stream.length)))).isEqualTo(expected);
    }

    /** Cut offsets, scaled from millionths of the stream length. */
    private static int[] cuts(List<Integer> millionths, int length) {
        TreeSet<Integer> set = new TreeSet<>();
        for (int m : millionths) {
            set.add((int) ((long) m * length / 1_000_000));
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    /** What the decoder emits for {@code stream} read in pieces ending at {@code cuts}. */
    private static List<Object> decode(byte[] stream, int[] cuts) {
        EmbeddedChannel ch = new EmbeddedChannel(new CommandDecoder(1 << 20));
        int from = 0;
        for (int cut : cuts) {
            ch.writeInbound(Unpooled.wrappedBuffer(stream, from, cut - from));
            from = cut;
        }
        ch.writeInbound(Unpooled.wrappedBuffer(stream, from, stream.length - from));
        List<Object> out = new ArrayList<>();
        Object o;
        while ((o = ch.readInbound()) != null) {
            out.add(o);
        }
        ch.finishAndReleaseAll();
        return out;
    }

    /** Decoded commands as lists of byte lists (comparable), protocol errors as their text. */
    private static List<Object> words(List<?> decoded) {
        List<Object> out = new ArrayList<>();
        for (Object o : decoded) {
            out.add(o instanceof CommandDecoder.ProtocolError e ? e.message() : o instanceof byte[] b ? bytes(b)
                    : words((List<?>) o));
        }
        return out;
    }

    private static List<Byte> bytes(byte[] b) {
        List<Byte> out = new ArrayList<>(b.length);
        for (byte x : b) {
            out.add(x);
        }
        return out;
    }
}
