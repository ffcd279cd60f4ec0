"""The boot menu, as a user at the screen or on COM1 meets it.

Every test has a TCG variant; the KVM variants are the representative subset
(on this sandbox's nested KVM every VM exit is slow, see docs/PERFORMANCE.md)."""

import re
import time

from hvqemu import (MENU_LINES, MODES, Qemu, boot_entry, check, exclusive,
                    require_image, variants, wait_menu, wait_ready)

TEXT_MODE_SIZES = {(720, 400), (640, 400)}
DOWN, UP = b"\x1b[B", b"\x1b[A"     # the arrows as a terminal sends them


def _menu_screen(accel):
    """The menu dialog on the text screen, every line of it."""
    with Qemu(require_image(), accel=accel) as q:
        q.wait_for(re.escape(MENU_LINES[0]))
        # Any key stops the countdown: the menu must still be there to be read
        # (on a slow COM1 the mirror finishes late in the 3 s).  Down only
        # moves the highlight.
        q.send(DOWN)
        wait_menu(q, first=1)
        time.sleep(0.5)
        s = q.screendump("menu")
        check((s.width, s.height) in TEXT_MODE_SIZES,
              f"menu screenshot is {s.width}x{s.height}, want 80x25 text mode (720x400)")
        s.assert_text("boot menu on the screen", min_rows=16)
        q.assert_on_screen(MENU_LINES[:5] + [MENU_LINES[5].split(";")[0]],
                           "the boot menu dialog")


variants(globals(), "menu_screen", _menu_screen, ("kvm", "tcg"))


def _menu_lines(accel):
    """Each menu line begins a line of its own on COM1 (a terminal user reads it)."""
    with Qemu(require_image(), accel=accel) as q:
        wait_menu(q)
        lines = [ln.strip() for ln in q.text().splitlines()]
        for want in MENU_LINES:
            # startswith: a countdown may rewrite the last line in place (CR)
            check(any(ln.startswith(want) for ln in lines),
                  f"no COM1 line starts with {want!r}; serial tail:\n{q.tail()}")


variants(globals(), "menu_lines", _menu_lines, ("tcg",))


def _select(accel, n, smp):
    """Digit n on COM1 boots that entry at once."""
    with Qemu(require_image(), accel=accel, smp=smp, mem=512) as q:
        boot_entry(q, n)
        mode, cpus, _mem = wait_ready(q)
        check(mode == MODES[n], f"entry {n}: ready line says mode={mode}, want {MODES[n]}")
        check(cpus == smp, f"ready line says cpus={cpus}, QEMU has -smp {smp}")


# Every entry under TCG (-smp 2); under KVM entries 2 and 3 (1 and 4 boot
# under KVM in test_boot.cpus_* and the keyboard and shell tests).
for _n in MODES:
    variants(globals(), f"select_{_n}", lambda accel, n=_n: _select(
        accel, n, 1 if accel == "kvm" else 2), ("kvm", "tcg") if _n in (2, 3) else ("tcg",))
del _n


def _arrows(accel, keys, n):
    with Qemu(require_image(), accel=accel) as q:
        wait_menu(q)
        for key in keys:
            q.send(key)          # one escape sequence at a time, as a terminal sends it
            time.sleep(0.3)
        q.send(b"\r")
        label = MENU_LINES[n].split(") ", 1)[1]
        q.wait_for(re.escape(f"hv bm: booting {n}) {label}"), 30)
        mode, _cpus, _mem = wait_ready(q)
        check(mode == MODES[n], f"arrows + Enter: mode={mode}, want {MODES[n]}")


variants(globals(), "arrows_down_enter", _arrows, ("tcg",), (DOWN, DOWN), 3)
variants(globals(), "arrows_up_enter", _arrows, ("tcg",), (DOWN, DOWN, DOWN, UP), 3)


def _keyboard_digit(accel):
    """Key 4 on the PS/2 keyboard (not COM1) boots the recovery shell."""
    with Qemu(require_image(), accel=accel) as q:
        wait_menu(q)
        q.send_key("4")
        q.wait_for(re.escape("hv bm: booting 4) recovery shell"), 30)
        mode, _cpus, _mem = wait_ready(q)
        check(mode == "recovery", f"key 4 on the keyboard: mode={mode}, want recovery")


variants(globals(), "keyboard_digit", _keyboard_digit, ("kvm", "tcg"))


def _keyboard_arrows(accel):
    with Qemu(require_image(), accel=accel) as q:
        wait_menu(q)
        q.send_key("down")
        time.sleep(0.3)
        q.send_key("ret")
        q.wait_for(re.escape("hv bm: booting 2) hv as a normal operating system (no VMs)"), 30)
        mode, _cpus, _mem = wait_ready(q)
        check(mode == "os", f"keyboard Down, Enter: mode={mode}, want os")


variants(globals(), "keyboard_arrows", _keyboard_arrows, ("tcg",))


@exclusive
def _timeout_default(accel):
    """Nothing pressed: entry 1 boots about 3 s after the menu appeared."""
    with Qemu(require_image(), accel=accel) as q:
        q.wait_for(re.escape(MENU_LINES[0]))
        shown = time.monotonic()   # the countdown may start before COM1 has it all
        wait_menu(q, first=1)
        q.wait_for(re.escape("hv bm: booting 1) hv (hypervisor)"), 30)
        waited = time.monotonic() - shown
        # 3 s by the BIOS clock; TCG's clock may drift from the wall clock.
        low, high = (2.0, 6.0) if accel == "kvm" else (1.5, 15.0)
        check(low <= waited <= high,
              f"the default booted {waited:.1f} s after the menu, want about 3 s")
        mode, _cpus, _mem = wait_ready(q)
        check(mode == "hypervisor", f"nothing pressed: mode={mode}, want hypervisor")


variants(globals(), "timeout_default", _timeout_default, ("kvm", "tcg"))


def _key_stops_countdown(accel):
    """Any key stops the countdown: after a Down arrow nothing boots by itself."""
    with Qemu(require_image(), accel=accel) as q:
        wait_menu(q)
        q.send(DOWN)
        q.expect_absent(r"hv bm: booting", 6)
        q.send(b"\r")
        q.wait_for(re.escape("hv bm: booting 2) hv as a normal operating system (no VMs)"), 30)


variants(globals(), "key_stops_countdown", _key_stops_countdown, ("tcg",))
