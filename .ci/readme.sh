#!/usr/bin/env bash
# Runs README's commands exactly as README writes them, so README cannot drift from what works.
#   readme.sh test   the command under "Run the tests", as the test suite
#   readme.sh demo   the command under "Run the demo", until /healthz answers at the address
#                    README names, then stopped (and its data folder removed)
set -euo pipefail
cd "$(dirname "$0")/.."

# The first ```sh block after the heading that contains $1.
block() {
    awk -v want="$1" '
        /^## / { inside = index($0, want) > 0; next }
        inside && /^```sh$/ { grab = 1; next }
        grab && /^```$/ { exit }
        grab { print }
    ' README.md
}

case "${1:-}" in
test)
    cmd="$(block 'Run the tests')"
    [ -n "$cmd" ] || { echo "README has no command under 'Run the tests'"; exit 1; }
    echo "README's test command: $cmd"
    bash -euo pipefail -c "$cmd"
    ;;
demo)
    cmd="$(block 'Run the demo')"
    [ -n "$cmd" ] || { echo "README has no command under 'Run the demo'"; exit 1; }
    # The address README tells the reader to open, in the same section.
    url="$(awk '/^## / { inside = index($0, "Run the demo") > 0; next } inside' README.md | grep -oE '<http://[^>]+>' | head -1 | tr -d '<>')"
    [ -n "$url" ] || { echo "README names no address to open under 'Run the demo'"; exit 1; }
    if curl -fsS -o /dev/null "$url/healthz" 2>/dev/null; then
        echo "something already answers at $url; stop it first"; exit 1
    fi
    [ ! -e dangbo-data ] || { echo "dangbo-data exists here; the demo would reuse it"; exit 1; }
    echo "README's demo command: $cmd (waiting for $url/healthz)"
    log="$(mktemp)"
    setsid bash -c "$cmd" >"$log" 2>&1 &
    pid=$!
    stop() { kill -- -"$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf dangbo-data; }
    trap stop EXIT
    # The build comes first (minutes when cold); 45 minutes at most in all.
    for _ in $(seq 1 2700); do
        if curl -fsS -o /dev/null "$url/healthz" 2>/dev/null; then
            # The front door: the login page, in Vietnamese, and the demo's admin can log in.
            curl -fsS "$url/login" | grep -q 'Đăng nhập' || { echo "no login page at $url/login"; tail -50 "$log"; exit 1; }
            echo "ok: the demo answers at $url"
            tail -5 "$log"
            exit 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "README's demo command stopped before answering:"; tail -50 "$log"; exit 1
        fi
        sleep 1
    done
    echo "README's demo command did not answer in 45 minutes:"; tail -50 "$log"; exit 1
    ;;
*)
    echo "usage: $0 test|demo"; exit 2
    ;;
esac
