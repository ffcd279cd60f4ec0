"""The datastore (docs/datastore.md): hv mounts HVDATA at boot, the shell's
ls/cat/df/write work, what hv writes is on the disk for mtools and fsck.fat
and survives a reboot, and a power cut (SIGKILL of QEMU) in the middle of
rewriting a file leaves a volume fsck.fat accepts and the file whole.

Every test that writes boots its own copy of build/hv.vhd without a snapshot
(Qemu(writable=True)).  TCG only: it is the fast one here (docs/PERFORMANCE.md).
HV_SLOW=1 (make test-slow) runs 50 power cuts instead of 5."""

import os
import random
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import time
from pathlib import Path

from hvqemu import Qemu, boot_entry, check, require_image, timeout

PROMPT = r"hv# "
DS_LINE = r"hv: datastore: (\w+) partition 2, FAT32, (\d+)/(\d+) MiB used"
NO_DS = r"hv: datastore: warning: (.*); running without a datastore"
MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", MTOOLS_NO_VFAT="0")
CFGLOOP_SIZE = 6144          # kernel/shell/cmd_fs.c
TRIALS = 50 if os.environ.get("HV_SLOW") else 5
# What docs/fat.md says a cut may leave for fsck.fat -n (besides a clean volume).
BENIGN = (re.compile(r"^Reclaimed \d+ unused clusters? \(\d+ bytes\)"),
          re.compile(r"^FATs differ but appear to be intact\."),
          re.compile(r"^\s*Using first FAT\."),
          re.compile(r"^\s*\d+ \(0x[0-9a-f]+\)"),    # the one-line FAT value fsck prints with it
          # FSInfo's count is "unknown" while an operation runs (docs/fat.md rule 5)
          re.compile(r"^Free cluster summary uninitialized \(should be \d+\)"))


def cfgloop_content(n):
    """Generation n exactly as `cfgloop` writes it."""
    text = f"generation {n}\n"
    k = 0
    while len(text) < CFGLOOP_SIZE:
        text += f"{n}.{k} ".ljust(63, "-") + "\n"
        k += 1
    return (text[:CFGLOOP_SIZE - 1] + "\n").encode()


def datastore_part(img):
    """(byte offset, byte length) of partition 2 from the MBR."""
    with open(img, "rb") as f:
        mbr = f.read(512)
    _boot, ptype, first, count = struct.unpack_from("<B3xB3xII", mbr, 446 + 16)
    check(ptype == 0x0C, f"partition 2 has type {ptype:#x}, expected 0x0c")
    return first * 512, count * 512


def mtools(cmd, img, *args):
    off, _ = datastore_part(img)
    return subprocess.run([cmd, "-i", f"{img}@@{off}", *args], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60,
                          env=MTOOLS_ENV)


def read_file(img, path):
    r = mtools("mtype", img, "::" + path)
    check(r.returncode == 0, f"mtype ::{path} failed: {r.stdout.decode(errors='replace')}")
    return r.stdout


def fsck(img, tmp):
    """fsck.fat -n on the datastore partition copied out; (exit status, lines)."""
    off, size = datastore_part(img)
    part = Path(tmp) / "part.img"
    with open(img, "rb") as src, open(part, "wb") as dst:
        src.seek(off)
        left = size
        while left:
            chunk = src.read(min(left, 1 << 20))
            if not chunk:
                break
            dst.write(chunk)
            left -= len(chunk)
    r = subprocess.run(["fsck.fat", "-n", str(part)], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    part.unlink()
    return r.returncode, r.stdout.decode(errors="replace").splitlines()


def fsck_problems(lines):
    """fsck.fat's lines that are neither its banner/summary nor a benign message."""
    out = []
    for ln in lines:
        if ln.startswith("fsck.fat ") or ln == "Leaving filesystem unchanged." or re.search(r": \d+ files, \d+/\d+ clusters$", ln):
            continue
        if not ln.strip() or any(rx.match(ln) for rx in BENIGN):
            continue
        out.append(ln)
    return out


def private_copy(tmp):
    img = Path(tmp) / "hv.vhd"
    shutil.copyfile(require_image(), img)
    return img


def run(q, cmd, limit=60):
    """Type a shell command; its output up to the next prompt."""
    start = q.cursor
    q.send_slow(cmd + "\r", gap=0.01)
    end = q.wait_for(PROMPT, limit).start()
    out = q.text()[start:end]
    return out.split(cmd, 1)[1].lstrip("\n") if cmd in out else out


def boot_shell(img, writable=True, tag=None):
    q = Qemu(img, accel="tcg", writable=writable, tag=tag)
    try:
        boot_entry(q, 4)
        q.wait_for(r"hv: shell ready")
        q.wait_for(PROMPT, 30)
    except BaseException:
        q.kill()
        raise
    return q


def poweroff(q):
    q.send_slow("poweroff\r", gap=0.01)
    q.wait_exit(60)


@timeout(300)
def test_datastore_mounts():
    """The boot line names the boot disk's partition 2; `ls /` lists
    GUEST0.VHD; `df` agrees with the boot line; bad `cat`s get messages."""
    with boot_shell(require_image(), writable=False) as q:
        m = re.search(DS_LINE, q.text())
        check(m, f"no datastore line at boot:\n{q.tail()}")
        check(m.group(1) == "ata0", f"datastore on {m.group(1)}, expected ata0")
        used, total = int(m.group(2)), int(m.group(3))
        check(0 < used < total, f"odd usage {used}/{total} MiB")
        out = run(q, "ls /")
        check(re.search(r"^\s*\d+  GUEST0\.VHD$", out, re.M), f"`ls /` lacks GUEST0.VHD:\n{out}")
        out = run(q, "df")
        check(f"datastore: {used}/{total} MiB used" in out, f"`df` says:\n{out}")
        out = run(q, "cat NOFILE.TXT")
        check("cat: NOFILE.TXT: no such file" in out, f"`cat` of a missing file:\n{out}")
        out = run(q, "cat GUEST0.VHD")
        check("more than 64 KiB; not shown" in out, f"`cat` of a big file:\n{out}")
        out = run(q, "ls NODIR")
        check("ls: NODIR: no such file" in out, f"`ls` of a missing dir:\n{out}")


@timeout(300)
def test_datastore_write_persists():
    """`write` from hv, poweroff: mtype shows the text, fsck.fat -n exits 0;
    a second boot of the same disk `cat`s it back."""
    with tempfile.TemporaryDirectory(prefix="hv-ds-") as tmp:
        img = private_copy(tmp)
        with boot_shell(img) as q:
            out = run(q, "mkdir NOTES")
            check(out.strip() == "", f"`mkdir NOTES`: {out}")
            out = run(q, "write NOTES/note-long-name.txt hello from hv")
            check("write: NOTES/note-long-name.txt: 14 bytes" in out, f"`write` said:\n{out}")
            out = run(q, "write HELLO.TXT first")
            out = run(q, "write HELLO.TXT second version")
            check("15 bytes" in out, f"`write` said:\n{out}")
            poweroff(q)
        check(read_file(img, "HELLO.TXT") == b"second version\n", "HELLO.TXT content on disk")
        check(read_file(img, "NOTES/note-long-name.txt") == b"hello from hv\n",
              "NOTES/note-long-name.txt content on disk")
        rc, lines = fsck(img, tmp)
        check(rc == 0, "fsck.fat -n after hv wrote: exit %d\n%s" % (rc, "\n".join(lines)))
        with boot_shell(img, tag="second") as q:
            out = run(q, "cat HELLO.TXT")
            check(out.strip() == "second version", f"`cat HELLO.TXT` after reboot:\n{out}")
            out = run(q, "ls NOTES")
            check(re.search(r"^\s*14  note-long-name\.txt$", out, re.M), f"`ls NOTES`:\n{out}")


@timeout(300)
def test_datastore_corrupt():
    """A zeroed datastore boot sector: the warning, and hv still gets ready."""
    with tempfile.TemporaryDirectory(prefix="hv-ds-") as tmp:
        img = private_copy(tmp)
        off, _ = datastore_part(img)
        with open(img, "r+b") as f:
            f.seek(off)
            f.write(bytes(512))
        with boot_shell(img) as q:
            m = re.search(NO_DS, q.text())
            check(m, f"no datastore warning:\n{q.tail()}")
            check("ata0 partition 2" in m.group(1), f"warning names no partition: {m.group(0)}")
            out = run(q, "ls")
            check("ls: no datastore" in out, f"`ls` without a datastore:\n{out}")


def _one_cut(img, tmp, rng, trial):
    """Boot, start cfgloop, SIGKILL QEMU after a random number of lines plus
    a random delay; returns the last generation hv reported done."""
    with boot_shell(img, tag=f"cut{trial}") as q:
        check(re.search(DS_LINE, q.text()), f"trial {trial}: no datastore line:\n{q.tail()}")
        lines = rng.randint(1, 25)
        delay = rng.uniform(0, 0.25)
        q.send_slow("cfgloop VMS/TEST.CFG 1000000\r", gap=0.01)
        q.wait_for(rf"cfgloop: {lines}\n", 120)
        time.sleep(delay)
        os.killpg(q.proc.pid, signal.SIGKILL)
        q.proc.wait(10)
        time.sleep(0.2)
        done = [int(n) for n in re.findall(r"cfgloop: (\d+)", q.text())]
    return max(done), lines, delay


@timeout(2400 if os.environ.get("HV_SLOW") else 420)
def test_datastore_power_cut():
    """Power cuts while `cfgloop` rewrites VMS/TEST.CFG and the VM definition
    VMS/cfgloop.vm: fsck.fat -n shows nothing but the benign messages, the
    file is one whole generation (the last reported or the one after), the
    definition is whole (its generation or the one before), and the next boot mounts (and, after a
    dirty cut, repairs: a boot + poweroff later fsck.fat -n is clean)."""
    seed = int(os.environ.get("HV_SEED", time.time_ns() % 1000000))
    print(f"power-cut seed {seed} (HV_SEED={seed} repeats it), {TRIALS} trials")
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="hv-ds-") as tmp:
        img = private_copy(tmp)
        dirty_cuts = 0
        for trial in range(1, TRIALS + 1):
            last, lines, delay = _one_cut(img, tmp, rng, trial)
            where = f"seed {seed} trial {trial} (after {lines} lines + {delay:.3f} s)"
            rc, out = fsck(img, tmp)
            bad = fsck_problems(out)
            check(rc in (0, 1) and not bad, f"{where}: fsck.fat -n exit {rc}:\n" + "\n".join(out))
            data = read_file(img, "VMS/TEST.CFG")
            m = re.match(rb"generation (\d+)\n", data)
            check(m, f"{where}: VMS/TEST.CFG starts {data[:40]!r}")
            gen = int(m.group(1))
            check(gen in (last, last + 1),
                  f"{where}: file holds generation {gen}, hv last reported {last}")
            check(data == cfgloop_content(gen), f"{where}: generation {gen} is torn "
                  f"({len(data)} bytes)")
            # The VM definition cfgloop writes after each generation: whole,
            # and the generation before the config file's or the same one.
            vm = read_file(img, "VMS/cfgloop.vm").decode("ascii", "replace")
            m = re.search(r"^name = cfgloop\nmemory = (\d+)\nvcpus = 1\nboot = guest:hello\n"
                          r"autostart = no\n\Z", vm, re.M)
            check(m, f"{where}: VMS/cfgloop.vm is not a whole definition: {vm!r}")
            check(int(m.group(1)) in (2 * gen, 2 * (gen - 1)),
                  f"{where}: VMS/cfgloop.vm has memory {m.group(1)}, generation {gen} wrote {2 * gen}")
            if rc != 0:
                dirty_cuts += 1
                with boot_shell(img, tag=f"repair{trial}") as q:
                    poweroff(q)
                rc, out = fsck(img, tmp)
                check(rc == 0, f"{where}: fsck.fat -n still exits {rc} after hv's mount:\n"
                      + "\n".join(out))
        print(f"{TRIALS} cuts, {dirty_cuts} left the benign fsck.fat messages")
        with boot_shell(img, tag="final") as q:
            out = run(q, "cat VMS/TEST.CFG")
            check(out.startswith("generation "), f"`cat` after the cuts:\n{out[:200]}")
            poweroff(q)
        rc, out = fsck(img, tmp)
        check(rc == 0, "fsck.fat -n after the last boot: exit %d\n%s" % (rc, "\n".join(out)))
