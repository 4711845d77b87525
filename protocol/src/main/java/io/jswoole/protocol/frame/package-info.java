/**
 * Swoole's protocol framing as Netty decoders: {@link io.jswoole.protocol.frame.FrameSpec} reads the framing keys
 * of a port ({@code open_eof_check}, {@code open_eof_split}, {@code open_length_check},
 * {@code package_length_func}, {@code open_mqtt_protocol} and their parameters) and makes one decoder per
 * connection, which emits one buffer per complete packet and throws a
 * {@link io.jswoole.protocol.frame.FrameException} on bad input.
 */
package io.jswoole.protocol.frame;
