#!/bin/sh
# Boots an hv disk image in QEMU the way `make run` promises: KVM when
# /dev/kvm works, TCG otherwise; a window when there is a display, the serial
# console in this terminal otherwise.
set -eu
IMG=${1:-build/hv.vhd}
# HV_ACCEL=tcg|kvm overrides the choice. arch-capabilities is masked because
# some hosts' KVM refuses to set that MSR for -cpu host and QEMU aborts.
# Under TCG, a CPU model with SVM and nested paging, so hv can run VMs.
ACCEL="-accel tcg -cpu qemu64,+svm,+npt"
case "${HV_ACCEL:-auto}" in
    tcg) ;;
    kvm) ACCEL="-accel kvm -cpu host,-arch-capabilities" ;;
    *) if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then ACCEL="-accel kvm -cpu host,-arch-capabilities"; fi ;;
esac
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    DISP="-serial stdio"
else
    DISP="-display none -serial mon:stdio"
    echo "run-qemu: no display; serial console here (Ctrl-A X quits)"
fi
echo "run-qemu: $ACCEL"
# shellcheck disable=SC2086
exec qemu-system-x86_64 $ACCEL -m ${HV_MEM:-1024} -smp ${HV_CPUS:-2} \
    -drive file="$IMG",format=vpc,if=ide $DISP ${HV_QEMU_ARGS:-}
