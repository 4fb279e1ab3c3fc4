#!/usr/bin/env bash
# Runs the public HTTP caching test suite (github.com/http-tests/cache-tests, the suite
# behind cache-tests.fyi) through gripgate and prints the required-test score.
# The suite is not vendored: point CACHE_TESTS_DIR at a checkout with its npm deps installed.
# usage: CACHE_TESTS_DIR=/path/to/cache-tests scripts/cache-tests.sh [origin-port] [gateway-port]
set -euo pipefail
suite="${CACHE_TESTS_DIR:?set CACHE_TESTS_DIR to a checkout of http-tests/cache-tests}"
origin_port="${1:-8000}"
gateway_port="${2:-8003}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

# exec: the subshell becomes node, so the PID kept for cleanup is the origin server's own.
(cd "$suite" && npm_package_config_port="$origin_port" npm_package_config_protocol=http \
  npm_package_config_pidfile="$work/origin.pid" exec node test-engine/server/server.mjs >"$work/origin.log" 2>&1) &
pids+=($!)
# The suite checks RFC 9111 behaviour, including request directives (§5.2.1), which the
# gateway ignores by default as CDNs do: turn them on for it.
printf '{"origins":{"suite":{"url":"http://127.0.0.1:%s"}},"routes":[{"path":"/*","origin":"suite"}],"cache":{"requestDirectives":"honor"}}\n' \
  "$origin_port" >"$work/gripgate.config.json"
GRIPGATE_LOG=error node "$here/bin/gripgate" serve --config "$work/gripgate.config.json" \
  --port "$gateway_port" >"$work/gateway.log" 2>&1 &
pids+=($!)
sleep 2

# The suite's CLI reads its options from npm's environment; an empty id means "run all".
(cd "$suite" && npm_config_base="http://127.0.0.1:$gateway_port" npm_package_config_base="http://127.0.0.1:$gateway_port" \
  npm_config_id= npm_package_config_id= timeout 600 node --no-warnings test-engine/cli.mjs >"$work/results.json")
node "$here/scripts/cache-tests-score.mjs" "$suite" "$work/results.json"
echo "results: $work/results.json"
