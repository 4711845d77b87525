/**
 * The engine's service-provider interface, for protocol and operations modules (HTTP, WebSocket, Redis, metrics),
 * not for applications: a port's protocol ({@link io.jswoole.server.spi.PortProtocol}), framed input and output
 * across the PROCESS-mode IPC ({@link io.jswoole.server.spi.FrameInput}, {@link io.jswoole.server.spi.FrameOutput},
 * {@link io.jswoole.server.spi.Wire}), what a protocol may ask of the engine
 * ({@link io.jswoole.server.spi.ProtocolSupport}), and the admin listener's view of a server
 * ({@link io.jswoole.server.spi.AdminService}, {@link io.jswoole.server.spi.ServerProbe}). It names only the API.
 */
package io.jswoole.server.spi;
