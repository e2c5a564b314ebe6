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

. "$(dirname "$0")/apt.sh"
apt_install install-tshark --debconf "wireshark-common wireshark-common/install-setuid boolean false" tshark
/usr/bin/tshark --version | head -n 1
