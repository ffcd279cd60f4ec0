#!/bin/sh
# Fetches the third-party sources the kernel is built with into third_party/
# (ignored by git: no third-party code is ever committed).
#
#   lwIP 2.1.3, the upstream tarball inside Debian bookworm's source package
#   `lwip` (2.1.3+dfsg1-2).  Debian's own patches adapt lwIP to a hosted
#   Linux library (sockets, tap port, shared-library build) and are not
#   applied: hv brings its own port in kernel/net/.
#
# apt-get runs with its own source list, package lists and cache under
# $BUILD/apt, so the machine's apt configuration is neither read nor changed.
# The downloaded files must match the SHA-256 pins below; the tarball is
# unpacked once (a stamp file marks a complete unpack).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=$ROOT/${BUILD:-build}
TP=$ROOT/third_party
APT_DIR=$BUILD_DIR/apt

LWIP_PKG=lwip
LWIP_DEBVER=2.1.3+dfsg1-2
LWIP_DSC=lwip_2.1.3+dfsg1-2.dsc
LWIP_DSC_SHA256=8d8f944db8e6d542fc2d6f01559078fb1b5dda71651c67ee5fa3571ed1342c50
LWIP_ORIG=lwip_2.1.3+dfsg1.orig.tar.xz
LWIP_ORIG_SHA256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
LWIP_TOPDIR=lwip-2.1.3
LWIP_STAMP=$TP/$LWIP_TOPDIR/.hv-unpacked

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

fetch_lwip() {
    mkdir -p "$TP" "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial"
    if ! sha_ok "$TP/$LWIP_DSC" "$LWIP_DSC_SHA256" || ! sha_ok "$TP/$LWIP_ORIG" "$LWIP_ORIG_SHA256"; then
        command -v apt-get >/dev/null || die "apt-get not found: lwIP comes from Debian's source package"
        echo "deb-src http://deb.debian.org/debian bookworm main" > "$APT_DIR/sources.list"
        echo "fetch-deps: apt-get update (private lists in $APT_DIR)"
        apt_private update >"$APT_DIR/update.log" 2>&1 ||
            { cat "$APT_DIR/update.log" >&2; die "apt-get update failed (log above)"; }
        echo "fetch-deps: apt-get source $LWIP_PKG=$LWIP_DEBVER"
        (cd "$TP" && apt_private source --download-only "$LWIP_PKG=$LWIP_DEBVER") \
            >"$APT_DIR/source.log" 2>&1 ||
            { cat "$APT_DIR/source.log" >&2; die "apt-get source $LWIP_PKG=$LWIP_DEBVER failed (log above)"; }
    fi
    sha_ok "$TP/$LWIP_DSC" "$LWIP_DSC_SHA256" ||
        die "$TP/$LWIP_DSC does not match its pinned SHA-256 $LWIP_DSC_SHA256"
    sha_ok "$TP/$LWIP_ORIG" "$LWIP_ORIG_SHA256" ||
        die "$TP/$LWIP_ORIG does not match its pinned SHA-256 $LWIP_ORIG_SHA256"

    rm -rf "$TP/$LWIP_TOPDIR" "$TP/$LWIP_TOPDIR.tmp"
    mkdir -p "$TP/$LWIP_TOPDIR.tmp"
    tar -xJf "$TP/$LWIP_ORIG" -C "$TP/$LWIP_TOPDIR.tmp"
    [ -f "$TP/$LWIP_TOPDIR.tmp/$LWIP_TOPDIR/src/core/tcp.c" ] ||
        die "$LWIP_ORIG does not hold $LWIP_TOPDIR/src/core/tcp.c"
    mv "$TP/$LWIP_TOPDIR.tmp/$LWIP_TOPDIR" "$TP/$LWIP_TOPDIR"
    rmdir "$TP/$LWIP_TOPDIR.tmp"
    echo "$LWIP_ORIG_SHA256" > "$LWIP_STAMP"
    echo "fetch-deps: lwIP unpacked in third_party/$LWIP_TOPDIR"
}

if [ -f "$LWIP_STAMP" ] && [ "$(cat "$LWIP_STAMP")" = "$LWIP_ORIG_SHA256" ]; then
    touch "$LWIP_STAMP"        # newer than this script: make asks no more
    exit 0
fi
fetch_lwip
