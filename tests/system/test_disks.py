"""Storage: PCI enumeration and a disk on each controller hv drives (IDE,
AHCI, NVMe, virtio-blk), listed by the recovery shell's `pci` and `disks`.
The extra disks are raw images of known sizes made in a temporary directory;
one carries a GPT built here (no host partitioning tool needed)."""

import re
import struct
import tempfile
import uuid
import zlib
from pathlib import Path

from hvqemu import Qemu, boot_entry, check, require_image, timeout
from vmcases import to_shell

PROMPT = r"hv# "
MIB = 1 << 20
LINUX_FS = uuid.UUID("0FC63DAF-8483-4772-8E79-3D69D8477DE4").bytes_le


def make_gpt(path, size, parts, ss=512):
    """A raw disk of `size` bytes with a protective MBR, primary and backup GPT
    (128 entries of 128 bytes); parts: (first_lba, last_lba, name)."""
    n = size // ss
    img = bytearray(size)
    img[446:462] = struct.pack("<B3sB3sII", 0, b"\0\2\0", 0xEE, b"\xff\xff\xff", 1,
                               min(n - 1, 0xFFFFFFFF))
    img[510:512] = b"\x55\xaa"
    ents = bytearray(128 * 128)
    for i, (first, last, name) in enumerate(parts):
        ents[i * 128:(i + 1) * 128] = (LINUX_FS + uuid.uuid4().bytes_le +
                                       struct.pack("<QQQ", first, last, 0) +
                                       name.encode("utf-16-le").ljust(72, b"\0"))
    esec = len(ents) // ss
    disk_guid = uuid.uuid4().bytes_le

    def header(my, alt, entries_lba):
        h = struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x10000, 92, 0, 0, my, alt,
                        2 + esec, n - 2 - esec, disk_guid, entries_lba, 128, 128,
                        zlib.crc32(ents))
        return (h[:16] + struct.pack("<I", zlib.crc32(h)) + h[20:]).ljust(ss, b"\0")

    img[ss:2 * ss] = header(1, n - 1, 2)
    img[2 * ss:2 * ss + len(ents)] = ents
    img[(n - 1 - esec) * ss:(n - 1) * ss] = ents
    img[(n - 1) * ss:n * ss] = header(n - 1, 1, n - 1 - esec)
    Path(path).write_bytes(img)


def make_raw(path, size):
    with open(path, "wb") as f:
        f.truncate(size)


def run(q, cmd, limit=60):
    start = q.cursor
    q.send_slow(cmd + "\r", gap=0.02)
    end = q.wait_for(PROMPT, limit).start()
    out = q.text()[start:end]
    return out.split(cmd, 1)[1] if cmd in out else out


def disk_lines(out):
    """name -> (model, size text, sector size, sector count, scheme, partitions)."""
    disks = {}
    for ln in out.splitlines():
        m = re.match(r"\s*(\w+): (.*), ([\d.]+ [KMGT]iB), (\d+) B sectors, (\d+) sectors, "
                     r"(none|mbr|gpt)(?:: (.*))?$", ln.strip())
        if m:
            parts = re.findall(r"(\d+): (\d+)\+(\d+)", m.group(7) or "")
            disks[m.group(1)] = (m.group(2), m.group(3), int(m.group(4)), int(m.group(5)),
                                 m.group(6), [tuple(map(int, p)) for p in parts])
    return disks


def expect_disk(disks, name, model, size_text, ss, count, scheme, nparts=None):
    check(name in disks, f"`disks` does not list {name}: {disks}")
    d = disks[name]
    check(d[0] == model, f"{name}: model {d[0]!r}, expected {model!r}")
    check(d[1] == size_text, f"{name}: size {d[1]!r}, expected {size_text!r}")
    check(d[2] == ss, f"{name}: sector size {d[2]}, expected {ss}")
    check(d[3] == count, f"{name}: {d[3]} sectors, expected {count}")
    check(d[4] == scheme, f"{name}: partition scheme {d[4]}, expected {scheme}")
    if nparts is not None:
        check(len(d[5]) == nparts, f"{name}: {len(d[5])} partitions, expected {nparts}: {d}")
    return d


def _boot_shell(extra, machine="pc"):
    return to_shell(Qemu(require_image(), accel="tcg", smp=1, mem=512,
                         extra_args=("-machine", machine, *extra)), 4)


@timeout(420)
def test_disks_all_controllers():
    """IDE (boot disk + a second one), AHCI with a GPT, NVMe with 4 KiB sectors,
    virtio-blk: model, size and sector size of each; the boot disk's two
    partitions; one `pci` line per controller."""
    with tempfile.TemporaryDirectory(prefix="hvdisks-") as tmp:
        ide, sata, nvme, vblk = (Path(tmp) / n for n in ("ide.img", "sata.img", "nvme.img",
                                                         "vblk.img"))
        make_raw(ide, 64 * MIB)
        make_gpt(sata, 96 * MIB, [(2048, 67583, "hvdata"), (67584, 131071, "second")])
        make_raw(nvme, 32 * MIB)
        make_raw(vblk, 48 * MIB)
        extra = (
            "-drive", f"file={ide},format=raw,if=ide,index=1",
            "-device", "ahci,id=ahci",
            "-drive", f"if=none,id=d1,file={sata},format=raw",
            "-device", "ide-hd,drive=d1,bus=ahci.0",
            "-drive", f"if=none,id=d2,file={nvme},format=raw",
            "-device", "nvme,serial=hv1,drive=d2,logical_block_size=4096,physical_block_size=4096",
            "-drive", f"if=none,id=d3,file={vblk},format=raw",
            "-device", "virtio-blk-pci,drive=d3",
        )
        with _boot_shell(extra) as q:
            log = q.text()
            check(re.search(r"hv: pci: \d+ devices", log), "no `hv: pci: <n> devices` line")
            for name, msg in (("ata0", r"QEMU HARDDISK, 256 MiB, 512 B sectors"),
                              ("ata1", r"QEMU HARDDISK, 64 MiB, 512 B sectors"),
                              ("ahci0", r"QEMU HARDDISK, 96 MiB, 512 B sectors"),
                              ("nvme0", r"QEMU NVMe Ctrl, 32 MiB, 4096 B sectors"),
                              ("virtio0", r"virtio-blk, 48 MiB, 512 B sectors")):
                check(re.search(rf"hv: disk {name}: {msg}", log),
                      f"no boot message for {name} ({msg}); serial tail:\n{q.tail()}")
            check("warning" not in log.split("hv: pci:", 1)[1].split("hv: ready", 1)[0],
                  f"storage warnings at boot:\n{q.tail()}")

            disks = disk_lines(run(q, "disks"))
            boot = expect_disk(disks, "ata0", "QEMU HARDDISK", "256 MiB", 512, 525168, "mbr", 2)
            check(all(p[2] > 0 for p in boot[5]), f"empty boot partition: {boot}")
            expect_disk(disks, "ata1", "QEMU HARDDISK", "64 MiB", 512, 131072, "none", 0)
            sata_d = expect_disk(disks, "ahci0", "QEMU HARDDISK", "96 MiB", 512, 196608, "gpt", 2)
            check(sata_d[5] == [(1, 2048, 65536), (2, 67584, 63488)],
                  f"ahci0 GPT partitions wrong: {sata_d[5]}")
            expect_disk(disks, "nvme0", "QEMU NVMe Ctrl", "32 MiB", 4096, 8192, "none", 0)
            expect_disk(disks, "virtio0", "virtio-blk", "48 MiB", 512, 98304, "none", 0)

            out = run(q, "pci")
            for ident, what in (("8086:7010 0101", "PIIX3 IDE"), ("8086:2922 0106", "ICH9 AHCI"),
                                ("1b36:0010 0108", "QEMU NVMe"), ("1af4:1001 0100", "virtio-blk")):
                check(re.search(rf"^\s*00:[0-9a-f]{{2}}\.\d {ident} \S", out, re.M),
                      f"`pci` has no {what} line ({ident}): {out!r}")
            check(re.search(r"\d+ devices \(legacy\)", out), f"`pci` summary missing: {out!r}")


@timeout(420)
def test_disks_q35_ecam():
    """q35: configuration space through ECAM (MCFG), the boot disk on the
    chipset's AHCI controller with its two partitions."""
    with _boot_shell((), machine="q35") as q:
        check(re.search(r"hv: pci: \d+ devices \(ecam\)", q.text()),
              f"q35 did not use ECAM:\n{q.tail()}")
        disks = disk_lines(run(q, "disks"))
        expect_disk(disks, "ahci0", "QEMU HARDDISK", "256 MiB", 512, 525168, "mbr", 2)


def _datastore_writes_on(device, machine, name_re):
    """hv booted from a disk on `device` (the BIOS boots it there, so the
    datastore is on that controller): `write` a file, `cat` it after a
    reboot, and find it whole with mtools; fsck.fat -n is clean."""
    from test_datastore import fsck, private_copy, read_file
    with tempfile.TemporaryDirectory(prefix="hv-disk-") as tmp:
        img = private_copy(tmp)
        text = f"written through {device.split(',')[0]}"
        for boot in (1, 2):
            q = Qemu(img, accel="tcg", smp=1, mem=512, writable=True, disk_device=device,
                     extra_args=("-machine", machine), tag=f"boot{boot}")
            with q:
                boot_entry(q, 4)
                m = q.wait_for(r"hv: datastore: (\S+) partition 2, FAT32", 180)
                check(re.fullmatch(name_re, m.group(1)),
                      f"the datastore is on {m.group(1)}, expected a {name_re} disk")
                q.wait_for(PROMPT, 60)
                if boot == 1:
                    q.send_slow(f"write CTRL.TXT {text}\r", gap=0.01)
                    q.wait_for(r"write: CTRL\.TXT: \d+ bytes", 60)
                else:
                    q.send_slow("cat CTRL.TXT\r", gap=0.01)
                    q.wait_for(re.escape(text), 60)
                q.wait_for(PROMPT, 60)
                q.send_slow("poweroff\r", gap=0.01)
                q.wait_exit(60)
        check(read_file(img, "CTRL.TXT") == (text + "\n").encode(), "CTRL.TXT on the disk image")
        rc, lines = fsck(img, tmp)
        check(rc == 0, f"fsck.fat -n after writes through {device}: exit {rc}\n" + "\n".join(lines))


@timeout(420)
def test_datastore_writes_ahci():
    """Writes through the AHCI driver (q35's SATA controller)."""
    _datastore_writes_on("ide-hd,bus=ide.0", "q35", r"ahci\d+")


@timeout(420)
def test_datastore_writes_nvme():
    """Writes through the NVMe driver."""
    _datastore_writes_on("nvme,serial=hvboot", "pc", r"nvme\d+")


@timeout(420)
def test_datastore_writes_virtio_blk():
    """Writes through the virtio-blk driver."""
    _datastore_writes_on("virtio-blk-pci", "pc", r"virtio\d+")
