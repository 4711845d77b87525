#!/usr/bin/env python3
"""Live heap per idle keep-alive HTTP connection of a running server (issue 22).

usage: bench/idle_heap.py PORT PID [N]

Warms the server up with 3 x 1,000 connections, then opens N (default 10,000) keep-alive connections that each
send one GET and read its answer, and holds them. The figure is the difference in live heap (jcmd
GC.class_histogram, which collects first) before and while they are held, divided by N; the top classes of the
histogram are printed with it. RSS is printed too, but the JVM does not give heap back, so it only grows.
"""
import re
import socket
import subprocess
import sys
import time

JCMD = '/usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd'
REQUEST = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"


def histogram(pid):
    out = subprocess.run([JCMD, str(pid), 'GC.class_histogram'], capture_output=True, text=True).stdout
    return int(re.search(r'Total\s+(\d+)\s+(\d+)', out).group(2)), out


def rss(pid):
    for line in open(f'/proc/{pid}/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1]) * 1024


def hold(port, n):
    held = []
    for _ in range(n):
        s = socket.create_connection(('127.0.0.1', port))
        s.sendall(REQUEST)
        s.recv(4096)
        held.append(s)
    return held


def main():
    port, pid = int(sys.argv[1]), int(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    for _ in range(3):
        for s in hold(port, 1000):
            s.close()
    time.sleep(1)
    heap0, _ = histogram(pid)
    rss0 = rss(pid)
    held = hold(port, n)
    time.sleep(2)
    heap1, out = histogram(pid)
    rss1 = rss(pid)
    print(f"{n} idle connections: live heap {(heap1 - heap0) / n:.0f} bytes each, RSS +{(rss1 - rss0) / n:.0f} bytes each")
    print("\n".join(line for line in out.splitlines() if re.match(r'\s*\d+:', line))[:1500])
    for s in held:
        s.close()


if __name__ == '__main__':
    main()
