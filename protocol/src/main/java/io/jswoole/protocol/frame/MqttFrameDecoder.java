package io.jswoole.protocol.frame;

import io.jswoole.ErrorCode;
import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * {@code open_mqtt_protocol}: one MQTT control packet per message. The fixed header is one byte of type and flags
 * followed by the remaining length, a base-128 varint of 1 to 4 bytes (least significant group first, high bit =
 * another byte follows). A fourth length byte with its high bit set is malformed (a fifth byte is not allowed).
 * The packet is {@code 1 + varint bytes + remaining length} bytes long. No check of the packet type or of the
 * variable header: that is the application's (or a broker's) job, as in Swoole.
 */
final class MqttFrameDecoder extends FrameDecoder {
    /** MQTT allows at most 4 bytes of remaining length (268,435,455). */
    static final int MAX_LENGTH_BYTES = 4;

    /** Total length of the packet at the reader index, or -1 while its fixed header is incomplete. */
    private int total = -1;

    MqttFrameDecoder(int maxLength) {
        super(maxLength);
    }

    @Override
    void decodeFrames(ByteBuf in, List<Object> out) {
        if (total < 0) {
            int start = in.readerIndex();
            int readable = in.readableBytes();
            int remaining = 0;
            int lengthBytes = 0;
            while (true) {
                if (lengthBytes == MAX_LENGTH_BYTES) {
                    throw fail(in, ErrorCode.PROTOCOL_ERROR,
                            "malformed MQTT packet: remaining length longer than 4 bytes");
                }
                if (readable <= 1 + lengthBytes) {
                    return;
                }
                int b = in.getUnsignedByte(start + 1 + lengthBytes);
                remaining |= (b & 0x7F) << (7 * lengthBytes);
                lengthBytes++;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            long declared = 1L + lengthBytes + remaining;
            if (declared > maxLength) {
                throw tooLarge(in, Long.toString(declared));
            }
            total = (int) declared;
        }
        if (in.readableBytes() < total) {
            return;
        }
        out.add(in.readRetainedSlice(total));
        total = -1;
    }
}
