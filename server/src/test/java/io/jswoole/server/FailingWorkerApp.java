package io.jswoole.server;

/** A worker entry point that cannot start: PROCESS mode must say why instead of respawning it for ever. */
public final class FailingWorkerApp {
    private FailingWorkerApp() {
    }

    public static void main(String[] args) {
        throw new IllegalStateException("worker cannot start: configuration file missing (on purpose)");
    }
}
