#!/usr/bin/env python3
"""Time from kill -9 of a PROCESS-mode worker to its replacement answering on the same connection.

usage: bench/kill9.py PORT [ROUNDS]   (server: ./jswoole run tcp-echo --mode process --port PORT --set worker_num=1)
Each round: echo once, kill -9 the pid `ps` shows as `jswoole: worker #0`
under the master started with `--port PORT`, wait until it is reaped, send, and time
the echo from the kill. Prints one line per round and the median.
"""
import os, signal, socket, subprocess, sys, time

port = int(sys.argv[1])
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(10)


def echo(msg):
    s.sendall(msg)
    got = b""
    while len(got) < len(msg):
        got += s.recv(65536)
    return got


def pgrep(*args):
    return subprocess.run(["pgrep", *args], capture_output=True, text=True).stdout.split()


def worker_pid():
    # worker #0 of the master serving PORT only: other servers may run on this machine
    masters = pgrep("-f", f"^jswoole: master .*--port {port}( |$)")
    if len(masters) != 1:
        raise SystemExit(f"expected one master with --port {port}, found {masters}")
    for _ in range(200):
        out = pgrep("-P", masters[0], "-f", "^jswoole: worker #0")
        if out:
            return int(out[0])
        time.sleep(0.05)
    raise SystemExit("no worker #0")


times = []
for r in range(rounds):
    assert echo(b"before\n") == b"before\n"
    pid = worker_pid()
    t0 = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    # gone = reaped by the master; a zombie leader may still have threads (and the IPC socket) tearing down,
    # and a frame written to the socket then is lost with the worker (at most once)
    while os.path.exists(f"/proc/{pid}"):
        time.sleep(0.001)
    assert echo(b"after\n") == b"after\n"
    ms = (time.monotonic() - t0) * 1000
    times.append(ms)
    print(f"round {r + 1}: pid {pid} killed, replacement answered {ms:.0f} ms after the kill")
    time.sleep(1.5)  # past the manager's quick-death window, so no back-off
print(f"median {sorted(times)[len(times) // 2]:.0f} ms")
