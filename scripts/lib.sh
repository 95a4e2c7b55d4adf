# Shared helpers for the project's scripts. Source it; do not run it.

# Picks a JDK of version 21 or newer: $JAVA_HOME if it qualifies, else the first one under /usr/lib/jvm.
reddwarf_select_java() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -r) "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
    if [ -n "$version" ] && [ "${version%%.*}" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "reddwarf: no JDK 21 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm); install one, e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 25" >&2
  return 1
}

# Installs the Debian packages given as arguments when any of them is missing.
reddwarf_ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
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
# bubblewrap: the sandbox engines run in when the control plane runs as root).
REDDWARF_RUNTIME_PACKAGES=(mariadb-server mariadb-client mariadb-backup libaio1 libnuma1 bubblewrap)
# What the test suite needs in addition: the real OpenStack CLI with the Trove plugin, openssl,
# which checks the certificates the control plane issues, and iproute2, whose network namespace and
# veth pair put an agent on a network of its own.
REDDWARF_TEST_PACKAGES=(python3-openstackclient python3-troveclient openssl iproute2)
