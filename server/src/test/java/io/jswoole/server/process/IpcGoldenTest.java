package io.jswoole.server.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.jswoole.server.mode.ConnectionOps;
import io.jswoole.server.spi.FrameInput;
import io.jswoole.server.spi.FrameOutput;
import io.jswoole.server.spi.PortProtocol;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bytes of every IPC frame, pinned: each message is encoded and compared with its golden frame, and the golden
 * frame is read back by the parser of the JVM that receives it (the worker JVM's {@link ToWorker#decode}, the
 * master's {@link ToMaster#decode}). A change to the wire format fails here first, with the frame that changed.
 * Fields are separated by spaces: length, type, then the fields in the order {@link Ipc} lists them.
 */
class IpcGoldenTest {
    /** A port protocol whose message and reply are a length-prefixed ASCII string. */
    private static final Ipc.Protocols TEXT = port -> new PortProtocol.Remote() {
        @Override
        public void writeMessage(int fd, Object message, PortProtocol.Delivery delivery, FrameOutput out) {
            writeReply(fd, message, out);
        }

        @Override
        public Object readMessage(int fd, FrameInput in) throws IOException {
            return readReply(fd, in);
        }

        @Override
        public void writeReply(int fd, Object reply, FrameOutput out) {
            out.writeInt(((String) reply).length());
            out.writeBytes((String) reply);
        }

        @Override
        public Object readReply(int fd, FrameInput in) throws IOException {
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
        }

        @Override
        public Object answer(Object question) {
            return null;
        }

        @Override
        public void workerLost(int workerId) {
        }
    };

    static Stream<Arguments> toWorker() {
        return Stream.of(
                arguments(new ToWorker.Connect(1, 7, 42, 0), "00000013 01 0001 00000007 000000000000002a 00000000"),
                arguments(new ToWorker.Receive(1, 7, 42, 0, bytes("hi")),
                        "00000019 02 0001 00000007 000000000000002a 00000000 00000002 6869"),
                arguments(new ToWorker.Close(1, 7, 42, 1), "00000013 03 0001 00000007 000000000000002a 00000001"),
                arguments(new ToWorker.Packet(2, "127.0.0.1", 5000, 9502, 1.5, new byte[] {1, 2}),
                        "00000026 04 0002 00000009 3132372e302e302e31 00001388 0000251e 3ff8000000000000"
                                + " 00000002 0102"),
                arguments(new ToWorker.Buffer(1, 7, 42, true), "00000010 05 0001 00000007 000000000000002a 01"),
                arguments(new ToWorker.Reply(3, List.of(1, "a")),
                        "00000019 06 0000000000000003 07 00000002 02 00000001 05 00000001 61"),
                arguments(new ToWorker.Stop(), "00000001 07"),
                arguments(new ToWorker.HalfClose(7, 42), "0000000d 08 00000007 000000000000002a"),
                arguments(new ToWorker.Task(0, 5, (byte) 1, Values.encode(9)),
                        "00000013 09 00000000 00000005 01 00000005 0200000009"),
                arguments(new ToWorker.Finish(5, (byte) 2, Values.encode(null)), "0000000b 0a 00000005 02 00000001 00"),
                arguments(new ToWorker.Pipe(-1, Values.encode("m")), "0000000f 0b ffffffff 00000006 05000000016d"),
                arguments(new ToWorker.Message(1, 7, 42, 0, "GET", null),
                        "0000001a 0c 0001 00000007 000000000000002a 00000000 00000003 474554"));
    }

    static Stream<Arguments> toMaster() {
        return Stream.of(
                arguments(new ToMaster.Hello(2, 12345), "0000000d 14 00000002 0000000000003039"),
                arguments(new ToMaster.Send(7, 42, bytes("ok")), "00000013 15 00000007 000000000000002a 00000002 6f6b"),
                arguments(new ToMaster.CloseFd(7, 42, true), "0000000e 16 00000007 000000000000002a 01"),
                arguments(new ToMaster.SendTo("::1", 5000, 3, new byte[] {9}),
                        "00000015 17 00000003 3a3a31 00001388 00000003 00000001 09"),
                arguments(new ToMaster.Control(ConnectionOps.Control.PROTECT, 7, 42),
                        "0000000e 18 03 00000007 000000000000002a"),
                arguments(new ToMaster.Call(4, ToMaster.Query.INFO, 7), "0000000f 1a 0000000000000004 02 0200000007"),
                arguments(new ToMaster.Closed(7, 42), "0000000d 1b 00000007 000000000000002a"),
                arguments(new ToMaster.Done(3), "00000005 1c 00000003"),
                arguments(new ToMaster.HalfClosed(7, 42), "0000000d 1d 00000007 000000000000002a"),
                arguments(new ToMaster.Task(-1, 5, (byte) 1, Values.encode(null)),
                        "0000000f 09 ffffffff 00000005 01 00000001 00"),
                arguments(new ToMaster.TaskResult(0, 5, Ipc.TASK_NONE, new byte[0]),
                        "0000000e 1f 00000000 00000005 04 00000000"),
                arguments(new ToMaster.PipeTo(1, Values.encode(null)), "0000000a 20 00000001 00000001 00"),
                arguments(new ToMaster.Write(1, 7, 42, "200"),
                        "00000016 21 0001 00000007 000000000000002a 00000003 323030"),
                arguments(new ToMaster.TasksRetired(new long[] {Ipc.taskKey(0, 5)}),
                        "0000000d 22 00000001 0000000000000005"),
                arguments(new ToMaster.Coroutines(3, 17), "00000009 23 00000003 00000011"));
    }

    @ParameterizedTest
    @MethodSource("toWorker")
    void aFrameForAWorkerJvmHasItsGoldenBytesAndReadsBack(ToWorker m, String golden) throws IOException {
        assertEquals(golden.replace(" ", ""), hex(ToWorker.encode(m, TEXT)), m.getClass().getSimpleName());
        ByteBuffer frame = frame(golden);
        assertSame(m, ToWorker.decode(frame.get(), new FrameInput(frame), TEXT));
    }

    @ParameterizedTest
    @MethodSource("toMaster")
    void aFrameForTheMasterHasItsGoldenBytesAndReadsBack(ToMaster m, String golden) throws IOException {
        assertEquals(golden.replace(" ", ""), hex(ToMaster.encode(m, TEXT)), m.getClass().getSimpleName());
        ByteBuffer frame = frame(golden);
        assertSame(m, ToMaster.decode(frame.get(), new FrameInput(frame), TEXT));
    }

    @Test
    void everyMessageTypeHasAGoldenFrame() {
        assertEquals(ToWorker.class.getPermittedSubclasses().length, toWorker().count());
        // ToMaster's connection frames are a sealed interface of their own, with its records
        long records = Stream.concat(Stream.of(ToMaster.class.getPermittedSubclasses()),
                Stream.of(ToMaster.ConnectionFrame.class.getPermittedSubclasses())).filter(Class::isRecord).count();
        assertEquals(records, toMaster().count());
    }

    @Test
    void aFrameWithBytesLeftOverIsRefused() {
        ByteBuffer frame = frame("00000006 1c 00000003 ff");
        IOException e = assertThrows(IOException.class,
                () -> ToMaster.decode(frame.get(), new FrameInput(frame), TEXT));
        assertTrue(e.getMessage().contains("1 bytes left over"), e.getMessage());
    }

    @Test
    void unknownTypesQueriesAndCountsAreRefused() {
        for (String golden : List.of("00000001 7f", "0000000b 1a 0000000000000001 63 00",
                "00000005 22 7fffffff", "00000006 18 09 00000007")) {
            ByteBuffer frame = frame(golden);
            assertThrows(IOException.class, () -> ToMaster.decode(frame.get(), new FrameInput(frame), TEXT), golden);
        }
        ByteBuffer frame = frame("00000001 7f");
        assertThrows(IOException.class, () -> ToWorker.decode(frame.get(), new FrameInput(frame), TEXT));
    }

    /** The body of a golden frame after its length, positioned at its type. */
    private static ByteBuffer frame(String golden) {
        ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex(golden.replace(" ", "")));
        assertEquals(b.getInt(), b.remaining(), "the golden frame's length");
        return b.slice();
    }

    /** Field by field, arrays by content (a record's equals compares arrays by identity). */
    private static void assertSame(Object expected, Object actual) {
        assertEquals(expected.getClass(), actual.getClass());
        for (RecordComponent c : expected.getClass().getRecordComponents()) {
            try {
                Object e = c.getAccessor().invoke(expected);
                Object a = c.getAccessor().invoke(actual);
                assertTrue(Objects.deepEquals(e, a), c.getName() + ": " + e + " vs " + a);
            } catch (ReflectiveOperationException ex) {
                throw new AssertionError(ex);
            }
        }
    }

    private static String hex(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return HexFormat.of().formatHex(a);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
