# Shared helpers for the project's scripts. Source it; do not run it.

# Picks a JDK of version 21 or newer: $JAVA_HOME if it qualifies, else the first one under /usr/lib/jvm.
reddwarf_select_java() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -r) "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$(reddwarf_java_feature "$candidate")
    if [ -n "$version" ] && [ "${version%%.*}" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "reddwarf: no JDK 21 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm); install one, e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 25" >&2
  return 1
}

# The feature release (21, 25, ...) of the JDK in $1: from its release file, else by asking it.
reddwarf_java_feature() {
  local version
  version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  if [ -z "$version" ]; then
    version=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
  fi
  echo "${version%%.*}"
}

# Installs the Debian packages given as arguments when any of them is missing.
reddwarf_ensure_packages() {
  local missing=() pkg installed
  # one query for all of them: a start should not pay a dpkg run per package
  installed=$(dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null | awk '/install ok installed/ {print $1}')
  for pkg in "$@"; do
    grep -qx -- "$pkg" <<< "$installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "reddwarf: installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  # The packages' own init scripts must not start a system-wide server: Reddwarf runs its own.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What instances need at run time (libaio1 and libnuma1: the MySQL 8.0 server of the mysql datastore;
# bubblewrap: the sandbox engines run in when the control plane runs as root; tini: the reaper the
# server runs under, see reddwarf_reaper).
REDDWARF_RUNTIME_PACKAGES=(mariadb-server mariadb-client mariadb-backup libaio1 libnuma1 bubblewrap tini)

# The command a control plane runs under so that engines, which are never children of a JVM, are
# reaped when they end: tini as a child subreaper, which also passes signals on to the JVM. Under
# systemd, or in a container whose init reaps, this is redundant and harmless.
REDDWARF_REAPER=(tini -s --)
# What the test suite needs in addition: the real OpenStack CLI with the Trove plugin, openssl,
# which checks the certificates the control plane issues, and iproute2, whose network namespace and
# veth pair put an agent on a network of its own.
REDDWARF_TEST_PACKAGES=(python3-openstackclient python3-troveclient openssl iproute2)

# The server's JVM settings (docs/configuration.md, "Memory and start"): a bounded heap with the
# serial collector (a control plane's heap is small and its pauses at this size are a few ms to
# tens of ms), small thread stacks and code cache, and the ahead-of-time class cache of
# reddwarf_server_aot when there is one. $REDDWARF_JAVA_OPTS comes after these, so it overrides them.
REDDWARF_SERVER_JVM_OPTIONS=(-Xmx256m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m)

# Whether $JAVA_HOME's JVM makes an ahead-of-time cache in one run (JDK 25: -XX:AOTCacheOutput).
reddwarf_java_has_aot() {
  [ "$(reddwarf_java_feature "$JAVA_HOME")" -ge 25 ]
}

# A few requests against the training server of home $1 (plain bash, no client needed): the version
# document and, as the demo project, lists that go through authentication, the core and the state
# store, so that the classes serving a request are in the cache too.
reddwarf_training_requests() {
  local home=$1 address host port token project path
  address=$(sed -n 's|.*Reddwarf API listening on http://\([^/]*\)/.*|\1|p' "$home/training.log" | head -n 1)
  [ -n "$address" ] || return 0
  host=${address%:*} port=${address##*:}
  token=$(sed -n 's/^demo.token=//p' "$home/auth.properties" 2>/dev/null)
  project=$(sed -n 's/^demo.project=//p' "$home/auth.properties" 2>/dev/null)
  for path in / "/v1.0/$project/instances" "/v1.0/$project/flavors" "/v1.0/$project/datastores" \
      "/v1.0/$project/configurations" "/v1.0/$project/instances/none"; do
    { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null || return 0
    printf 'GET %s HTTP/1.1\r\nHost: %s\r\nX-Auth-Token: %s\r\nAccept: application/json\r\nConnection: close\r\n\r\n' \
      "$path" "$address" "$token" >&3
    timeout 10 cat <&3 > /dev/null
    exec 3<&-
  done
}

# Prints the -XX:AOTCache option for the server jar $1, making the cache first when it is missing
# or older than the jar: one short run of the server on a scratch home, stopped once its API
# answers, records the classes a start loads and links; the JVM writes them to <jar>.aot when the
# run ends. A later start maps them instead of loading the jar's classes again (about 4 s to
# first answer becomes about 1.5 s on 2 cores). Prints nothing on a JVM without the feature, or
# when the training run fails (the server then starts without the cache).
reddwarf_server_aot() {
  local jar=$1 cache scratch pid
  cache="$(cd "$(dirname "$jar")" && pwd)/$(basename "${jar%.jar}").aot"
  reddwarf_java_has_aot || return 0
  if [ ! -s "$cache" ] || [ "$cache" -ot "$jar" ]; then
    scratch=$(mktemp -d)
    printf 'agent.port=0\ninstances.port-range=39900-39909\n' > "$scratch/reddwarf.properties"
    echo "reddwarf: making the ahead-of-time class cache $cache (once per build)" >&2
    rm -f "$cache"
    "$JAVA_HOME/bin/java" "${REDDWARF_SERVER_JVM_OPTIONS[@]}" -XX:AOTCacheOutput="$cache" -jar "$jar" \
      --port 0 --home "$scratch" > "$scratch/training.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 600); do
      grep -q "Reddwarf API listening on" "$scratch/training.log" && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    reddwarf_training_requests "$scratch"
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pkill -f -- "--home $scratch/agent" 2>/dev/null
    if [ ! -s "$cache" ]; then
      echo "reddwarf: no ahead-of-time cache was made (see $scratch/training.log); starting without it" >&2
      return 0
    fi
    rm -rf "$scratch"
  fi
  echo "-XX:AOTCache=$cache"
}
