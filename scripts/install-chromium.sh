#!/bin/sh
# Install Debian's Chromium and a CJK font so the webview tests (test/webview) and the preview
# benchmark (bench/preview.ts) can drive a real browser with playwright-core.
# Idempotent: does nothing when /usr/bin/chromium is already present.
set -eu

if [ -x /usr/bin/chromium ]; then
  echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else echo "install-chromium: run as root or install sudo" >&2; exit 1; fi
fi

$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk
/usr/bin/chromium --version | head -n 1
