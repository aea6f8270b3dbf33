#!/usr/bin/env bash
# Make sure the real components the tests use are here: MariaDB, Redis, Chromium.
# Uses the running servers on the standard ports when they answer; otherwise installs the
# Debian packages when missing and starts private servers under .tools/services/.
# AAE_PRIVATE_SERVICES=1 skips the standard ports (to test the fresh-machine path).
# Writes the connection settings to .tools/services.env for the test run to source.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
STATE=$ROOT/.tools/services
mkdir -p "$STATE"
ENV_FILE=$ROOT/.tools/services.env
: > "$ENV_FILE"

APT_UPDATED=0
apt_install() {
  if [ "$APT_UPDATED" = 0 ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() {  # wait_for "description" command...
  local what=$1; shift
  for _ in $(seq 1 100); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "ensure_services: $what did not come up" >&2
  return 1
}

# --- MariaDB ---------------------------------------------------------------------------------
mysql_ok() { mariadb-admin --no-defaults -h127.0.0.1 -P"$1" -uroot --connect-timeout=2 ping; }
command -v mariadb-admin >/dev/null || apt_install mariadb-server mariadb-client
if [ -z "${AAE_PRIVATE_SERVICES:-}" ] && mysql_ok 3306 >/dev/null 2>&1 && mariadb --no-defaults -h127.0.0.1 -P3306 -uroot -e "SELECT 1" >/dev/null 2>&1; then
  echo "AAE_TEST_MYSQL_PORT=3306" >> "$ENV_FILE"
  echo "ensure_services: MariaDB on 127.0.0.1:3306"
else
  PORT=3307
  if ! mysql_ok $PORT >/dev/null 2>&1; then
    if [ ! -d "$STATE/mariadb/data/mysql" ]; then
      mkdir -p "$STATE/mariadb"
      mariadb-install-db --no-defaults --datadir="$STATE/mariadb/data" --user=root \
        --auth-root-authentication-method=normal --skip-test-db >/dev/null
    fi
    setsid /usr/sbin/mariadbd --no-defaults --datadir="$STATE/mariadb/data" --socket="$STATE/mariadb/sock" \
      --pid-file="$STATE/mariadb/pid" --port=$PORT --bind-address=127.0.0.1 --user=root \
      --skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=128M \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      > "$STATE/mariadb.log" 2>&1 < /dev/null &
    wait_for "MariaDB on $PORT" mysql_ok $PORT
  fi
  echo "AAE_TEST_MYSQL_PORT=$PORT" >> "$ENV_FILE"
  echo "ensure_services: private MariaDB on 127.0.0.1:$PORT"
fi

# --- Redis -----------------------------------------------------------------------------------
command -v redis-server >/dev/null || apt_install redis-server
redis_ok() { redis-cli -h 127.0.0.1 -p "$1" ping | grep -q PONG; }
if [ -z "${AAE_PRIVATE_SERVICES:-}" ] && redis_ok 6379 2>/dev/null; then
  echo "AAE_TEST_REDIS_URL=redis://127.0.0.1:6379/15" >> "$ENV_FILE"
  echo "ensure_services: Redis on 127.0.0.1:6379"
else
  PORT=6380
  if ! redis_ok $PORT 2>/dev/null; then
    redis-server --bind 127.0.0.1 --port $PORT --save "" --appendonly no --dir "$STATE" \
      --daemonize yes --pidfile "$STATE/redis.pid" --logfile "$STATE/redis.log"
    wait_for "Redis on $PORT" redis_ok $PORT
  fi
  echo "AAE_TEST_REDIS_URL=redis://127.0.0.1:$PORT/15" >> "$ENV_FILE"
  echo "ensure_services: private Redis on 127.0.0.1:$PORT"
fi

# --- Chromium for the browser tests ----------------------------------------------------------
if [ ! -x /usr/bin/chromium ]; then
  echo "ensure_services: installing Debian chromium"
  apt_install chromium fonts-noto-cjk
fi
echo "ensure_services: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
