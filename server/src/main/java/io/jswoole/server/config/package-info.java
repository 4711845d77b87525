/**
 * Internal: the settings of one start as the engine uses them, typed, with their one default, and checked together
 * before any resource exists ({@link io.jswoole.server.config.ServerConfig} for the server,
 * {@link io.jswoole.server.config.PortConfig} for a port). Worker JVMs build the same records from the same settings.
 */
package io.jswoole.server.config;
