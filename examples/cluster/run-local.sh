#!/usr/bin/env bash
# Three processes of the `cluster` example, Redis and nginx on this machine, all on 127.0.0.1:
# open the address printed at the end. Ctrl-C stops everything this script started.
#
#   examples/cluster/run-local.sh            # nginx on 127.0.0.1:8080, idom on 5001-5003
#   PORT=9000 examples/cluster/run-local.sh
#   MODE=shared examples/cluster/run-local.sh  # one shared counter across the three processes
#
# Needs redis-server and nginx (Debian: `apt-get install redis-server nginx-light`).
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT="${PORT:-8080}"
REDIS_PORT="${REDIS_PORT:-6390}"
IDOM_PORTS=(5001 5002 5003)
WORK="$(mktemp -d)"
PIDS=()
stop() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap stop EXIT INT TERM

cargo build --example cluster
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
sleep 0.3
for p in "${IDOM_PORTS[@]}"; do
    target/debug/examples/cluster "127.0.0.1:$p" "redis://127.0.0.1:$REDIS_PORT/" ${MODE:+"$MODE"} &
    PIDS+=($!)
done

USER_LINE=""
[ "$(id -u)" = 0 ] && USER_LINE="user root;"
SERVERS=""
for p in "${IDOM_PORTS[@]}"; do SERVERS+="        server 127.0.0.1:$p max_fails=1 fail_timeout=2s;"$'\n'; done
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
$USER_LINE
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    map \$cookie_idom_sticky \$idom_route {
        "" \$request_id;
        default \$cookie_idom_sticky;
    }
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        "" close;
    }
    upstream idom {
        hash \$idom_route consistent;
$SERVERS    }
    server {
        listen 127.0.0.1:$PORT;
        location / {
            proxy_pass http://idom;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_set_header Host \$http_host;
            proxy_read_timeout 1h;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 1s;
        }
    }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
PIDS+=($!)
sleep 0.5
echo "idom cluster: open http://127.0.0.1:$PORT/ (processes on ${IDOM_PORTS[*]}, Redis on $REDIS_PORT); Ctrl-C stops it all"
wait
