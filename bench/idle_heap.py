#!/usr/bin/env python3
"""Live heap per idle keep-alive HTTP connection of a running server (issue 22).

usage: bench/idle_heap.py PORT PID [N] [ws]

Warms the server up with 3 x 1,000 connections, then opens N (default 10,000) keep-alive connections that each
send one GET and read its answer, and holds them. The figure is the difference in live heap (jcmd
GC.class_histogram, which collects first) before and while they are held, divided by N; the classes that grew most are
printed with it, per connection. RSS is printed too, but the JVM does not give heap back, so it only grows.
"""
import re
import socket
import subprocess
import sys
import time

JCMD = '/usr/lib/jvm/temurin-25-jdk-amd64/bin/jcmd'
REQUEST = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n"
# with "ws": each connection is upgraded to WebSocket (the handshake's answer read) and held open
UPGRADE = (b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")


# past http_header_timeout (10 s): the header timer armed by each connection's request has fired, so what is
# measured is what an idle connection keeps, not what its last request left for a while
HOLD = 11


def histogram(pid):
    """Live heap in bytes and {class: (instances, bytes)} (jcmd collects first)."""
    out = subprocess.run([JCMD, str(pid), 'GC.class_histogram'], capture_output=True, text=True).stdout
    classes = {}
    for m in re.finditer(r'^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)', out, re.M):
        classes[m.group(3)] = (int(m.group(1)), int(m.group(2)))
    return int(re.search(r'Total\s+(\d+)\s+(\d+)', out).group(2)), classes


def rss(pid):
    for line in open(f'/proc/{pid}/status'):
        if line.startswith('VmRSS'):
            return int(line.split()[1]) * 1024


def hold(port, n, request):
    held = []
    for _ in range(n):
        s = socket.create_connection(('127.0.0.1', port))
        s.sendall(request)
        s.recv(4096)
        held.append(s)
    return held


def main():
    port, pid = int(sys.argv[1]), int(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    request = UPGRADE if len(sys.argv) > 4 and sys.argv[4] == 'ws' else REQUEST
    for _ in range(3):
        for s in hold(port, 1000, request):
            s.close()
    time.sleep(1)
    heap0, before = histogram(pid)
    rss0 = rss(pid)
    held = hold(port, n, request)
    time.sleep(HOLD)
    heap1, after = histogram(pid)
    rss1 = rss(pid)
    print(f"{n} idle {'WebSocket' if request is UPGRADE else 'keep-alive HTTP'} connections: live heap {(heap1 - heap0) / n:.0f} bytes each, RSS +{(rss1 - rss0) / n:.0f} bytes each")
    grown = sorted(((b - before.get(c, (0, 0))[1], i - before.get(c, (0, 0))[0], c)
                    for c, (i, b) in after.items()), reverse=True)
    print("per connection, the classes that grew most (bytes, instances):")
    for b, i, c in grown[:20]:
        print(f"  {b / n:8.1f} B  {i / n:6.2f}  {c}")
    for s in held:
        s.close()


if __name__ == '__main__':
    main()
