#!/usr/bin/env bash
# `npm run validate:fastly`: packs bin/main.wasm with fastly.toml and runs
# `fastly compute validate` on the package, with the Fastly CLI that scripts/fastly.mjs finds
# (on the PATH, or the one-off `npm install --no-save @fastly/cli-linux-x64@16.1.0`; it is not a
# dependency, see docs/fastly.md). Both steps work offline; the CLI writes its config under
# $HOME, so it gets a throwaway one.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f bin/main.wasm ] || npm run build:fastly
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export HOME="$home"
fastly="$(node scripts/fastly.mjs --path)"
if [ -z "$fastly" ]; then
  echo "SKIPPED: the Fastly CLI is not installed (npm install --no-save @fastly/cli-linux-x64@16.1.0, or fastly on the PATH)"
  exit 0
fi
"$fastly" compute pack --wasm-binary bin/main.wasm --non-interactive
"$fastly" compute validate --package pkg/gripgate.tar.gz --non-interactive
