#!/usr/bin/env bash
# Install code-server (VS Code 1.100.3 served to a browser) into .cache/code-server/ for the
# end-to-end test in test/vscode/, and the CJK fonts its screenshots need. Not a devDependency: it
# is large and builds native modules. Idempotent: does nothing when this version is already
# installed there. The newest version the test also runs (4.139.1, on Node 24) is installed by
# scripts/install-code-server-latest.sh.
#
# Needs only Debian's archive and the npm registry:
# - 4.100.3 is the last code-server whose engines.node accepts Node 20;
# - its native modules (kerberos, argon2, node-pty, native-keymap) build from source against
#   Debian's headers, since their prebuilt binaries come from GitHub;
# - @vscode/ripgrep's postinstall downloads rg from GitHub too, unless it finds the archive in its
#   cache under $TMPDIR: that archive is made here from Debian's rg.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.100.3
RIPGREP_PKG=1.15.11                # the @vscode/ripgrep version code-server 4.100.3 pins
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
DIR=$PWD/.cache/code-server
STAMP=$DIR/installed-$VERSION

. scripts/apt.sh

# Chinese text in the test's screenshots (many notes are Chinese) needs a CJK font: Debian's Noto CJK.
apt_install install-code-server fonts-noto-cjk

if [ -f "$STAMP" ] && [ -x "$DIR/node_modules/.bin/code-server" ]; then
  echo "code-server $VERSION already installed in .cache/code-server"
  exit 0
fi

# Debian packages for the native modules that build from source, only those missing.
apt_install install-code-server libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep python3 build-essential

# A private TMPDIR holding the ripgrep archive where @vscode/ripgrep looks before downloading.
tmp=$DIR/tmp
mkdir -p "$tmp/vscode-ripgrep-cache-$RIPGREP_PKG"
tar -czf "$tmp/vscode-ripgrep-cache-$RIPGREP_PKG/$RIPGREP_ASSET" -C "$(dirname "$(command -v rg)")" rg

# As root, code-server's postinstall refuses to run unless unsafe-perm is set (npm 11 only reads it
# from the environment); node-pty's postinstall runs `npx node-gyp`, which must not prompt.
rm -f "$STAMP"
[ -f "$DIR/package.json" ] || printf '{ "private": true }\n' > "$DIR/package.json"
started=$(date +%s)
env TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true \
  npm install --prefix "$DIR" --no-audit --no-fund "code-server@$VERSION"
rm -rf "$tmp"

# It must start: print its version with a throwaway HOME so nothing is written under ~.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
HOME=$home XDG_CONFIG_HOME=$home XDG_DATA_HOME=$home "$DIR/node_modules/.bin/code-server" --version
touch "$STAMP"
echo "code-server $VERSION installed in .cache/code-server in $(( $(date +%s) - started )) s"
