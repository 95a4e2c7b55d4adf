#!/usr/bin/env python3
"""Start benchmark: process start -> first 200 on GET /, next to a peer measured in the same run.

The peer is the JDK's own minimal HTTP server (jwebserver, serving an empty directory): what any
Java HTTP service pays to start on this host. Reddwarf runs with the JVM settings scripts/start
uses (bounded heap, serial collector, the ahead-of-time class cache), on a fresh home and again on
the same home (a restart). After each start it records the server's RSS and threads once idle.

Usage: bench/run-start [--runs N]     (standard library only)
"""
import argparse
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from benchlib import ROOT, free_port, server_jvm_options


def first_200(argv, port, cwd, log):
    """Starts argv, returns (seconds until GET / answers 200, process)."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    deadline = start + 60
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/")
            if c.getresponse().status == 200:
                return time.monotonic() - start, proc
        except OSError:
            pass
        if proc.poll() is not None:
            sys.exit("%s exited; see %s" % (argv[0], log.name))
        time.sleep(0.005)
    proc.kill()
    sys.exit("no answer within 60 s; see " + log.name)


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)


def status(pid):
    fields = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["Threads"])


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    java_home = os.environ["JAVA_HOME"]
    jar = os.path.join(ROOT, "server", "target", "reddwarf-server.jar")
    settings = server_jvm_options()
    scratch = tempfile.mkdtemp(prefix="reddwarf-start-")
    log = open(os.path.join(scratch, "start.log"), "w")
    empty = os.path.join(scratch, "www")
    os.makedirs(empty)
    peer, fresh, again, rss, threads = [], [], [], [], []
    try:
        for i in range(args.runs):
            port = free_port()
            seconds, proc = first_200([os.path.join(java_home, "bin", "jwebserver"), "-b", "127.0.0.1", "-p",
                                       str(port), "-d", empty], port, scratch, log)
            peer.append(seconds)
            stop(proc)
            home = os.path.join(scratch, "home%d" % i)
            os.makedirs(home)
            with open(os.path.join(home, "reddwarf.properties"), "w") as f:
                f.write("agent.port=0\ninstances.port-range=24700-24799\n")
            for series in (fresh, again):
                port = free_port()
                seconds, proc = first_200([os.path.join(java_home, "bin", "java")] + settings
                                          + ["-jar", jar, "--port", str(port), "--home", home], port, ROOT, log)
                series.append(seconds)
                time.sleep(3)
                mb, count = status(proc.pid)
                rss.append(mb)
                threads.append(count)
                stop(proc)
            subprocess.run(["pkill", "-f", "--home " + os.path.join(home, "agent")])
        print("start -> first 200 on GET /, %d runs, %d cores; JVM settings: %s" % (args.runs, os.cpu_count(),
                                                                                      " ".join(settings)))
        for name, series in (("peer: jwebserver (JDK)", peer), ("reddwarf, fresh home", fresh),
                             ("reddwarf, restart", again)):
            print("%-24s p50 %6.2f s   p95 %6.2f s" % (name, percentile(series, 50), percentile(series, 95)))
        print("%-24s p50 %6.2fx    (fresh home; restart %.2fx)" % ("ratio to the peer", percentile(fresh, 50)
                                                                    / percentile(peer, 50),
                                                                    percentile(again, 50) / percentile(peer, 50)))
        print("%-24s RSS p50 %d MB (max %d), threads p50 %d" % ("reddwarf idle after start", percentile(rss, 50),
                                                                 max(rss), percentile(threads, 50)))
    finally:
        log.close()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
