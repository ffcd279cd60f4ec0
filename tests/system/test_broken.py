"""Deliberately broken disks (build/test-images/, made by `make test-images`):
each stage must say what is wrong, on COM1 and on the screen, and then halt
for good, or warn and boot on with the defaults."""

import re
import time

from hvqemu import (MENU_LINES, READY_RE, Qemu, broken_image, check, variants,
                    wait_ready)

# variant -> (stage, error text)
FATAL = {
    "no-boot-partition": ("mbr", "no boot partition"),
    "missing-bm": ("mbr", "BM.BIN missing"),
    "truncated-bm": ("mbr", "BM.BIN truncated"),
    "missing-bl": ("bm", "BL.BIN missing"),
    "truncated-bl": ("bm", "BL.BIN truncated"),
    "no-e820": ("bm", "no E820 memory map"),
    "missing-kernel": ("bl", "KERNEL.BIN missing"),
    "truncated-kernel": ("bl", "KERNEL.BIN truncated"),
    "corrupt-kernel": ("bl", "KERNEL.BIN corrupt (checksum mismatch)"),
    "disk-read-error": ("bl", "disk read error"),
}
# All under TCG; under KVM one per stage that can fail.
FATAL_KVM = ("missing-bm", "missing-bl", "corrupt-kernel")
QUIET_SECONDS = 4   # after "system halted": no reset, no menu, no output


def _until(q, pattern, limit):
    """Wait for pattern; if the boot menu shows first, pick the default at once
    (BM loads BL only after the menu)."""
    end = time.monotonic() + limit
    menu = re.escape(MENU_LINES[-1].split(";")[0])
    picked = False
    while True:
        m = q.wait_for(f"(?P<want>{pattern})" + ("" if picked else f"|{menu}"),
                       max(1.0, end - time.monotonic()))
        if m.group("want") is not None:
            return m
        q.send("1")
        picked = True


def _fatal(accel, variant):
    """A fatal error: told on COM1 and the screen, then the machine halts."""
    stage, what = FATAL[variant]
    img = broken_image(variant)
    # -no-reboot: a reset (e.g. a triple fault instead of a clean halt) makes
    # QEMU exit, which this test then sees.
    with Qemu(img, accel=accel, no_reboot=True) as q:
        limit = 30 if accel == "kvm" else 180
        _until(q, re.escape(f"hv {stage}: error: {what}"), limit)
        q.wait_for(re.escape(f"hv {stage}: system halted"), 10 if accel == "kvm" else 30)
        halted_at = len(q.text())
        time.sleep(0.5 if accel == "kvm" else 2)
        s = q.screendump("error")
        s.assert_text(f"{variant}: the error screen", min_rows=8)
        q.assert_on_screen(f"hv {stage}: error: {what}", f"{variant}: the error screen")
        time.sleep(QUIET_SECONDS)
        check(q.alive(), f"QEMU exited after 'system halted' (status {q.proc.poll()}): "
                         "the machine reset instead of halting")
        later = q.text()[halted_at:]
        check(not later.strip(), f"COM1 kept printing after 'system halted': {later[:300]!r}")
        check(not re.search(READY_RE, q.text()), "a ready line despite the fatal error")
        status = q.status()
        check(status == "running", f"QMP query-status: {status}, want running (halted CPU)")


for _v in FATAL:
    variants(globals(), _v.replace("-", "_"), _fatal,
             ("kvm", "tcg") if _v in FATAL_KVM else ("tcg",), _v)
del _v


def _bad_cfg(accel):
    """Malformed HV.CFG: warnings, then the defaults (hypervisor after 3 s)."""
    with Qemu(broken_image("bad-cfg"), accel=accel) as q:
        q.wait_for(r"hv bm: warning: HV\.CFG|hv bl: warning: HV\.CFG line \d+", 60)
        q.cursor = 0
        mode, _cpus, _mem = wait_ready(q)
        check(mode == "hypervisor", f"bad HV.CFG: mode={mode}, want the default hypervisor")


variants(globals(), "bad_cfg", _bad_cfg, ("tcg",))


def _no_vbe(accel):
    """No usable VBE mode: a warning, and the kernel console in text mode."""
    with Qemu(broken_image("no-vbe"), accel=accel) as q:
        q.wait_for(r"Select 1-4")
        q.send("1")
        q.wait_for(re.escape("hv bm: warning: no usable VBE mode, staying in text mode"))
        wait_ready(q)
        time.sleep(1 if accel == "kvm" else 3)
        s = q.screendump("ready")
        check((s.width, s.height) in {(720, 400), (640, 400)},
              f"no VBE: the screen is {s.width}x{s.height}, want text mode 720x400")
        s.assert_text("kernel console in text mode", min_rows=8)
        q.assert_on_screen("hv: ready mode=", "no VBE: the kernel's text console")


variants(globals(), "no_vbe", _no_vbe, ("kvm", "tcg"))
