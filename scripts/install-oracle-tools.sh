#!/bin/sh
# Installs what `npm run oracle` needs to play and capture its conversations (docs/oracle.md):
# dumpcap (Debian's wireshark-common, which tshark depends on: scripts/install-tshark.sh), ss
# (iproute2), python3 and nft (nftables, for the lost-* scenarios). The oracle's test (test/oracle) needs none of them: it reads the
# committed fixtures.
set -eu
cd "$(dirname "$0")"
sh ./install-tshark.sh
. ./apt.sh
apt_install install-oracle-tools iproute2 python3 nftables
echo "oracle tools: $(command -v dumpcap) $(command -v ss) $(command -v python3) $(command -v nft)"
