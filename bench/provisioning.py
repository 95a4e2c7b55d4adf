#!/usr/bin/env python3
"""Provisioning benchmark: POST /instances -> ACTIVE, next to the physical floor measured in the same run.

The floor is what provisioning cannot avoid on this host: copy the pre-initialised template data
directory, start mariadbd with the same configuration file the driver writes, wait until it accepts
connections, create one database and one user with a grant over the local socket. The benchmark
starts its own server (packaged jar) on a scratch home, so nothing else is measured.

Usage: bench/run-provisioning [--runs N] [--keep]     (standard library only)
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from benchlib import Api, start_server

# quiet time after each deletion (see delete_and_settle)
SETTLE_SECONDS = 0.7


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def wait_port_handshake(port, deadline):
    """Ready = the server sends its handshake packet on TCP (what the driver waits for too)."""
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(4):
                    return
        except OSError:
            pass
        time.sleep(0.002)
    raise RuntimeError("engine did not become ready")


def floor_run(template, reference_cnf, scratch, port):
    """One provisioning done by hand, the way the driver does it; returns seconds."""
    home = tempfile.mkdtemp(dir=scratch)
    for d in ("data", "conf", "log", "run", "files", "plugins"):
        os.makedirs(os.path.join(home, d))
    cnf = reference_cnf["text"].replace(reference_cnf["home"], home)
    # the floor serves no TLS: issuing and loading a certificate is counted against Reddwarf
    cnf = "".join(line for line in cnf.splitlines(True) if not line.startswith("ssl_"))
    cnf = cnf.replace("port = %d" % reference_cnf["port"], "port = %d" % port)
    cnf = cnf.replace("port=%d" % reference_cnf["port"], "port=%d" % port)
    with open(os.path.join(home, "conf", "my.cnf"), "w") as f:
        f.write(cnf)
    start = time.monotonic()
    subprocess.run(["cp", "-a", template + "/.", os.path.join(home, "data")], check=True)
    proc = subprocess.Popen(["mariadbd", "--defaults-file=" + os.path.join(home, "conf", "my.cnf"), "--user=root"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        try:
            wait_port_handshake(port, time.monotonic() + 20)
        except RuntimeError:
            log = os.path.join(home, "log", "error.log")
            sys.stderr.write(open(log).read()[-3000:] if os.path.exists(log) else "no error log\n")
            sys.stderr.write(cnf)
            raise
        sql = ("CREATE DATABASE shop; CREATE USER 'alice'@'%' IDENTIFIED BY 'S3cret-pass'; "
               "GRANT ALL ON `shop`.* TO 'alice'@'%';")
        subprocess.run(["mariadb", "--no-defaults", "--socket=" + os.path.join(home, "run", "mysqld.sock"),
                        "-u", "root"], input=sql.encode(), check=True)
        return time.monotonic() - start
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        shutil.rmtree(home, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory and its server.log")
    parser.add_argument("--drivers", choices=["in-process", "agent"], default="agent",
                        help="where the local provider runs the drivers (provider.local.drivers)")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="reddwarf-bench-")
    server, api_port, home = start_server(scratch, "24500-24599", "provider.local.drivers=%s\n" % args.drivers)
    try:
        api = Api(api_port, home)
        body = {"instance": {"name": "bench", "flavorRef": "1", "volume": {"size": 1},
                             "datastore": {"type": "mariadb", "version": "10.11"},
                             "databases": [{"name": "shop"}],
                             "users": [{"name": "alice", "password": "S3cret-pass", "databases": [{"name": "shop"}]}]}}

        def provision(quiet_for=0.0):
            """POST, then GET until ACTIVE; no GET before quiet_for seconds have passed, then one every 5 ms."""
            t0 = time.monotonic()
            status, created = api.call("POST", "/instances", body)
            if status != 200:
                sys.exit("create failed: %s %s" % (status, created))
            iid = created["instance"]["id"]
            time.sleep(max(0.0, t0 + quiet_for - time.monotonic()))
            while True:
                status, shown = api.call("GET", "/instances/" + iid)
                state = shown["instance"]["status"]
                if state == "ACTIVE":
                    elapsed = time.monotonic() - t0
                    break
                if state == "ERROR":
                    sys.exit("instance went to ERROR: %s" % shown)
                time.sleep(0.005)
            return iid, elapsed, shown["instance"]

        def delete_and_settle(iid):
            """DELETE, wait until the instance is gone, then let the server's background work after a
            build (the next spare data directory) finish, so the floor that follows runs on a quiet
            machine and neither side is charged with the other's work."""
            api.call("DELETE", "/instances/" + iid)
            deadline = time.monotonic() + 30
            while api.call("GET", "/instances/" + iid)[0] != 404:
                if time.monotonic() > deadline:
                    sys.exit("instance %s was not deleted within 30 s" % iid)
                time.sleep(0.02)
            time.sleep(SETTLE_SECONDS)

        # warm-up: builds the template, warms the JVM and the page cache
        iid, _, inst = provision()
        idir = os.path.join(home, "instances", iid)
        with open(os.path.join(idir, "conf", "my.cnf")) as f:
            reference = {"text": f.read(), "home": idir, "port": inst["port"]}
        version_dir = os.path.join(home, "templates", os.listdir(os.path.join(home, "templates"))[0])
        template = [os.path.join(version_dir, d) for d in os.listdir(version_dir)
                    if d.endswith("-datadir") and not d.startswith(".")][0]
        delete_and_settle(iid)

        api_times, floor_times = [], []
        for i in range(args.runs):
            # interleave so both see the same machine conditions
            floor_times.append(floor_run(template, reference, scratch, 39500 + i))
            # Each GET costs the server a few milliseconds of CPU; polled from the start it would take
            # a core from the engine being started. Nothing is ACTIVE faster than the floor, and a
            # late first poll can only lengthen the time measured.
            iid, elapsed, _ = provision(quiet_for=0.8 * floor_times[-1])
            api_times.append(elapsed)
            delete_and_settle(iid)
        p50a, p95a = percentile(api_times, 50) * 1000, percentile(api_times, 95) * 1000
        p50f, p95f = percentile(floor_times, 50) * 1000, percentile(floor_times, 95) * 1000
        print("provisioning, %d runs, %d cores" % (args.runs, os.cpu_count()))
        print("%-34s p50 %8.1f ms   p95 %8.1f ms" % ("floor (copy+start+create user)", p50f, p95f))
        print("%-34s p50 %8.1f ms   p95 %8.1f ms" % ("reddwarf POST -> ACTIVE", p50a, p95a))
        print("%-34s p50 %8.2fx     p95 %8.2fx" % ("ratio", p50a / p50f, p95a / p95f))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        for d in os.listdir(os.path.join(home, "instances")) if os.path.isdir(os.path.join(home, "instances")) else []:
            subprocess.run(["pkill", "-9", "-f", os.path.join(home, "instances", d)])
        if args.keep:
            print("kept " + scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
