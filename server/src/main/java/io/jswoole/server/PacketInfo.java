package io.jswoole.server;

/**
 * The {@code clientInfo} of a {@code packet} event (UDP and Unix datagram): the sender's address and port (the
 * sender's path and 0 for Unix datagrams), the receiving port's socket id and port, and when the packet was
 * dispatched (Unix seconds).
 */
public record PacketInfo(String address, int port, int serverSocket, int serverPort, double dispatchTime) {
}
