# Sourced by the scripts/install-*.sh scripts (POSIX sh): installs Debian packages, only those
# missing, as root or through sudo. Nothing else on a fresh machine installs what the project needs.
#
#   . "$(dirname "$0")/apt.sh"
#   apt_install NAME [--recommends] [--debconf LINE] PACKAGE...
#
# NAME prefixes the error printed when neither root nor sudo is available. --recommends installs
# the packages' recommendations too; --debconf pre-answers one debconf question first.

apt_missing() {
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s ' "$p"
  done
}

apt_install() {
  name=$1; shift
  recommends="--no-install-recommends"
  debconf=""
  while [ $# -gt 0 ]; do
    case $1 in
      --recommends) recommends=""; shift ;;
      --debconf) debconf=$2; shift 2 ;;
      *) break ;;
    esac
  done
  missing=$(apt_missing "$@")
  [ -n "$missing" ] || return 0
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else echo "$name: run as root or install sudo (to install:$missing)" >&2; exit 1; fi
  fi
  if [ -n "$debconf" ]; then echo "$debconf" | $sudo debconf-set-selections; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $recommends $missing
}
