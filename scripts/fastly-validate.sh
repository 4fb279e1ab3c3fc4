#!/usr/bin/env bash
# `npm run validate:fastly`: packs bin/main.wasm with fastly.toml and runs
# `fastly compute validate` on the package. The Fastly CLI 16.1.0 comes from npm as the optional
# dependency @fastly/cli-linux-x64 (the @fastly/cli wrapper lists platform packages the registry
# does not have at that version, which breaks `npm ci`). Both steps work offline; the CLI writes
# its config under $HOME, so it gets a throwaway one.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f bin/main.wasm ] || npm run build:fastly
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export HOME="$home"
fastly=node_modules/@fastly/cli-linux-x64/fastly
if [ ! -x "$fastly" ]; then
  echo "SKIPPED: the Fastly CLI is only installed on linux-x64 (optional dependency @fastly/cli-linux-x64)"
  exit 0
fi
"$fastly" compute pack --wasm-binary bin/main.wasm --non-interactive
"$fastly" compute validate --package pkg/gripgate.tar.gz --non-interactive
