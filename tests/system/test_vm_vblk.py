"""Guest disks (issue 5): a VM's `disk = ` files on the datastore appear to
the guest as legacy virtio-blk PCI devices.  The built-in guest vblk
(tests/guests/vblk.asm) finds the device by PCI config space, reads the
pattern the host put in the file, writes sectors 100-103, flushes and reads
them back; after hv powers off, the host finds the guest's writes in the
file (mtools), for a raw image and for a fixed VHD (whose footer the guest
cannot reach).  A read-only disk refuses the write with IOERR and the file
is unchanged.  A guest whose descriptor chain loops is stopped with a
reason.  QEMU TCG with `-cpu qemu64,+svm,+npt`."""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hvqemu import Qemu, boot_entry, check, require_manual_image, timeout
from vmcases import PROMPT, run, start_and_wait_stop

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from mkimage import vhd_footer  # noqa: E402

SVM_CPU = "qemu64,+svm,+npt"
DATA_OFFSET = 67584 * 512          # the datastore partition (tools/mkimage.py)
SECTORS = 2048                     # 1 MiB disks
WR_FIRST, WR_COUNT = 100, 4        # what vblk writes, with key 0xA5

OK_LINES = ("read sector 0 matches the file", "interrupt status set after a request",
            "read sector 1 matches the file", "read sectors 8-23 in one request",
            "read the last sector", "flush", "get id",
            "read past the end refused (status IOERR)",
            "unknown request type refused (status UNSUPP)")
RW_LINES = ("write sectors 100-103", "read back what was written")
RO_LINES = ("write refused on a read-only disk (status IOERR)", "read-only sectors unchanged")


def sector(s, key=0):
    return bytes(((7 * s + i) & 0xFF) ^ key for i in range(512))


def pattern_disk():
    return b"".join(sector(s) for s in range(SECTORS))


def mcopy_in(img, src, name):
    subprocess.run(["mcopy", "-o", "-i", f"{img}@@{DATA_OFFSET}", str(src), f"::{name}"],
                   check=True, capture_output=True)


def mcopy_out(img, name, dst):
    subprocess.run(["mcopy", "-o", "-n", "-i", f"{img}@@{DATA_OFFSET}", f"::{name}", str(dst)],
                   check=True, capture_output=True)
    return Path(dst).read_bytes()


def differing(got, want):
    """Sector numbers where got and want differ (all of them if sizes do)."""
    if len(got) != len(want):
        return list(range(max(len(got), len(want)) // 512))
    return [s for s in range(len(want) // 512)
            if got[s * 512:(s + 1) * 512] != want[s * 512:(s + 1) * 512]]


def check_guest(name, out, extra):
    check("FAIL" not in out, f"the guest {name} reported a failure:\n{out}")
    for line in OK_LINES + extra:
        check(re.search(rf"\[vm:{name}\] ok: {re.escape(line)} \(", out),
              f"{name}: missing 'ok: {line}':\n{out}")
    m = re.search(rf"\[vm:{name}\] ok: capacity in sectors \((0x[0-9a-f]+)\)", out)
    check(m and int(m.group(1), 16) == SECTORS, f"{name}: capacity is not {SECTORS}:\n{out}")
    check(re.search(rf"\[vm:{name}\] vblk: io 0x0000c000 irq 11", out),
          f"{name}: device not at I/O 0xC000, IRQ 11:\n{out}")


@timeout(900)
def test_vm_virtio_blk_tcg():
    with tempfile.TemporaryDirectory() as tmp:
        img = Path(tmp) / "hv.vhd"
        shutil.copyfile(require_manual_image(), img)
        disk = Path(tmp) / "DATA.IMG"
        disk.write_bytes(pattern_disk())
        mcopy_in(img, disk, "DATA.IMG")
        mcopy_in(img, disk, "RO.IMG")
        mcopy_in(img, disk, "LOOP.IMG")
        footer = vhd_footer(SECTORS * 512, bytes(range(16)), 0)
        vhd = Path(tmp) / "DATA.VHD"
        vhd.write_bytes(pattern_disk() + footer)
        mcopy_in(img, vhd, "DATA.VHD")

        q = Qemu(img, accel="tcg", smp=2, mem=512, cpu=SVM_CPU, writable=True)
        with q:
            boot_entry(q, 1)
            q.wait_for(r"hv: shell ready")
            q.wait_for(PROMPT, 60)

            out = run(q, "vm create t1 memory=16 boot=guest:vblk disk=DATA.IMG")
            check("vm t1: defined" in out, f"`vm create t1`: {out!r}")
            reason, out = start_and_wait_stop(q, "t1", 120)
            check(reason == "guest powered off", f"t1 stopped with {reason!r}:\n{out}")
            check(re.search(r"vm t1: disk DATA\.IMG: raw, 1 MiB, virtio-blk 00:01\.0 irq 11", out),
                  f"no line about t1's disk:\n{out}")
            check_guest("t1", out, RW_LINES)
            check("[vm:t1] vblk: id [DATA.IMG]" in out, f"t1: GET_ID is not the file name:\n{out}")

            # The file is free again once the VM stopped: a second run works
            # and reads the first run's writes (the guest checks them again).
            reason, out = start_and_wait_stop(q, "t1", 120)
            check(reason == "guest powered off" and "FAIL" not in out,
                  f"t1's second run: {reason!r}:\n{out}")

            out = run(q, "vm create t2 memory=16 boot=guest:vblk disk=RO.IMG,readonly")
            check("vm t2: defined" in out, f"`vm create t2`: {out!r}")
            reason, out = start_and_wait_stop(q, "t2", 120)
            check(reason == "guest powered off", f"t2 stopped with {reason!r}:\n{out}")
            check(re.search(r"vm t2: disk RO\.IMG: raw, 1 MiB, read-only", out),
                  f"no line about t2's read-only disk:\n{out}")
            check_guest("t2", out, RO_LINES)

            out = run(q, "vm create t4 memory=16 boot=guest:vblk disk=DATA.VHD")
            reason, out = start_and_wait_stop(q, "t4", 120)
            check(reason == "guest powered off", f"t4 stopped with {reason!r}:\n{out}")
            check(re.search(r"vm t4: disk DATA\.VHD: fixed VHD, 1 MiB, virtio-blk", out),
                  f"no line about t4's VHD:\n{out}")
            check_guest("t4", out, RW_LINES)

            # A guest that makes its descriptor chain loop is stopped, hv goes on.
            run(q, "vm create t5 memory=16 boot=guest:vblk disk=LOOP.IMG")
            reason, out = start_and_wait_stop(q, "t5", 120)
            check(reason == "killed: virtio-blk: descriptor chain longer than the queue (a loop?)",
                  f"t5 (a looping chain) stopped with {reason!r}:\n{out}")
            check("[vm:t5] vblk: submitting a looping descriptor chain" in out
                  and "FAIL" not in out,
                  f"t5 did not get to its looping request, or went on after it:\n{out}")
            reason, out = start_and_wait_stop(q, "t1", 120)
            check(reason == "guest powered off" and "FAIL" not in out,
                  f"t1 after t5 was killed: {reason!r}:\n{out}")

            # A disk that is not there: a clear refusal, hv carries on.
            run(q, "vm create t3 memory=16 boot=guest:vblk disk=NOPE.IMG")
            out = run(q, "vm start t3")
            check("vm t3: cannot use disk NOPE.IMG: no such file or directory" in out,
                  f"`vm start t3` with a missing disk: {out!r}")
            q.send_slow("poweroff\r", gap=0.02)
            q.wait_exit(60)

        want = bytearray(pattern_disk())
        for s in range(WR_FIRST, WR_FIRST + WR_COUNT):
            want[s * 512:(s + 1) * 512] = sector(s, 0xA5)
        got = mcopy_out(img, "DATA.IMG", Path(tmp) / "out.img")
        check(len(got) == len(want), f"DATA.IMG is {len(got)} bytes, not {len(want)}")
        check(not differing(got, want), f"DATA.IMG sectors differ from what the guest wrote: "
                                        f"{differing(got, want)[:10]}")
        got = mcopy_out(img, "DATA.VHD", Path(tmp) / "out.vhd")
        check(got[-512:] == footer, "the guest changed DATA.VHD's footer")
        check(not differing(got[:-512], want), f"DATA.VHD sectors differ from what the guest "
                                               f"wrote: {differing(got[:-512], want)[:10]}")
        got = mcopy_out(img, "RO.IMG", Path(tmp) / "ro.img")
        check(got == pattern_disk(), "RO.IMG changed although the disk was read-only")
