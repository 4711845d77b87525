/**
 * jswoole's server: the API applications use ({@link io.jswoole.server.Server}, {@link io.jswoole.server.Port},
 * {@link io.jswoole.server.Mode}, {@link io.jswoole.server.SockType}, the callbacks, the settings) and, package-private,
 * the engine that runs it: the mode chosen once at {@code start()} ({@code ModeRuntime}), the reactor side, dispatch,
 * workers and task workers, and the PROCESS master and worker JVMs. Only the public types are the API; the
 * sub-package {@link io.jswoole.server.spi} is for protocol modules, {@link io.jswoole.server.os} is internal.
 * {@code PackageDirectionTest} (module it) checks that no other module names anything else of the engine.
 */
package io.jswoole.server;
