"""Serial HTTP/1.1 probe: one keep-alive connection (TCP_NODELAY), 200 warm-up GETs, then GET after GET for DUR s.
Prints one RESULT line with exact (uncorrected) per-request percentiles in microseconds.
usage: probe.py HOST PORT HOSTHEADER PATH DUR"""
import socket
import sys
import time

host, port, host_header, path, dur = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])
sock = socket.create_connection((host, port))
sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
request = ("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (path, host_header)).encode()
bad = 0


def one():
    global bad
    sock.sendall(request)
    buf = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("connection closed by peer")
        buf += chunk
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            continue
        length = 0
        for line in buf[:end].split(b"\r\n")[1:]:
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if len(buf) >= end + 4 + length:
            if not buf.startswith(b"HTTP/1.1 200"):
                bad += 1
            return


for _ in range(200):
    one()
bad = 0
lat = []
clock = time.perf_counter
start = clock()
stop = start + dur
while clock() < stop:
    t0 = clock()
    one()
    lat.append(clock() - t0)
elapsed = clock() - start
lat.sort()
n = len(lat)


def pct(f):
    return int(lat[min(n - 1, int(n * f))] * 1e6)


print("RESULT rps=%.1f p50_us=%d p90_us=%d p99_us=%d p999_us=%d mean_us=%.1f max_us=%d requests=%d errors=0 non2xx=%d"
      % (n / elapsed, pct(.5), pct(.9), pct(.99), pct(.999), sum(lat) / n * 1e6, lat[-1] * 1e6, n, bad))
