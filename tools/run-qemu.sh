#!/bin/sh
# Boots an hv disk image in QEMU the way `make run` promises: KVM when
# /dev/kvm works, TCG otherwise; a window when there is a display, the serial
# console in this terminal otherwise.
set -eu
IMG=${1:-build/hv.vhd}
# hv runs its VMs with SVM or VMX, so the CPU QEMU gives it must have one:
# KVM with -cpu host only when this host's KVM offers nested virtualization
# (the kvm_amd/kvm_intel "nested" parameter, and svm/vmx in our own CPU
# flags); otherwise TCG with a CPU model that has SVM and nested paging.
# HV_ACCEL=tcg|kvm overrides the choice. arch-capabilities is masked because
# some hosts' KVM refuses to set that MSR for -cpu host and QEMU aborts.
TCG="-accel tcg -cpu qemu64,+svm,+npt"
KVM="-accel kvm -cpu host,-arch-capabilities"
nested_kvm() {
    [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
    grep -qwE 'svm|vmx' /proc/cpuinfo || return 1
    for p in /sys/module/kvm_amd/parameters/nested /sys/module/kvm_intel/parameters/nested; do
        if [ -r "$p" ]; then
            case "$(cat "$p")" in 1|Y|y) return 0 ;; esac
        fi
    done
    return 1
}
case "${HV_ACCEL:-auto}" in
    tcg) ACCEL=$TCG; WHY="HV_ACCEL=tcg" ;;
    kvm) ACCEL=$KVM; WHY="HV_ACCEL=kvm (VMs need nested virtualization in this host's KVM)" ;;
    *) if nested_kvm; then
           ACCEL=$KVM; WHY="KVM offers nested virtualization here"
       else
           ACCEL=$TCG; WHY="no KVM with nested virtualization here: TCG, which emulates SVM"
       fi ;;
esac
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    DISP="-serial stdio"
else
    DISP="-display none -serial mon:stdio"
    echo "run-qemu: no display; serial console here (Ctrl-A X quits)"
fi
echo "run-qemu: $ACCEL ($WHY)"
# shellcheck disable=SC2086
exec qemu-system-x86_64 $ACCEL -m ${HV_MEM:-1024} -smp ${HV_CPUS:-2} \
    -drive file="$IMG",format=vpc,if=ide $DISP ${HV_QEMU_ARGS:-}
