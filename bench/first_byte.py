"""Time from starting an agent process to the first byte echoed back through its tunnel.
usage: first_byte.py PORT TIMEOUT_S LOGFILE -- CMD...
The clock starts just before the process is spawned. A loop connects to 127.0.0.1:PORT every 5 ms (refused until
the node listens), sends one byte and waits for it to come back (through node -> agent -> local echo server).
Also reports when the agent printed its first 'tunnel ready' line. The process is then stopped (SIGTERM).
Prints: RESULT first_byte_ms=.. ready_ms=.. attempts=.."""
import socket
import subprocess
import sys
import threading
import time

port, timeout, logfile = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
cmd = sys.argv[sys.argv.index("--") + 1:]
clock = time.perf_counter
ready = [None]

t0 = clock()
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def pump():
    with open(logfile, "ab") as out:
        for line in proc.stdout:
            if ready[0] is None and b"tunnel ready" in line:
                ready[0] = clock()
            out.write(line)


reader = threading.Thread(target=pump, daemon=True)
reader.start()
first = None
attempts = 0
deadline = t0 + timeout
while clock() < deadline and proc.poll() is None:
    attempts += 1
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as s:
            s.settimeout(2.0)
            s.sendall(b"\x2a")
            if s.recv(1) == b"\x2a":
                first = clock()
                break
    except OSError:
        pass
    time.sleep(0.005)
exit_code = proc.poll()
proc.terminate()
try:
    proc.wait(timeout=10)
except subprocess.TimeoutExpired:
    proc.kill()
    proc.wait()
reader.join(timeout=2)


def ms(t):
    return "NA" if t is None else "%.1f" % ((t - t0) * 1000)


extra = "" if first is not None else " error=%s" % ("agent_exited_%s" % exit_code if exit_code is not None else "timeout")
print("RESULT first_byte_ms=%s ready_ms=%s attempts=%d%s" % (ms(first), ms(ready[0]), attempts, extra))
