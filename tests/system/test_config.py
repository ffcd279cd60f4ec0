"""The shell's `config` command: HV.CFG on the boot partition (partition 1,
FAT16, read by the boot loader) changed one key at a time with every other
line of the file kept, a bad value refused with the parser's words and the
file untouched; after `reboot` the new host name is in use.  On the disk
afterwards: HV.CFG is the old text with exactly those edits (mtools), and
fsck.fat finds the boot partition clean.

Each test boots its own copy of build/hv.vhd (writable), never the image."""

import os
import re
import shutil
import struct
import subprocess

from hvqemu import Qemu, artifacts_dir, check, require_image, variants, wait_menu
from vmcases import to_shell

PROMPT = r"hv# "
MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", MTOOLS_NO_VFAT="0")
BAD_HOSTNAME = 'HV.CFG: bad value "Bad_Host" for hostname (1-63 of a-z 0-9 -)'


def boot_part(img):
    """(byte offset, byte length) of partition 1 (the boot partition) from the MBR."""
    with open(img, "rb") as f:
        mbr = f.read(512)
    active, ptype, first, count = struct.unpack_from("<B3xB3xII", mbr, 446)
    check(active == 0x80 and ptype == 0x0E,
          f"partition 1 is active={active:#x} type={ptype:#x}, expected an active FAT16 LBA (0x0e)")
    return first * 512, count * 512


def read_cfg(img):
    off, _ = boot_part(img)
    r = subprocess.run(["mcopy", "-n", "-i", f"{img}@@{off}", "::HV.CFG", "-"],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=60, env=MTOOLS_ENV)
    check(r.returncode == 0, f"mcopy ::HV.CFG from partition 1: {r.stderr.decode().strip()}")
    return r.stdout.decode()


def fsck_boot_part(img):
    """fsck.fat -n on partition 1 copied out: (exit status, output)."""
    off, size = boot_part(img)
    part = artifacts_dir() / "boot-part.img"
    with open(img, "rb") as src, open(part, "wb") as dst:
        src.seek(off)
        dst.write(src.read(size))
    r = subprocess.run(["fsck.fat", "-n", str(part)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    part.unlink()
    return r.returncode, r.stdout.decode(errors="replace")


def run(q, cmd, limit=60):
    """Type a shell command; its output up to the next prompt, without the echo."""
    start = q.cursor
    q.send_slow(cmd + "\r", gap=0.01)
    end = q.wait_for(PROMPT, limit).start()
    out = q.text()[start:end].replace("\r", "")
    return out.split(cmd, 1)[1].lstrip("\n") if cmd in out else out


def config_lines(out):
    """`config`'s output as the file's lines (the kernel log may interleave
    lines starting with "hv: " -- none of HV.CFG's do)."""
    return [ln for ln in out.splitlines() if not ln.startswith("hv: ")]


def _config(accel):
    """config, config set hostname/keyboard, a bad value refused and the
    file unchanged, unset; reboot: the new host name in use, the comments
    still there; on disk exactly the edits, fsck.fat clean."""
    img = artifacts_dir() / "hv-config.vhd"
    shutil.copyfile(require_image(), img)
    before = read_cfg(img)
    check("\r" not in before and before.endswith("\n"), "the image's HV.CFG is not LF text")
    check("\nhostname = hv\n" in before and "keyboard" not in before,
          f"the image's HV.CFG is not what this test expects:\n{before}")
    comments = [ln for ln in before.splitlines() if ln.startswith("#")]
    check(len(comments) >= 5, f"the image's HV.CFG has few comments:\n{before}")

    # a NIC, so that `net` has an interface and shows the host name in use
    nic = ("-netdev", "user,id=n0", "-device", "e1000,netdev=n0")
    with Qemu(img, accel=accel, writable=True, extra_args=nic) as q:
        to_shell(q, 4)
        out = run(q, "config")
        check(config_lines(out) == before.splitlines(),
              f"`config` does not print HV.CFG as it is on the disk:\n{out}")

        out = run(q, "config set hostname renamed-host")
        check("config: hostname = renamed-host saved; applies at the next boot" in out,
              f"`config set hostname`: {out}")
        out = run(q, "config set keyboard br-abnt2")
        check("config: keyboard = br-abnt2 saved; applies at the next boot" in out,
              f"`config set keyboard`: {out}")
        edited = config_lines(run(q, "config"))

        out = run(q, "config set hostname Bad_Host")
        check(f"config: {BAD_HOSTNAME}" in out, f"a bad host name is not refused in words: {out}")
        out = run(q, "config set colour red")
        check('config: HV.CFG: unknown key "colour"' in out, f"an unknown key: {out}")
        out = run(q, "config set hostname a#b")
        check("config: HV.CFG: a value cannot hold a line break, '#' or control characters" in out,
              f"a value with '#': {out}")
        out = run(q, "config set hostname two words")
        check("a value is one word" in out, f"a value with a space: {out}")
        out = run(q, "config set hostname renamed-host")
        check("already has hostname = renamed-host; nothing changed" in out, f"no change: {out}")
        check(config_lines(run(q, "config")) == edited,
              "HV.CFG changed although every change after the keyboard was refused")

        out = run(q, "config set boot.timeout 7")
        check("saved" in out, f"`config set boot.timeout 7`: {out}")
        out = run(q, "config unset boot.timeout")
        check("config: boot.timeout removed" in out, f"`config unset boot.timeout`: {out}")
        out = run(q, "config unset boot.timeout")
        check("does not set boot.timeout; nothing changed" in out, f"second unset: {out}")
        out = run(q, "config set boot.timeout 3")
        check("saved" in out, f"`config set boot.timeout 3`: {out}")
        out = run(q, "config bogus")
        check("usage: config" in out, f"`config bogus` gives no usage: {out}")

        q.send_slow("reboot\r", gap=0.01)
        wait_menu(q, 60)
        q.send("4")
        q.wait_for(r"hv: shell ready", 120)
        q.wait_for(PROMPT, 60)
        out = run(q, "net")
        check(re.search(r"^hostname renamed-host$", out, re.M),
              f"after reboot `net` does not show the new host name:\n{out}")
        after = config_lines(run(q, "config"))
        for c in comments:
            check(c in after, f"the comment {c!r} is gone from HV.CFG:\n" + "\n".join(after))
        check("hostname = renamed-host" in after and "keyboard = br-abnt2" in after,
              "`config` after reboot lacks the changes:\n" + "\n".join(after))
        q.send_slow("poweroff\r", gap=0.01)
        q.wait_exit(60)

    # boot.timeout went away and came back at the end: appended, not in its old place
    want = before.replace("\nhostname = hv\n", "\nhostname = renamed-host\n")
    want = want.replace("\nboot.timeout = 3\n", "\n") + "keyboard = br-abnt2\nboot.timeout = 3\n"
    got = read_cfg(img)
    (artifacts_dir() / "HV.CFG.after").write_text(got)
    check(got == want, f"HV.CFG on the disk is not the old text with the edits:\n{got}\n"
                       f"--- expected:\n{want}")
    rc, text = fsck_boot_part(img)
    # clean: exit 0 and nothing but the banner and the summary line
    noise = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("fsck.fat ")
             and not re.search(r": \d+ files, \d+/\d+ clusters$", ln)]
    check(rc == 0 and not noise, f"fsck.fat -n on the boot partition: exit {rc}\n{text}")
    img.unlink()


variants(globals(), "config_edit", _config, ("tcg",))
