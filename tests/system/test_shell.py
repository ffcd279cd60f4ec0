"""The recovery shell (boot menu entry 4), driven over COM1 and the keyboard."""

import re
import time

from hvqemu import (READY_RE, Qemu, boot_entry, check, require_image, variants,
                    wait_menu)

PROMPT = r"hv# "


def _shell(accel, smp=2, mem=512, **kw):
    q = Qemu(require_image(), accel=accel, smp=smp, mem=mem, **kw)
    try:
        boot_entry(q, 4)
        q.wait_for(r"hv: shell ready")
        q.wait_for(PROMPT, 10 if accel == "kvm" else 60)
    except BaseException:
        q.kill()
        raise
    return q


def run(q, cmd, limit=None):
    """Type cmd + Enter on COM1; returns what it printed up to the next prompt."""
    limit = limit or 60   # `log` is long and a nested-KVM COM1 is slow
    start = q.cursor
    q.send_slow(cmd + "\r", gap=0.02)
    end = q.wait_for(PROMPT, limit).start()
    out = q.text()[start:end]
    # drop the echo of the command itself
    return out.split(cmd, 1)[1] if cmd in out else out


def _commands(accel):
    """help, cpus, mem, log and an unknown command, typed on COM1."""
    smp = 2
    with _shell(accel, smp=smp) as q:
        out = run(q, "help")
        for cmd in ("mem", "cpus", "log", "reboot", "poweroff"):
            check(re.search(rf"\b{cmd}\b", out), f"`help` does not list {cmd}: {out!r}")

        out = run(q, "cpus")
        cpu_lines = [ln for ln in out.splitlines()
                     if re.match(r"\s*(cpu|CPU)\s*#?\s*\d+", ln)]
        check(len(cpu_lines) == smp,
              f"`cpus` printed {len(cpu_lines)} CPU lines for -smp {smp}: {out!r}")

        out = run(q, "mem")
        check(re.search(r"\d+\s*[KMG]iB", out), f"`mem` shows no amount in KiB/MiB: {out!r}")

        out = run(q, "log")
        check(re.search(READY_RE, out), f"`log` does not contain the ready line: {out[-500:]!r}")

        out = run(q, "bogus")
        check("unknown command" in out, f"`bogus` did not say 'unknown command': {out!r}")


variants(globals(), "commands", _commands, ("kvm", "tcg"))


def _keyboard_input(accel):
    """Typing on the PS/2 keyboard reaches the same shell (output mirrored on COM1)."""
    with _shell(accel, smp=1) as q:
        q.type_keys("help\n")
        m = q.wait_for(PROMPT, 30)
        out = q.text()[:m.start()]
        check(re.search(r"\bpoweroff\b", out), "`help` typed on the keyboard printed no "
                                               f"command list; serial tail:\n{q.tail()}")


variants(globals(), "keyboard_input", _keyboard_input, ("tcg",))


def _fault(accel):
    """`fault` dereferences a bad pointer: an exception dump and a panic."""
    with _shell(accel=accel, smp=1) as q:
        start = q.cursor
        q.send_slow("fault\r", gap=0.02)
        lim = 15 if accel == "kvm" else 60
        q.wait_for(r"page fault|#PF", lim)
        q.wait_for(r"hv: panic", lim)
        time.sleep(0.5)   # the rest of the dump
        dump = q.text()[start:]
        for what, rx in (("RIP", r"\bRIP\b|\brip\b"), ("CR2", r"\bCR2\b|\bcr2\b"),
                         ("a stack trace line", r"(?i)stack|trace|call|frame")):
            check(re.search(rx, dump), f"the exception dump has no {what}:\n{q.tail(40)}")
        time.sleep(0.5)
        q.screendump("panic").assert_text("panic screen", min_rows=8)


variants(globals(), "fault", _fault, ("kvm", "tcg"))


def _poweroff(accel):
    """`poweroff` turns the machine off: QEMU exits by itself within 10 s."""
    with _shell(accel) as q:
        q.send_slow("poweroff\r", gap=0.02)
        q.wait_exit(10)


variants(globals(), "poweroff", _poweroff, ("kvm", "tcg"))


def _reboot(accel):
    """`reboot` restarts the machine: the boot menu comes back and boots again."""
    with _shell(accel) as q:
        q.send_slow("reboot\r", gap=0.02)
        wait_menu(q, 60)
        q.send("4")
        q.wait_for(r"hv: ready mode=recovery")


variants(globals(), "reboot", _reboot, ("tcg",))
