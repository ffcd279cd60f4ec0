"""Keyboard layouts (HV.CFG `keyboard`, docs/boot.md): keys pressed on the
emulated PS/2 keyboard, through QMP, reach the recovery shell as the
configured layout's characters.  The physical keys are named by QEMU's
qcodes, which follow US keycaps: on ABNT2 "slash" (scan code 0x35) is ';',
"ro" (0x73) is '/', "bracket_left" (0x1A) is the acute/grave dead key.

The shell's line editor keeps only ASCII 0x20-0x7E, so a non-ASCII
character (c-cedilla, an accented letter, a superscript) shows as nothing
in the echo: what is checked there is that the key did not type its US
character and did not leave an accent behind."""

import re
import subprocess
import time

from hvqemu import Qemu, artifacts_dir, boot_entry, check, require_image, variants

PROMPT = r"hv# "
BOOT_LINE = "hv: keyboard: br-abnt2"

# (keys pressed together, what the shell echoes on ABNT2, on US)
STEPS = [
    (("grave_accent",), "'", "`"),
    (("shift", "grave_accent"), '"', "~"),
    (("bracket_right",), "[", "]"),
    (("shift", "bracket_right"), "{", "}"),
    (("backslash",), "]", "\\"),
    (("shift", "backslash"), "}", "|"),
    (("less",), "\\", ""),              # 0x56, left of Z: no US key
    (("shift", "less"), "|", ""),
    (("slash",), ";", "/"),
    (("shift", "slash"), ":", "?"),
    (("ro",), "/", ""),                 # 0x73, left of right shift: no US key
    (("shift", "ro"), "?", ""),
    (("kp_comma",), ".", ""),           # 0x7E, the keypad's second '.'
    (("alt_r", "q"), "/", "q"),         # AltGr
    (("alt_r", "w"), "?", "w"),
    (("alt_r", "e"), "", "e"),          # degree sign: not ASCII
    (("alt_r", "2"), "", "2"),          # superscript two
    # dead keys alone (before a space) type their accent
    (("apostrophe",), "", "'"),         # tilde
    (("spc",), "~", " "),
    (("shift", "apostrophe"), "", '"'), # circumflex
    (("spc",), "^", " "),
    (("bracket_left",), "", "["),       # acute
    (("spc",), "'", " "),
    (("shift", "bracket_left"), "", "{"),   # grave
    (("spc",), "`", " "),
    # before a letter they do not combine with: the accent, then the letter
    (("bracket_left",), "", "["),
    (("x",), "'x", "x"),
    # diaeresis (not ASCII alone) on shift+6, where US has '^'
    (("shift", "6"), "", "^"),
    (("x",), "x", "x"),
    # combined: one Latin-1 letter, so nothing of the accent in the echo
    (("apostrophe",), "", "'"),
    (("a",), "", "a"),                  # a-tilde
    (("shift", "apostrophe"), "", '"'),
    (("o",), "", "o"),                  # o-circumflex
    (("semicolon",), "", ";"),          # c-cedilla
    (("z",), "z", "z"),
]


def sparse_copy(src, dst, chunk=1 << 20):
    """Copies src to dst leaving holes for zero runs: hv.vhd is mostly empty."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while True:
            data = fin.read(chunk)
            if not data:
                break
            if data.count(0) == len(data):
                fout.seek(len(data), 1)
            else:
                fout.write(data)
        fout.truncate()


def image_with_keyboard(layout):
    """A copy of hv.vhd whose HV.CFG says `keyboard = <layout>`."""
    d = artifacts_dir()
    img = d / f"hv-kbd-{layout}.vhd"
    sparse_copy(require_image(), img)
    r = subprocess.run(["mcopy", "-n", "-i", f"{img}@@1M", "::/HV.CFG", "-"],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"mcopy of HV.CFG out of {img} failed: {r.stderr.strip()}")
    lines = [ln for ln in r.stdout.splitlines() if not ln.startswith("keyboard")]
    cfg = d / f"HV.CFG-{layout}"
    cfg.write_text("\n".join(lines + [f"keyboard = {layout}"]) + "\n")
    r = subprocess.run(["mcopy", "-o", "-i", f"{img}@@1M", str(cfg), "::/HV.CFG"],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"mcopy of HV.CFG into {img} failed: {r.stderr.strip()}")
    return img


def type_line(q, column):
    """Presses every step's keys, then Enter; checks the echoed line."""
    want = "".join(step[column] for step in STEPS)
    start = q.cursor
    for keys, *_ in STEPS:
        q.send_key(*keys)
        time.sleep(0.15)
    q.send_key("ret")
    m = q.wait_for(re.escape(want) + r"\n", 60)
    typed = q.text()[start:m.end()]
    check(m.start() == start, f"the shell echoed {typed!r}, want {want + chr(10)!r}")
    q.wait_for(PROMPT, 60)
    return want


def _abnt2(accel):
    """HV.CFG keyboard = br-abnt2: the boot line, and every ABNT2 key that
    differs from US (plain, shifted, AltGr, dead keys) typed into the shell."""
    img = image_with_keyboard("br-abnt2")
    with Qemu(img, accel=accel, smp=1) as q:
        boot_entry(q, 4)
        q.wait_for(re.escape(BOOT_LINE))
        q.wait_for(r"hv: shell ready")
        q.wait_for(PROMPT, 60)
        want = type_line(q, 1)
        # no space in the ABNT2 line: the shell takes it all as one word
        q.cursor = 0
        q.wait_for(re.escape(f"unknown command: {want} (try help)"), 10)
    img.unlink()        # passed: the image is no evidence, its HV.CFG copy stays


variants(globals(), "abnt2", _abnt2, ("tcg",))


def _us(accel):
    """HV.CFG keyboard = us: no keyboard line at boot, the same keys type US."""
    img = image_with_keyboard("us")
    with Qemu(img, accel=accel, smp=1) as q:
        boot_entry(q, 4)
        q.wait_for(r"hv: shell ready")
        check("hv: keyboard:" not in q.text(), "a US boot printed a keyboard line:\n" + q.tail())
        q.wait_for(PROMPT, 60)
        type_line(q, 2)
    img.unlink()


variants(globals(), "us", _us, ("tcg",))

