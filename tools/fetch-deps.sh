#!/bin/sh
# Fetches the third-party sources the kernel is built with into third_party/
# (ignored by git: no third-party code is ever committed).
#
#   lwIP 2.1.3, the upstream tarball inside Debian bookworm's source package
#   `lwip` (2.1.3+dfsg1-2).  Debian's own patches adapt lwIP to a hosted
#   Linux library (sockets, tap port, shared-library build) and are not
#   applied: hv brings its own port in kernel/net/.
#
#   mbed TLS 2.28.3, the upstream tarball inside Debian bookworm's source
#   package `mbedtls` (2.28.3-1).  Debian carries no patches for it; its
#   debian/rules edits config.h for a hosted library (threading, pthread),
#   which hv does not use: hv brings its own configuration
#   (kernel/crypto/mbedtls_config.h).  The tarball's top directory is
#   GitHub's (Mbed-TLS-mbedtls-<commit>); it is unpacked as mbedtls-2.28.3.
#
# apt-get runs with its own source list, package lists and cache under
# $BUILD/apt, so the machine's apt configuration is neither read nor changed.
# The downloaded files must match the SHA-256 pins below; each tarball is
# unpacked once (a stamp file marks a complete unpack).  A lock in
# third_party/ serialises runs (make -j, several build dirs at once).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=$ROOT/${BUILD:-build}
TP=$ROOT/third_party
APT_DIR=$BUILD_DIR/apt

die() { echo "fetch-deps: $*" >&2; exit 1; }

sha_ok() {   # file expected-sha256
    [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

apt_private() {
    apt-get -q -o Dir::Etc::SourceList="$APT_DIR/sources.list" \
        -o Dir::Etc::SourceParts=/dev/null \
        -o Dir::State::Lists="$APT_DIR/lists" \
        -o Dir::Cache="$APT_DIR/cache" \
        -o Debug::NoLocking=1 \
        -o APT::Sandbox::User=root "$@"
}

UPDATED=0
apt_update_once() {
    [ "$UPDATED" = 1 ] && return 0
    echo "deb-src http://deb.debian.org/debian bookworm main" > "$APT_DIR/sources.list"
    echo "fetch-deps: apt-get update (private lists in $APT_DIR)"
    apt_private update >"$APT_DIR/update.log" 2>&1 </dev/null ||
        { cat "$APT_DIR/update.log" >&2; die "apt-get update failed (log above)"; }
    UPDATED=1
}

# fetch name pkg debver dsc dsc_sha orig orig_sha tar_top dir probe
fetch() {
    name=$1 pkg=$2 debver=$3 dsc=$4 dsc_sha=$5 orig=$6 orig_sha=$7 tar_top=$8 top=$9 probe=${10}
    stamp=$TP/$top/.hv-unpacked
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$orig_sha" ]; then
        touch "$stamp"         # newer than this script: make asks no more
        return 0
    fi
    if ! sha_ok "$TP/$dsc" "$dsc_sha" || ! sha_ok "$TP/$orig" "$orig_sha"; then
        command -v apt-get >/dev/null || die "apt-get not found: $name comes from Debian's source package"
        apt_update_once
        echo "fetch-deps: apt-get source $pkg=$debver"
        (cd "$TP" && apt_private source --download-only "$pkg=$debver") \
            >"$APT_DIR/source.log" 2>&1 </dev/null ||
            { cat "$APT_DIR/source.log" >&2; die "apt-get source $pkg=$debver failed (log above)"; }
    fi
    sha_ok "$TP/$dsc" "$dsc_sha" || die "$TP/$dsc does not match its pinned SHA-256 $dsc_sha"
    sha_ok "$TP/$orig" "$orig_sha" || die "$TP/$orig does not match its pinned SHA-256 $orig_sha"

    rm -rf "$TP/$top" "$TP/$top.tmp"
    mkdir -p "$TP/$top.tmp"
    tar -xf "$TP/$orig" -C "$TP/$top.tmp"
    [ -f "$TP/$top.tmp/$tar_top/$probe" ] || die "$orig does not hold $tar_top/$probe"
    mv "$TP/$top.tmp/$tar_top" "$TP/$top"
    rm -rf "$TP/$top.tmp"
    echo "$orig_sha" > "$stamp"
    echo "fetch-deps: $name unpacked in third_party/$top"
}

mkdir -p "$TP" "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial"
command -v flock >/dev/null || die "flock not found (util-linux)"
exec 9>"$TP/.fetch-lock"     # third_party/ is shared by every build dir
flock 9

# Arguments name the dependencies to fetch; none means all of them.
wanted() {
    [ "$NARGS" = 0 ] && return 0
    case " $ARGS " in *" $1 "*) return 0 ;; esac
    return 1
}
NARGS=$# ARGS="$*"

# name, package=Debian version, .dsc and its SHA-256, .orig tarball and its
# SHA-256, the tarball's top directory, the directory in third_party/ it
# becomes and a file that must be in it.
wanted lwip && fetch lwip lwip 2.1.3+dfsg1-2 \
    lwip_2.1.3+dfsg1-2.dsc 8d8f944db8e6d542fc2d6f01559078fb1b5dda71651c67ee5fa3571ed1342c50 \
    lwip_2.1.3+dfsg1.orig.tar.xz 0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24 \
    lwip-2.1.3 lwip-2.1.3 src/core/tcp.c
wanted mbedtls && fetch mbedtls mbedtls 2.28.3-1 \
    mbedtls_2.28.3-1.dsc a8bf91b5ffb40654efb0ebe0c962ac1e87b8eed5e104880982eaa70dd4bb33e3 \
    mbedtls_2.28.3.orig.tar.gz 3b4953aa55a681e084d31892d9904cc5328d6b4958ea57b90ae4b4f94ae69a8d \
    Mbed-TLS-mbedtls-8f97ca5 mbedtls-2.28.3 library/sha256.c
exit 0
