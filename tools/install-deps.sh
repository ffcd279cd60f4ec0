#!/bin/sh
# Installs the Debian 12 packages that building, running and testing hv need.
# Quiet and quick when everything is already there.
set -eu
PKGS="make wrk gcc binutils nasm python3 mtools dosfstools qemu-system-x86 qemu-utils
      libcmocka-dev console-setup-linux ovmf xz-utils bochs bochs-term bochsbios vgabios
      libcurl4-openssl-dev libcjson-dev clang"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
