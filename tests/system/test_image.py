"""build/hv.vhd as a user's tools see it: a fixed VHD that QEMU opens, an MBR
with the boot and datastore partitions, the files on both, clean FAT."""

import json
import os
import struct
import subprocess
import tempfile

from hvqemu import TestFailure, check, require_image

SECTOR = 512
MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1")


def _run(cmd, timeout=60):
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout, env=MTOOLS_ENV)
    return r.returncode, r.stdout.decode(errors="replace")


def partitions(img):
    """The four MBR entries as (status, type, first_lba, sectors)."""
    with open(img, "rb") as f:
        mbr = f.read(SECTOR)
    check(mbr[510:512] == b"\x55\xaa", f"MBR signature is {mbr[510:512].hex()}, want 55aa")
    return [struct.unpack_from("<B3xB3xII", mbr, 446 + 16 * i) for i in range(4)]


def part_offset(img, index):
    _status, _type, lba, sectors = partitions(img)[index]
    return lba * SECTOR, sectors * SECTOR


def mtools_ls(img, index):
    off, _size = part_offset(img, index)
    rc, out = _run(["mdir", "-b", "-i", f"{img}@@{off}", "::/"])
    check(rc == 0, f"mdir on partition {index + 1} failed: {out.strip()}")
    return {line.strip().rsplit("/", 1)[-1].upper() for line in out.splitlines() if line.strip()}


def test_vhd_footer():
    img = require_image()
    size = img.stat().st_size
    # -f vpc: QEMU's format probe only knows the header copy of dynamic VHDs;
    # a fixed VHD (footer only) is probed as raw, by design.  What matters is
    # that the vpc driver opens it and sees the right size.
    rc, out = _run(["qemu-img", "info", "-f", "vpc", "--output=json", str(img)])
    check(rc == 0, f"qemu-img info -f vpc failed: {out.strip()}")
    info = json.loads(out)
    check(info.get("format") == "vpc", f"qemu-img says format {info.get('format')!r}, want vpc")
    check(info.get("virtual-size") == size - 512,
          f"qemu-img virtual-size {info.get('virtual-size')} != file size - 512 = {size - 512}")
    with open(img, "rb") as f:
        f.seek(size - 512)
        footer = f.read(512)
    check(footer[:8] == b"conectix", f"last 512 bytes start with {footer[:8]!r}, want b'conectix'")
    disk_type, checksum = struct.unpack_from(">II", footer, 60)
    check(disk_type == 2, f"VHD disk type {disk_type}, want 2 (fixed)")
    want = ~(sum(footer[:64]) + sum(footer[68:])) & 0xFFFFFFFF
    check(checksum == want, f"VHD footer checksum {checksum:#x}, want {want:#x}")
    current_size = struct.unpack_from(">Q", footer, 48)[0]
    check(current_size == size - 512, f"VHD current size {current_size} != {size - 512}")


def test_partition_table():
    img = require_image()
    disk_sectors = (img.stat().st_size - 512) // SECTOR
    p = partitions(img)
    (s1, t1, lba1, n1), (s2, t2, lba2, n2) = p[0], p[1]
    check(s1 == 0x80, f"partition 1 status {s1:#x}, want 0x80 (active)")
    check(t1 == 0x0E, f"partition 1 type {t1:#x}, want 0x0e (FAT16 LBA)")
    check(s2 == 0x00, f"partition 2 status {s2:#x}, want 0 (not active)")
    check(t2 == 0x0C, f"partition 2 type {t2:#x}, want 0x0c (FAT32 LBA)")
    check(p[2][1] == 0 and p[3][1] == 0, f"partitions 3/4 should be empty: {p[2:]}")
    check(lba1 == 2048, f"partition 1 starts at LBA {lba1}, want 2048")
    check(n1 * SECTOR >= 32 << 20, f"partition 1 is {n1 * SECTOR >> 20} MiB, want 32")
    check(lba2 >= lba1 + n1 and lba2 % 2048 == 0,
          f"partition 2 starts at LBA {lba2}: not at a 1 MiB boundary after partition 1")
    check(n2 > 0 and lba2 + n2 <= disk_sectors,
          f"partition 2 (LBA {lba2} + {n2}) runs past the disk ({disk_sectors} sectors)")


def test_boot_partition_files():
    img = require_image()
    names = mtools_ls(img, 0)
    missing = {"BM.BIN", "BL.BIN", "KERNEL.BIN", "HV.CFG"} - names
    check(not missing, f"boot partition lacks {sorted(missing)}; it has {sorted(names)}")
    off, _ = part_offset(img, 0)
    rc, out = _run(["mlabel", "-s", "-i", f"{img}@@{off}", "::"])
    check("HVBOOT" in out, f"boot partition label: {out.strip()!r}, want HVBOOT")


def test_datastore_files():
    img = require_image()
    names = mtools_ls(img, 1)
    check("GUEST0.VHD" in names, f"datastore lacks GUEST0.VHD; it has {sorted(names)}")
    off, _ = part_offset(img, 1)
    rc, out = _run(["mlabel", "-s", "-i", f"{img}@@{off}", "::"])
    check("HVDATA" in out, f"datastore label: {out.strip()!r}, want HVDATA")


def test_fsck_clean():
    img = require_image()
    with tempfile.TemporaryDirectory(prefix="hv-fsck-") as tmp:
        for index, label in ((0, "boot"), (1, "datastore")):
            off, size = part_offset(img, index)
            part = os.path.join(tmp, f"{label}.img")
            with open(img, "rb") as src, open(part, "wb") as dst:
                src.seek(off)
                left = size
                while left:
                    chunk = src.read(min(left, 4 << 20))
                    if not chunk:
                        raise TestFailure(f"{label} partition runs past the end of the image")
                    dst.write(chunk)
                    left -= len(chunk)
            rc, out = _run(["fsck.fat", "-n", part], timeout=120)
            check(rc == 0, f"fsck.fat -n on the {label} partition: exit {rc}: "
                           + " / ".join(out.strip().splitlines()[-6:]))
