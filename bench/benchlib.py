"""What the benchmarks share: the packaged server on a scratch home and a client of its API."""
import http.client
import json
import os
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_jvm_options():
    """The JVM settings scripts/start runs the server with (and its class cache, made first if missing)."""
    return subprocess.run(["bash", "-c", '. scripts/lib.sh; echo "${REDDWARF_SERVER_JVM_OPTIONS[@]}"; '
                           'reddwarf_server_aot server/target/reddwarf-server.jar'],
                          cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()


def start_server(scratch, port_range, properties=""):
    """Starts server/target/reddwarf-server.jar on scratch/home (with extra reddwarf.properties lines);
    returns (process, api port, home)."""
    jar = os.path.join(ROOT, "server", "target", "reddwarf-server.jar")
    if not os.path.isfile(jar):
        sys.exit("missing %s: build it with ./mvnw -DskipTests package" % jar)
    home = os.path.join(scratch, "home")
    os.makedirs(home)
    with open(os.path.join(home, "reddwarf.properties"), "w") as f:
        # the benchmarks poll every few milliseconds: lift the per-project rate limit that would refuse them
        f.write("instances.port-range=%s\napi.rate-limit-per-minute=1000000\nagent.port=0\n" % port_range)
        f.write(properties)
    api_port = free_port()
    java = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "java")
    log = open(os.path.join(scratch, "server.log"), "w")
    # under the reaper scripts/start uses too (SIGTERM to it reaches the JVM)
    server = subprocess.Popen(["tini", "-s", "--", java] + server_jvm_options() + ["-jar", jar, "--port", str(api_port), "--home", home],
                              stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", api_port, timeout=2)
            c.request("GET", "/")
            if c.getresponse().status == 200:
                return server, api_port, home
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.kill()
            sys.exit("server did not start; see " + log.name)
        time.sleep(0.05)


class Api:
    """The demo project's view of the API, over one kept-alive connection."""

    def __init__(self, port, home, timeout=60):
        props = {}
        with open(os.path.join(home, "auth.properties")) as f:
            for line in f:
                if "=" in line and not line.startswith("#"):
                    k, v = line.strip().split("=", 1)
                    props[k] = v
        self.port = port
        self.timeout = timeout
        self.token = props["demo.token"]
        self.prefix = "/v1.0/" + props["demo.project"]
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def call(self, method, path, body=None):
        headers = {"X-Auth-Token": self.token, "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, self.prefix + path, body=data, headers=headers)
            r = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            self.conn.request(method, self.prefix + path, body=data, headers=headers)
            r = self.conn.getresponse()
        payload = r.read()
        return r.status, (json.loads(payload) if payload else None)
