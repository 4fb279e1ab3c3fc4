#!/usr/bin/env bash
# `npm run validate:fastly`: packs bin/main.wasm with fastly.toml and runs
# `fastly compute validate` on the package (@fastly/cli 16.1.0 from npm). Both work offline;
# the CLI writes its config under $HOME, so it gets a throwaway one.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f bin/main.wasm ] || npm run build:fastly
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export HOME="$home"
fastly=node_modules/.bin/fastly
"$fastly" compute pack --wasm-binary bin/main.wasm --non-interactive
"$fastly" compute validate --package pkg/gripgate.tar.gz --non-interactive
