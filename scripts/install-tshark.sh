#!/bin/sh
# Install Debian's tshark non-interactively (used by test/import to cross-check the pcap reader).
# Idempotent: does nothing when /usr/bin/tshark is already present.
# The wireshark-common debconf question ("Should non-superusers be able to capture packets?")
# is pre-answered "no".
set -eu

if [ -x /usr/bin/tshark ]; then
  echo "tshark already installed: $(/usr/bin/tshark --version 2>/dev/null | head -n 1)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else echo "install-tshark: run as root or install sudo" >&2; exit 1; fi
fi

echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends tshark
/usr/bin/tshark --version | head -n 1
