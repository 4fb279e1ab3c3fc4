#!/usr/bin/env bash
# `npm run bench [-- --quick]`: raises the open-file limit (inherited by every server the bench
# starts: origin, gripgate, Pushpin, nginx) before running the load generator.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
echo "bench: open-file limit $(ulimit -n)"
exec node --import tsx bench/bench.ts "$@"
