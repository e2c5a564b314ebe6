#!/bin/sh
# Install Debian's Chromium and a CJK font so the webview tests (test/webview) and the preview
# benchmark (bench/preview.ts) can drive a real browser with playwright-core.
# Idempotent: does nothing when /usr/bin/chromium is already present.
set -eu

if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
  exit 0
fi

. "$(dirname "$0")/apt.sh"
apt_install install-chromium --recommends chromium fonts-noto-cjk
/usr/bin/chromium --version | head -n 1
