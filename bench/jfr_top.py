"""Summarise JFR recordings made by run.sh (profile phase): where the node's and the agent's CPU goes.
usage: jfr_top.py FILE.jfr...
For each file: jdk.ExecutionSample (threads running Java code) by top frame and by component anywhere on the
stack, and jdk.NativeMethodSample (threads inside a native method: JNI crypto, syscalls) by top frame, with idle
waits (epoll_wait, parking) counted apart."""
import collections
import re
import subprocess
import sys

# component -> regex on a frame; a sample counts for every component that appears on its stack
COMPONENTS = [
    ("TLS (SslHandler/SSLEngine/Conscrypt)", r"io\.netty\.handler\.ssl\.|org\.conscrypt\.|sun\.security\.ssl\."),
    ("HTTP/2 codec + multiplex", r"io\.netty\.handler\.codec\.http2\."),
    ("HTTP/1 codec (vhost)", r"io\.netty\.handler\.codec\.http\.(?!2)"),
    ("flux code", r"dev\.flux\."),
    ("socket read/write (epoll channel I/O)", r"io\.netty\.channel\.epoll\.(AbstractEpoll|Epoll.*Channel|LinuxSocket|Native\.(?!epoll))|io\.netty\.channel\.unix\."),
    ("epoll wait/loop", r"io\.netty\.channel\.epoll\.(EpollEventLoop\.(epollWait|epollBusyWait)|Native\.epoll)"),
    ("ByteBuf alloc/copy", r"io\.netty\.buffer\."),
    ("logging", r"ch\.qos\.logback|org\.slf4j"),
]
IDLE = re.compile(r"epollWait|epoll_wait|Unsafe\.park|Object\.wait|Thread\.sleep|accept0|socketAccept|poll0|waitForReferencePendingList")


def events(path, name):
    text = subprocess.run(["jfr", "print", "--stack-depth", "64", "--events", name, path],
                          capture_output=True, text=True, check=True).stdout
    for block in text.split("\n}\n"):
        thread = re.search(r'sampledThread = "([^"]*)"', block)
        frames = re.findall(r"^\s{4}([\w$.<>]+\(.*?\))(?: line:.*)?$", block, re.M)
        if thread and frames:
            yield re.sub(r"-\d+$", "-N", thread.group(1)), frames


def short(frame):
    m = re.match(r"([\w$.<>]+)\(", frame)
    name = m.group(1) if m else frame
    parts = name.split(".")
    return ".".join(parts[-2:]) if len(parts) >= 2 else name


def report(path):
    print("=" * 100)
    print(path)
    samples = list(events(path, "jdk.ExecutionSample"))
    n = len(samples)
    print("jdk.ExecutionSample (Java code on CPU): %d samples" % n)
    if n:
        threads = collections.Counter(t for t, _ in samples)
        print("  by thread: " + ", ".join("%s %d%%" % (t, 100 * c // n) for t, c in threads.most_common(6)))
        print("  component on stack (inclusive, a sample can count twice):")
        for label, rx in COMPONENTS:
            c = sum(1 for _, fr in samples if any(re.search(rx, f) for f in fr))
            print("    %5.1f%%  %s" % (100.0 * c / n, label))
        print("  top frames (self):")
        for f, c in collections.Counter(short(fr[0]) for _, fr in samples).most_common(15):
            print("    %5.1f%%  %s" % (100.0 * c / n, f))
    native = list(events(path, "jdk.NativeMethodSample"))
    busy = [(t, fr) for t, fr in native if not IDLE.search(fr[0])]
    print("jdk.NativeMethodSample (thread inside a native method): %d samples, %d not idle waits" % (len(native), len(busy)))
    if busy:
        for f, c in collections.Counter(short(fr[0]) for _, fr in busy).most_common(12):
            print("    %5.1f%%  %s" % (100.0 * c / len(busy), f))


def exceptions(path):
    text = subprocess.run(["jfr", "print", "--stack-depth", "12", "--events", "jdk.JavaExceptionThrow", path],
                          capture_output=True, text=True).stdout
    blocks = [b for b in text.split("\n}\n") if "thrownClass" in b]
    if not blocks:
        return
    stats = subprocess.run(["jfr", "print", "--events", "jdk.ExceptionStatistics", path], capture_output=True, text=True).stdout
    counts = [int(x) for x in re.findall(r"throwables = (\d+)", stats)]
    secs = None
    starts = re.findall(r"startTime = (\d+):(\d+):([\d.]+)", stats)
    if len(starts) >= 2:
        t = [int(h) * 3600 + int(m) * 60 + float(s) for h, m, s in (starts[0], starts[-1])]
        secs = t[1] - t[0]
    rate = " (%.0f/s)" % ((counts[-1] - counts[0]) / secs) if counts and secs else ""
    print("jdk.JavaExceptionThrow: %d throwables created%s; by class and the first frame outside java.*/jdk.*:" % (len(blocks), rate))
    c = collections.Counter()
    for b in blocks:
        cls = re.search(r"thrownClass = ([\w.$]+)", b)
        msg = re.search(r'message = "([^"]{0,60})', b)
        frames = re.findall(r"^\s{4}([\w$.<>]+)\(", b, re.M)
        site = next((f for f in frames if not re.match(r"(java|jdk|sun)\.", f)), frames[0] if frames else "?")
        c[(cls.group(1) if cls else "?", msg.group(1) if msg else "", short(site + "("))] += 1
    for (cls, msg, site), n in c.most_common(8):
        print("    %5d  %s%s  at %s" % (n, cls, (' "' + msg + '"') if msg else "", site))


for p in sys.argv[1:]:
    report(p)
    exceptions(p)
