package io.jswoole.protocol.frame;

import io.jswoole.ErrorCode;
import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * {@code open_length_check}: a length field of {@code package_length_type} at {@code package_length_offset};
 * the packet is {@code package_body_offset + length} bytes long. States: waiting for the header (the bytes up to
 * the end of the length field), then waiting for the {@code total} bytes the header declared. The declared total
 * is checked against {@code package_max_length} as soon as the header is there, before any byte of the body is
 * buffered.
 */
final class LengthFieldDecoder extends FrameDecoder {
    private final LengthFieldType type;
    private final int lengthOffset;
    private final int bodyOffset;
    private final int headerLength;
    /** Total length of the packet at the reader index, or -1 while its header is incomplete. */
    private int total = -1;

    LengthFieldDecoder(LengthFieldType type, int lengthOffset, int bodyOffset, int maxLength) {
        super(maxLength);
        this.type = type;
        this.lengthOffset = lengthOffset;
        this.bodyOffset = bodyOffset;
        this.headerLength = lengthOffset + type.size();
    }

    @Override
    void decodeFrames(ByteBuf in, List<Object> out) {
        if (total < 0) {
            if (in.readableBytes() < headerLength) {
                return;
            }
            long length = type.read(in, in.readerIndex() + lengthOffset);
            if (length < 0) {
                if (!type.signed()) {
                    // an unsigned 64-bit value past Long.MAX_VALUE
                    throw tooLarge(in, Long.toUnsignedString(length) + " (" + type.code() + ")");
                }
                throw fail(in, ErrorCode.PROTOCOL_ERROR, "invalid package: negative length " + length
                        + " in package_length_type '" + type.code() + "'");
            }
            if (length > maxLength - bodyOffset) {
                // checked without adding, so that body offset + length cannot overflow
                throw tooLarge(in, bodyOffset + "+" + length);
            }
            int declared = (int) (bodyOffset + length);
            if (declared < headerLength) {
                throw fail(in, ErrorCode.PROTOCOL_ERROR, "invalid package: length " + length
                        + " ends the package (" + declared + " bytes) before its " + headerLength + "-byte header");
            }
            total = declared;
        }
        if (in.readableBytes() < total) {
            return;
        }
        out.add(in.readRetainedSlice(total));
        total = -1;
    }
}
