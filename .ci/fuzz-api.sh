#!/usr/bin/env bash
# The API fuzzed by schemathesis (PyPI) against its own OpenAPI document, on SQLite and on
# PostgreSQL, as an admin and as a branch secretary: every operation, checked for server errors
# and for responses that do not match the document. Usage: fuzz-api.sh DANGBO_BINARY
set -euo pipefail
bin="$1"
venv="${DANGBO_SCHEMATHESIS_VENV:-/root/.cache/dangbo-schemathesis}"
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "schemathesis==4.32.5"
fi
pg="${DANGBO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
work="$(mktemp -d)"
server=""
pgdb=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    [ -n "$pgdb" ] && psql "$pg" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

for backend in sqlite postgres; do
    if [ "$backend" = sqlite ]; then
        url="sqlite://$work/fuzz.sqlite3"
    else
        pgdb="dangbo_fuzz_$$"
        psql "$pg" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null
        psql "$pg" -qc "CREATE DATABASE $pgdb" >/dev/null
        url="${pg%/*}/$pgdb"
    fi
    "$bin" --database-url "$url" demo load >/dev/null
    admin="$("$bin" --database-url "$url" token create --username admin)"
    secretary="$("$bin" --database-url "$url" token create --username bithu)"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    RUST_LOG=warn "$bin" --database-url "$url" serve --listen "127.0.0.1:$port" >"$work/server-$backend.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
    for who in admin secretary; do
        token="$admin"; [ "$who" = secretary ] && token="$secretary"
        echo "-- schemathesis: $backend, $who"
        "$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/v1/openapi.json" \
            -H "Authorization: Bearer $token" \
            --checks not_a_server_error,response_schema_conformance \
            --max-examples 15 --request-timeout 20 --seed 20261206 \
            --no-color 2>&1 | tail -n 12
        test "${PIPESTATUS[0]}" -eq 0
    done
    kill "$server"; wait "$server" 2>/dev/null || true; server=""
    if grep -q "panicked" "$work/server-$backend.log"; then
        echo "the server panicked on $backend:"; grep -A5 panicked "$work/server-$backend.log"; exit 1
    fi
done
echo "schemathesis: 0 failures on SQLite and PostgreSQL"
