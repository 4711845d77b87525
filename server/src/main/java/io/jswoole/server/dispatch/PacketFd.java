package io.jswoole.server.dispatch;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * The {@code fd} that {@code dispatch_func} gets for a datagram, computed as Swoole's reactor does
 * ({@code src/server/reactor_thread.cc}): for IPv4 the {@code in_addr} read as a native (little-endian) int, for
 * IPv6 the CRC-32 of the client's {@code sockaddr_in6} (family, port, flow info, address, scope).
 */
final class PacketFd {
    private static final short AF_INET6 = 10;

    private PacketFd() {
    }

    static int of(String address, int port) {
        InetAddress a = InetAddress.ofLiteral(address);
        byte[] raw = a.getAddress();
        if (a instanceof Inet4Address) {
            return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt();
        }
        ByteBuffer sa = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        sa.putShort(AF_INET6);
        sa.order(ByteOrder.BIG_ENDIAN).putShort((short) port);
        sa.putInt(0).put(raw).putInt(0);
        CRC32 crc = new CRC32();
        crc.update(sa.array());
        return (int) crc.getValue();
    }
}
