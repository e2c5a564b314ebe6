#!/bin/sh
# Installs what `npm run oracle` needs to play and capture its conversations (docs/oracle.md):
# dumpcap (Debian's wireshark-common, which tshark depends on: scripts/install-tshark.sh), ss
# (iproute2), python3 and nft (nftables, for the lost-* scenarios). The oracle's test (test/oracle) needs none of them: it reads the
# committed fixtures.
set -eu
cd "$(dirname "$0")"
sh ./install-tshark.sh
missing=""
command -v ss >/dev/null 2>&1 || missing="$missing iproute2"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
command -v nft >/dev/null 2>&1 || missing="$missing nftables"
if [ -n "$missing" ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # shellcheck disable=SC2086
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi
echo "oracle tools: $(command -v dumpcap) $(command -v ss) $(command -v python3) $(command -v nft)"
