#!/usr/bin/env python3
"""Backup benchmark: backup and restore through the API next to the raw tool pipeline, same run.

Raw pipeline (what a backup cannot avoid on this host):
    backup:  mariabackup --backup --stream=xbstream | zstd -1 -T2 > file
    restore: zstd -d < file | mbstream -x, then mariabackup --prepare
Reddwarf:
    backup:  POST /backups until COMPLETED (stream, compress, encrypt, checksum, store, read back and verify)
    restore: POST /instances with restorePoint until ACTIVE (prepare a fresh instance, verify, decrypt,
             extract, prepare, start)
MB/s are computed over the instance's data directory size (the same denominator for both).

Usage: bench/run-backup [--size-mb N] [--rounds N] [--keep] [--drivers agent|in-process]
       (standard library only; defaults 1024 MB, 3 rounds, the host's agent)
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from benchlib import ROOT, Api, start_server

ROW_BYTES = 300


class BackupApi(Api):
    def await_instance(self, iid, timeout=1800):
        return self._await("/instances/" + iid, "instance", "ACTIVE", "ERROR", timeout)

    def await_gone(self, iid, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, _ = self.call("GET", "/instances/" + iid)
            if status == 404:
                return
            time.sleep(0.05)
        sys.exit("instance %s not deleted in time" % iid)

    def await_backup(self, bid, timeout=1800):
        return self._await("/backups/" + bid, "backup", "COMPLETED", "FAILED", timeout)

    def _await(self, path, key, done, failed, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            _, shown = self.call("GET", path)
            state = shown[key]["status"]
            if state == done:
                return shown[key]
            if state == failed:
                sys.exit("%s went to %s: %s" % (path, failed, shown))
            time.sleep(0.05)
        sys.exit("%s not %s in time" % (path, done))


def du(path):
    return int(subprocess.run(["du", "-sb", path], capture_output=True, text=True, check=True).stdout.split()[0])


def settle():
    subprocess.run(["sync"], check=True)


def sql(idir, statement):
    subprocess.run(["mariadb", "--defaults-file=" + os.path.join(idir, "conf", "client.cnf"), "shop", "-e", statement],
                   check=True)


def median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def table_checksum(idir):
    return subprocess.run(["mariadb", "--defaults-file=" + os.path.join(idir, "conf", "client.cnf"), "-N", "-e",
                           "CHECKSUM TABLE shop.items"], capture_output=True, text=True, check=True).stdout


def one_round(api, scratch, home, idir, restore_body, source_sum):
    """Raw backup, Reddwarf backup, raw restore, Reddwarf restore; each timed phase starts with no dirty
    pages, so one phase's writeback is not charged to the next."""
    raw_file = os.path.join(scratch, "raw.xb.zst")
    work = os.path.join(scratch, "raw-work")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    settle()
    t0 = time.monotonic()
    subprocess.run(["bash", "-c", "set -o pipefail; mariabackup --defaults-file=%s --backup --stream=xbstream "
                    "--datadir=%s --target-dir=%s 2>%s | zstd -q -1 -T2 > %s" % (
                        os.path.join(idir, "conf", "client.cnf"), os.path.join(idir, "data"), work,
                        os.path.join(scratch, "raw-backup.err"), raw_file)], check=True)
    raw_backup = time.monotonic() - t0

    settle()
    t0 = time.monotonic()
    status, created = api.call("POST", "/backups", {"backup": {"name": "bench", "instance": os.path.basename(idir)}})
    if status != 202:
        sys.exit("backup failed: %s %s" % (status, created))
    backup = api.await_backup(created["backup"]["id"])
    rdw_backup = time.monotonic() - t0

    target = os.path.join(scratch, "raw-restore")
    shutil.rmtree(target, ignore_errors=True)
    os.makedirs(target)
    settle()
    t0 = time.monotonic()
    subprocess.run(["bash", "-c", "set -o pipefail; zstd -q -d -c %s | mbstream -x -C %s && "
                    "mariabackup --prepare --target-dir=%s >%s 2>&1" % (
                        raw_file, target, target, os.path.join(scratch, "raw-prepare.log"))], check=True)
    raw_restore = time.monotonic() - t0
    shutil.rmtree(target, ignore_errors=True)

    body = json.loads(json.dumps(restore_body))
    body["instance"]["restorePoint"] = {"backupRef": backup["id"]}
    settle()
    t0 = time.monotonic()
    status, created = api.call("POST", "/instances", body)
    if status != 200:
        sys.exit("restore failed: %s %s" % (status, created))
    restored = created["instance"]["id"]
    api.await_instance(restored)
    rdw_restore = time.monotonic() - t0
    same = table_checksum(os.path.join(home, "instances", restored)) == source_sum
    api.call("DELETE", "/instances/" + restored)
    api.await_gone(restored)
    api.call("DELETE", "/backups/" + backup["id"])
    return {"raw_backup": raw_backup, "rdw_backup": rdw_backup, "raw_restore": raw_restore, "rdw_restore": rdw_restore,
            "same": same, "strategy": backup["strategy"], "progress_bytes": backup["progress_bytes"],
            "size_bytes": backup["size_bytes"], "raw_size": os.path.getsize(raw_file)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory (server log) for a look")
    parser.add_argument("--drivers", choices=("agent", "in-process"), default="agent",
                        help="where the drivers and the backup pipeline run (provider.local.drivers)")
    args = parser.parse_args()
    for tool in ("zstd", "mariabackup", "mbstream"):
        if shutil.which(tool) is None:
            sys.exit("missing %s: apt-get install zstd mariadb-backup" % tool)
    scratch = tempfile.mkdtemp(prefix="rdw-bb-")
    server, api_port, home = start_server(scratch, "24600-24699", "provider.local.drivers=%s\n" % args.drivers)
    try:
        api = BackupApi(api_port, home, timeout=1800)
        volume = max(1, args.size_mb * 3 // 1024 + 1)
        body = {"instance": {"name": "bench-source", "flavorRef": "2", "volume": {"size": volume},
                             "datastore": {"type": "mariadb", "version": "10.11"},
                             "databases": [{"name": "shop"}],
                             "users": [{"name": "alice", "password": "S3cret-pass", "databases": [{"name": "shop"}]}]}}
        status, created = api.call("POST", "/instances", body)
        if status != 200:
            sys.exit("create failed: %s %s" % (status, created))
        source = created["instance"]["id"]
        api.await_instance(source)
        idir = os.path.join(home, "instances", source)

        rows = args.size_mb * 1024 * 1024 // ROW_BYTES
        t0 = time.monotonic()
        sql(idir, "CREATE TABLE items (id INT PRIMARY KEY, k CHAR(32), note VARCHAR(255), n DOUBLE) ENGINE=InnoDB")
        step = 200000
        for start in range(1, rows + 1, step):
            end = min(rows, start + step - 1)
            sql(idir, "INSERT INTO items SELECT seq, MD5(seq), CONCAT(REPEAT('note ', seq %% 20), SHA2(seq, 256)), "
                      "RAND(seq) * 1e6 FROM seq_%d_to_%d" % (start, end))
        data_bytes = du(os.path.join(idir, "data"))
        mb = data_bytes / 1e6
        print("dataset: %d rows, data directory %.0f MB, loaded in %.0f s" % (rows, mb, time.monotonic() - t0),
              flush=True)

        restore_body = json.loads(json.dumps(body))
        restore_body["instance"]["name"] = "bench-restored"
        source_sum = table_checksum(idir)
        rounds = []
        for n in range(1, args.rounds + 1):
            rounds.append(one_round(api, scratch, home, idir, restore_body, source_sum))
            r = rounds[-1]
            print("round %d: backup raw %.2f s, reddwarf %.2f s; restore raw %.2f s, reddwarf %.2f s" % (
                n, r["raw_backup"], r["rdw_backup"], r["raw_restore"], r["rdw_restore"]), flush=True)
        last = rounds[-1]
        print()
        print("drivers and pipeline: %s" % args.drivers)
        print("backup and restore of %.0f MB (data directory), %d cores, strategy %s, %d rounds (medians)" % (
            mb, os.cpu_count(), last["strategy"], len(rounds)))
        print("stream %.0f MB from the tool, stored %.0f MB (raw pipeline file %.0f MB)" % (
            last["progress_bytes"] / 1e6, last["size_bytes"] / 1e6, last["raw_size"] / 1e6))
        for label, key in (("raw backup  (mariabackup | zstd -1 -T2 > file)", "raw_backup"),
                           ("reddwarf backup (POST -> COMPLETED)", "rdw_backup")):
            t = median(r[key] for r in rounds)
            print("%-46s %6.2f s %8.1f MB/s" % (label, t, mb / t))
        print("%-46s %6.2fx" % ("backup throughput, reddwarf / raw", median(r["raw_backup"] / r["rdw_backup"] for r in rounds)))
        for label, key in (("raw restore (zstd -d | mbstream -x; prepare)", "raw_restore"),
                           ("reddwarf restore (POST -> ACTIVE)", "rdw_restore")):
            t = median(r[key] for r in rounds)
            print("%-46s %6.2f s %8.1f MB/s" % (label, t, mb / t))
        print("%-46s %6.2fx" % ("restore throughput, reddwarf / raw",
                                 median(r["raw_restore"] / r["rdw_restore"] for r in rounds)))
        print("every restored table checksum equals the source's: %s" % (
            "yes" if all(r["same"] for r in rounds) else "NO"))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        instances = os.path.join(home, "instances")
        for d in os.listdir(instances) if os.path.isdir(instances) else []:
            subprocess.run(["pkill", "-9", "-f", os.path.join(instances, d)])
        if args.keep:
            print("scratch kept in " + scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
