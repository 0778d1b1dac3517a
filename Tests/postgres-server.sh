#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and the store benchmark: the real server, as the
# `postgres` user (when run as root), in a temporary directory, on a free loopback port, with TLS
# (a CA and a server certificate made here). The role `agentretry` is trusted on loopback (a SCRAM
# login costs tens of milliseconds of CPU per connection in a debug build, and the tests open
# hundreds); the role `agentretry_scram` must log in with its password (SCRAM-SHA-256).
#
#   postgres-server.sh run COMMAND [ARG...]   start a server, run COMMAND with AGENT_RETRY_TEST_POSTGRES
#                                             (the admin URL), AGENT_RETRY_TEST_POSTGRES_SCRAM (the
#                                             password role's URL) and AGENT_RETRY_TEST_POSTGRES_CA (the CA
#                                             file) set, then stop the server and remove its directory,
#                                             also when COMMAND fails or the script is interrupted.
#   postgres-server.sh start DIR [PID]        start a server in the empty directory DIR; prints the URL.
#                                             With PID, a watcher stops the server and removes DIR once
#                                             process PID is gone (crashed or killed without cleaning up).
#   postgres-server.sh stop DIR               stop it and remove DIR
set -euo pipefail

# Close whatever else the caller left open (a test process's sockets and pipes): the server started
# here outlives this script and must not hold them open. Bash keeps the script itself on fd 255.
for fd in /proc/$$/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ] && [ "$fd" -ne 255 ]; then eval "exec $fd>&-" 2>/dev/null || true; fi
done

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PGBIN/initdb" ]; then
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
fi
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "postgres-server.sh: PostgreSQL is not installed (apt-get install postgresql-15)" >&2
    exit 2
fi

# The server refuses to run as root: as root, run it as the `postgres` user.
as_server_user() {
    if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local dir=$1
    mkdir -p "$dir/socket"
    openssl rand -hex 16 | tr -d '\n' > "$dir/password"
    # A CA and a server certificate for 127.0.0.1 and localhost, so tests can verify the server.
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=AgentRetry test CA" \
        -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null || return 1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null || return 1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
        -extfile "$dir/server.ext" -out "$dir/server.crt" 2>/dev/null || return 1
    chmod 600 "$dir/server.key"
    if [ "$(id -u)" = "0" ]; then chown -R postgres "$dir"; fi

    as_server_user "$PGBIN/initdb" -D "$dir/data" -U agentretry --pwfile="$dir/password" \
        --auth-local=trust --auth-host=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        return 1
    }
    # The password role's rule comes first: pg_hba.conf is read top down.
    { printf 'host all agentretry_scram 127.0.0.1/32 scram-sha-256\n'; cat "$dir/data/pg_hba.conf"; } > "$dir/pg_hba.new"
    cat "$dir/pg_hba.new" > "$dir/data/pg_hba.conf"
    local attempt port
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_server_user "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
            "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c max_connections=400 -c ssl=on \
             -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key" >/dev/null; then
            as_server_user "$PGBIN/psql" -h "$dir/socket" -p "$port" -U agentretry -d postgres -q \
                -c "CREATE ROLE agentretry_scram LOGIN CREATEDB PASSWORD '$(cat "$dir/password")'" >/dev/null || return 1
            echo "postgres://agentretry_scram:$(cat "$dir/password")@127.0.0.1:$port/postgres" > "$dir/scram-url"
            echo "postgres://agentretry:$(cat "$dir/password")@127.0.0.1:$port/postgres" > "$dir/url"
            cat "$dir/url"
            if [ -n "${2:-}" ]; then
                local watched=$2 script=$0
                setsid bash -c 'while kill -0 "$0" 2>/dev/null && [ -d "$1" ]; do sleep 1; done; exec bash "$2" stop "$1"' \
                    "$watched" "$dir" "$script" </dev/null >/dev/null 2>&1 &
            fi
            return 0
        fi
    done
    cat "$dir/server.log" >&2
    return 1
}

stop() {
    local dir=$1
    if [ -f "$dir/data/postmaster.pid" ]; then
        # A test may have SIGSTOPped the server: wake it and its children, or it cannot stop.
        local postmaster
        postmaster=$(head -1 "$dir/data/postmaster.pid")
        kill -CONT "$postmaster" 2>/dev/null || true
        pkill -CONT -P "$postmaster" 2>/dev/null || true
        as_server_user "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) start "$2" "${3:-}" ;;
    stop) stop "$2" ;;
    run)
        shift
        dir=$(mktemp -d "${TMPDIR:-/tmp}/agentretry-postgres.XXXXXX")
        trap 'stop "$dir"' EXIT
        trap 'exit 130' INT TERM
        url=$(start "$dir") || exit 1
        echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on ${url##*@} (data in $dir)" >&2
        AGENT_RETRY_TEST_POSTGRES=$url AGENT_RETRY_TEST_POSTGRES_SCRAM=$(cat "$dir/scram-url") AGENT_RETRY_TEST_POSTGRES_CA=$dir/ca.crt "$@"
        ;;
    *)
        echo "usage: $0 run COMMAND... | start DIR | stop DIR" >&2
        exit 2
        ;;
esac
