/**
 * jswoole's server API, what applications use: {@link io.jswoole.server.Server}, {@link io.jswoole.server.Port},
 * {@link io.jswoole.server.Mode}, {@link io.jswoole.server.SockType}, the callbacks, the settings, the task and
 * client info types. The engine lives in internal sub-packages (config, mode, reactor, dispatch, worker, task,
 * process, tls, os) and reaches the state the API objects keep for it only through {@code mode.ServerAccess};
 * {@link io.jswoole.server.spi} is for protocol modules. {@code PackageDirectionTest} (module it) checks that no
 * other module names the internal packages, and the direction of imports between them.
 */
package io.jswoole.server;
