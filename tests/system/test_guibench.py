"""The shell's `guibench` (kernel/gui/gui_bench.c): the desktop's compositor
timed on the framebuffer, hypervisor mode (boot menu entry 1), over COM1.
A functional check, not a benchmark: the line's format and non-zero rates,
the console back on the screen and the shell working afterwards, the
refusals.  The figures themselves are bench/gui.py's."""

import re

from hvqemu import Qemu, check, require_image, variants
from vmcases import run, to_shell

LINE_RE = (r"guibench: full-screen (\d+)x(\d+)x(\d+): (\d+) frames in (\d+) ms = "
           r"(\d+)\.(\d) fps; drag: (\d+) frames in (\d+) ms = (\d+)\.(\d) fps")
USAGE = "usage: guibench [frames, 1-1000]"
CONSOLE_BG = (0x12, 0x16, 0x1E)     # the text console's background (fbcon.c)
DESKTOP = (0x1E, 0x3A, 0x5C)        # the desktop's (gui/theme.h)


def _shell(accel, extra_args=()):
    return to_shell(Qemu(require_image(), accel=accel, smp=1, mem=512, extra_args=extra_args))


def _guibench(accel):
    """`guibench 5`: one line with both rates; the console is back after it."""
    with _shell(accel) as q:
        out = run(q, "guibench 5")
        m = re.search(LINE_RE, out)
        check(m, f"`guibench 5` printed no figures line: {out!r}")
        w, h, bpp, full_n, full_ms, full_i, full_t, drag_n, drag_ms, drag_i, drag_t = \
            (int(g) for g in m.groups())
        check((w, h, bpp) == (1024, 768, 32), f"guibench measured {w}x{h}x{bpp}, "
                                              f"not QEMU's 1024x768x32: {out!r}")
        check(full_n == 5 and drag_n == 5, f"guibench did not run 5 frames each: {out!r}")
        check(full_i * 10 + full_t > 0 and drag_i * 10 + drag_t > 0,
              f"guibench reports a zero frame rate: {out!r}")
        # the rate agrees with the frames and milliseconds it printed
        for n, ms, fps10 in ((full_n, full_ms, full_i * 10 + full_t),
                             (drag_n, drag_ms, drag_i * 10 + drag_t)):
            if ms >= 10:
                check(abs(fps10 - n * 10000 / ms) <= n * 10000 / ms / 10 + 1,
                      f"{n} frames in {ms} ms is not {fps10 / 10} fps: {out!r}")

        # the console has the screen again: its background, not the desktop's,
        # and the shell's text where the desktop's windows were
        s = q.screendump("after-guibench")
        colors = s.colors(x0=0, y0=30, x1=1024, y1=768)
        check(CONSOLE_BG in colors and DESKTOP not in colors,
              "after guibench the screen does not show the text console "
              "(see after-guibench.png)")

        out = run(q, "guibench 0")
        check(USAGE in out, f"`guibench 0` did not print the usage: {out!r}")
        out = run(q, "guibench 1001")
        check(USAGE in out, f"`guibench 1001` did not print the usage: {out!r}")
        out = run(q, "guibench five")
        check(USAGE in out, f"`guibench five` did not print the usage: {out!r}")

        out = run(q, "help")
        check(re.search(r"\bguibench\b", out) and re.search(r"\bpoweroff\b", out),
              f"the shell does not answer `help` after guibench: {out!r}")


variants(globals(), "frames", _guibench, ("tcg",))


def _no_framebuffer(accel):
    """Without a graphics card there is no framebuffer: refused in words."""
    with _shell(accel, extra_args=("-vga", "none")) as q:
        out = run(q, "guibench 5")
        check("guibench: no usable framebuffer" in out,
              f"`guibench` without a framebuffer did not refuse in words: {out!r}")
        check(not re.search(LINE_RE, out), f"`guibench` without a framebuffer ran: {out!r}")
        out = run(q, "help")
        check(re.search(r"\bpoweroff\b", out),
              f"the shell does not answer `help` after the refusal: {out!r}")


variants(globals(), "no_framebuffer", _no_framebuffer, ("tcg",))
