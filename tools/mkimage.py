#!/usr/bin/env python3
"""Builds hv's disk image: a fixed VHD laid out as docs/boot.md describes.

    LBA 0                 MBR: boot code from mbr.bin, partition table from here
    LBA 2048, 32 MiB      partition 1, type 0x0E, active, FAT16 "HVBOOT":
                          BM.BIN, BL.BIN, HV.CFG, KERNEL.BIN (copied in that
                          order, so KERNEL.BIN's clusters are the last used)
    next MiB ... end      partition 2, type 0x0C, FAT32 "HVDATA": GUEST0.VHD
    last 512 bytes        VHD footer (not in the raw disk)

Only the standard library and Debian's dosfstools/mtools, run as plain
programs on a plain file: no root, no loop devices.  The image is written to
OUT.tmp and renamed to OUT when complete, so OUT is never half written.

--break VARIANT makes the deliberately broken images the system tests boot;
each must end in the message of the stage that detects it (see BREAKS).
"""

import argparse
import hashlib
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

SECTOR = 512
MIB = 2048                      # sectors
BOOT_LBA = 1 * MIB
BOOT_SECTORS = 32 * MIB
BOOT_FAT_SPC = 8                # 4 KiB clusters: a 32-sector FAT
BOOT_ROOT_ENTRIES = 512
MBR_FAT_MAX = 64                # sectors of FAT the MBR loads at 0x17E00
MBR_CODE = 446                  # bytes of mbr.bin kept: the rest is the table
BM_MAX = 0x17E00 - 0x8000       # BM.BIN must end below the MBR's FAT buffer
FAT32_MIN_CLUSTERS = 65525
# A FAT32 of 512-byte clusters just above the minimum cluster count: 32
# reserved sectors, two FATs of 514 sectors, 65600 clusters.
DATA_MIN_SECTORS = 32 + 2 * 514 + 65600
KERNEL_HEADER = 0x1000          # struct hv_image_header page

BAD_CFG = (
    "# HV.CFG broken on purpose (mkimage.py --break bad-cfg): every line\n"
    "# below must be reported and the defaults must stand.\n"
    "this line has no equals sign\n"
    "boot.default = warpdrive\n"
    "boot.timeout = -5\n"
    "boot.timeout = 9999\n"
    "boot.timeout = 3x\n"
    "hostname = Not_A_Valid_Host!\n"
    "hostname = " + "a" * 64 + "\n"
    "hostname =\n"
    "= value without a key\n"
    "Boot.Default = os\n"
    "unknown.key = 1\n"
    "boot.default\n"
    "\x01\x02\x7f\xff junk bytes \x00 in a line\n"
    + "x" * 300 + " = overlong line\n"
)

BREAKS = {
    "no-boot-partition": "no active partition (hv mbr: no boot partition)",
    "missing-bm": "no BM.BIN (hv mbr: BM.BIN missing)",
    "truncated-bm": "BM.BIN cut to half its size (hv mbr: BM.BIN truncated)",
    "missing-bl": "no BL.BIN (hv bm: BL.BIN missing)",
    "truncated-bl": "BL.BIN cut to half its size (hv bm: BL.BIN truncated)",
    "missing-kernel": "no KERNEL.BIN (hv bl: KERNEL.BIN missing)",
    "truncated-kernel": "KERNEL.BIN cut to half its size (hv bl: ... truncated)",
    "corrupt-kernel": "one KERNEL.BIN byte after the header flipped (CRC)",
    "bad-cfg": "HV.CFG full of bad lines (warnings, defaults stand)",
    "no-e820": "BM fault flag bit 0: behave as if the BIOS had no E820",
    "no-vbe": "BM fault flag bit 1: behave as if no VBE mode was usable",
    "disk-read-error": "raw image cut inside KERNEL.BIN: the BIOS read fails",
}


class BuildError(Exception):
    pass


def run(cmd):
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1", MTOOLSRC="/dev/null",
               LC_ALL="C")
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    except FileNotFoundError:
        raise BuildError(f"{cmd[0]} not found (install dosfstools and mtools: "
                         "tools/install-deps.sh)")
    if res.returncode != 0:
        raise BuildError(f"{' '.join(cmd)} failed:\n{res.stderr.strip()}")


# --- VHD -----------------------------------------------------------------

def vhd_chs(sectors):
    """CHS geometry of the VHD specification (appendix "CHS calculation")."""
    sectors = min(sectors, 65535 * 16 * 255)
    if sectors >= 65535 * 16 * 63:
        spt, heads = 255, 16
        cth = sectors // spt
    else:
        spt = 17
        cth = sectors // spt
        heads = max((cth + 1023) // 1024, 4)
        if cth >= heads * 1024 or heads > 16:
            spt, heads = 31, 16
            cth = sectors // spt
        if cth >= heads * 1024:
            spt, heads = 63, 16
            cth = sectors // spt
    return cth // heads, heads, spt


def chs_exact(min_sectors):
    """The smallest size >= min_sectors that its own CHS geometry covers
    exactly.  QEMU's vpc driver takes the size from the CHS geometry unless
    the creator application is one it knows to use the footer's size ("win ",
    "qem2", "d2v ", ...); Hyper-V and VirtualBox take the footer's size.  With
    both equal every reader sees the raw size, and the footer can name its
    real creator ("hv  ")."""
    if min_sectors > 65535 * 16 * 255:
        return min_sectors      # past the largest geometry every reader
    sectors = min_sectors       # takes the footer's size
    while True:
        c, h, s = vhd_chs(sectors)
        if c * h * s == sectors:
            return sectors
        sectors += 1


def vhd_footer(size, uid, timestamp):
    c, h, s = vhd_chs(size // SECTOR)
    footer = bytearray(struct.pack(
        ">8sIIQI4sI4sQQHBBII16sB",
        b"conectix",
        2,                      # features: reserved bit, always set
        0x00010000,             # file format version 1.0
        0xFFFFFFFFFFFFFFFF,     # data offset: none for a fixed disk
        timestamp,
        b"hv  ", 0x00010000, b"Wi2k",
        size, size,
        c, h, s,
        2,                      # disk type: fixed
        0,                      # checksum, below
        uid, 0))
    footer += bytes(SECTOR - len(footer))
    struct.pack_into(">I", footer, 64, ~sum(footer) & 0xFFFFFFFF)
    return bytes(footer)


def vhd_timestamp():
    """Seconds since 2000-01-01 UTC; SOURCE_DATE_EPOCH for reproducible runs."""
    now = int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))
    return max(now - 946684800, 0) & 0xFFFFFFFF


# --- MBR -----------------------------------------------------------------

def chs_address(lba):
    """The legacy CHS triple of a partition entry (255 heads, 63 sectors)."""
    c, rest = divmod(lba, 255 * 63)
    h, s = divmod(rest, 63)
    if c > 1023:
        c, h, s = 1023, 254, 62
    return bytes([h, (s + 1) | ((c >> 2) & 0xC0), c & 0xFF])


def partition_entry(active, ptype, lba, count):
    return (bytes([0x80 if active else 0]) + chs_address(lba) + bytes([ptype])
            + chs_address(lba + count - 1) + struct.pack("<II", lba, count))


def mbr_sector(code, partitions):
    table = b"".join(partition_entry(*p) for p in partitions)
    table += bytes(64 - len(table))
    return code[:MBR_CODE] + table + b"\x55\xAA"


# --- FAT -----------------------------------------------------------------

def mkfs(img, fat, label, lba, sectors):
    # --invariant: no time-based values; the volume ID is made from the label
    # so the two partitions differ and a rebuild gives the same file systems.
    volid = hashlib.sha256(label.encode()).hexdigest()[:8]
    cmd = ["mkfs.fat", "-F", str(fat), "-n", label, "-h", str(lba),
           f"--offset={lba}", "--mbr=n", "--invariant", "-i", volid,
           "-D", "0x80"]
    if fat == 16:
        cmd += ["-s", str(BOOT_FAT_SPC), "-r", str(BOOT_ROOT_ENTRIES)]
    elif sectors < 2 * DATA_MIN_SECTORS:
        cmd += ["-s", "1"]      # enough clusters for FAT32 on a small disk
    run(cmd + [img, str(sectors // 2)])


def mcopy(img, lba, src, name):
    run(["mcopy", "-i", f"{img}@@{lba * SECTOR}", src, f"::{name}"])


def read_bpb(f, lba):
    f.seek(lba * SECTOR)
    vbr = f.read(SECTOR)
    bps, spc, rsvd, nfats, root, total16 = struct.unpack_from("<HBHBHH", vbr, 11)
    fatsz16 = struct.unpack_from("<H", vbr, 22)[0]
    total32, fatsz32 = struct.unpack_from("<II", vbr, 32)
    fatsz = fatsz16 or fatsz32
    data = rsvd + nfats * fatsz + (root * 32 + bps - 1) // max(bps, 1)
    return {"bps": bps, "spc": spc, "rsvd": rsvd, "nfats": nfats,
            "root": root, "fatsz": fatsz, "data": data,
            "clusters": ((total16 or total32) - data) // spc if spc else 0}


def dos_name(name):
    """"KERNEL.BIN" as a directory entry spells it: b"KERNEL  BIN"."""
    base, _, ext = name.partition(".")
    return (base.ljust(8) + ext.ljust(3)).encode()


def fat16_file_sectors(f, lba, name):
    """The absolute LBAs of a root-directory file's sectors, in file order."""
    bpb = read_bpb(f, lba)
    f.seek((lba + bpb["rsvd"]) * SECTOR)
    fat = f.read(bpb["fatsz"] * SECTOR)
    f.seek((lba + bpb["rsvd"] + bpb["nfats"] * bpb["fatsz"]) * SECTOR)
    root = f.read(bpb["root"] * 32)
    for off in range(0, len(root), 32):
        if root[off:off + 11] == dos_name(name):
            cluster, size = struct.unpack_from("<HI", root, off + 26)
            break
    else:
        raise BuildError(f"{name} is not in the boot partition")
    sectors = []
    while 2 <= cluster < 0xFFF0 and len(sectors) * SECTOR < size:
        first = lba + bpb["data"] + (cluster - 2) * bpb["spc"]
        sectors += range(first, first + bpb["spc"])
        cluster = struct.unpack_from("<H", fat, cluster * 2)[0]
    return sectors[:(size + SECTOR - 1) // SECTOR]


def check_boot_fs(f):
    """The MBR's assumptions about the boot partition (vd/fat/main.asm)."""
    bpb = read_bpb(f, BOOT_LBA)
    if bpb["bps"] != SECTOR or bpb["fatsz"] > MBR_FAT_MAX:
        raise BuildError(f"boot FAT: {bpb['fatsz']} sectors per FAT, the MBR "
                         f"loads at most {MBR_FAT_MAX}")
    if bpb["root"] != BOOT_ROOT_ENTRIES:
        raise BuildError(f"boot FAT: {bpb['root']} root entries, "
                         f"want {BOOT_ROOT_ENTRIES}")


def check_data_fs(f, lba):
    clusters = read_bpb(f, lba)["clusters"]
    if clusters < FAT32_MIN_CLUSTERS:
        raise BuildError(f"datastore: {clusters} clusters, FAT32 needs at "
                         f"least {FAT32_MIN_CLUSTERS}: use a bigger --size-mib")


# --- inputs ----------------------------------------------------------------

def read_input(path, what):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise BuildError(f"cannot read {what} '{path}': {e.strerror}")


def check_mbr(code, path):
    if len(code) != SECTOR or code[510:] != b"\x55\xAA":
        raise BuildError(f"{path}: not a 512-byte boot sector ending in 55 AA")
    if any(code[MBR_CODE:510]):
        raise BuildError(f"{path}: code reaches into the partition table")


def check_bm(bm, path):
    if bm[2:6] != b"HVBM" or len(bm) < 14:
        raise BuildError(f"{path}: no HVBM header at offset 2")
    if len(bm) > BM_MAX:
        raise BuildError(f"{path}: {len(bm)} bytes, the MBR loads at most "
                         f"{BM_MAX} (it must end below 0x17E00)")


def boot_files(args):
    """The boot partition's files in copy order, with --break applied."""
    brk = args.break_variant
    bm = read_input(args.bm, "BM.BIN")
    check_bm(bm, args.bm)
    files = {"BM.BIN": bm,
             "BL.BIN": read_input(args.bl, "BL.BIN"),
             "HV.CFG": read_input(args.cfg, "HV.CFG"),
             "KERNEL.BIN": read_input(args.kernel, "KERNEL.BIN")}
    names = {"bm": "BM.BIN", "bl": "BL.BIN", "kernel": "KERNEL.BIN"}
    if brk and brk.startswith("missing-"):
        del files[names[brk[8:]]]
    elif brk and brk.startswith("truncated-"):
        name = names[brk[10:]]
        files[name] = files[name][:len(files[name]) // 2]
    elif brk == "corrupt-kernel":
        kernel = bytearray(files["KERNEL.BIN"])
        if len(kernel) <= KERNEL_HEADER:
            raise BuildError("corrupt-kernel: KERNEL.BIN has nothing after "
                             "its header to corrupt")
        kernel[(KERNEL_HEADER + len(kernel)) // 2] ^= 0xFF
        files["KERNEL.BIN"] = bytes(kernel)
    elif brk == "bad-cfg":
        files["HV.CFG"] = BAD_CFG.encode("latin-1")
    elif brk in ("no-e820", "no-vbe"):
        bm = bytearray(bm)
        flags = struct.unpack_from("<I", bm, 10)[0]
        flags |= 1 if brk == "no-e820" else 2
        struct.pack_into("<I", bm, 10, flags)
        files["BM.BIN"] = bytes(bm)
    return list(files.items())


# --- the image --------------------------------------------------------------

def build(args, tmp):
    code = read_input(args.mbr, "mbr.bin")
    check_mbr(code, args.mbr)
    files = boot_files(args)
    guest = args.guest
    if guest and not os.access(guest, os.R_OK):
        raise BuildError(f"cannot read GUEST0.VHD '{guest}'")

    data_lba = BOOT_LBA + BOOT_SECTORS          # already on a MiB boundary
    data_lba = (data_lba + MIB - 1) // MIB * MIB
    data_min = DATA_MIN_SECTORS
    if guest:
        # The guest, plus two FATs of 4 bytes per 512-byte cluster, plus slack.
        guest_sectors = (os.path.getsize(guest) + SECTOR - 1) // SECTOR
        data_min = max(data_min, guest_sectors + guest_sectors // 64 + MIB)
    if args.size_mib and args.size_mib * MIB < data_lba + data_min:
        raise BuildError(f"--size-mib {args.size_mib} is too small: the "
                         f"datastore{' with ' + guest if guest else ''} needs "
                         f"{-(-(data_lba + data_min) // MIB)} MiB")
    want = max(args.size_mib * MIB if args.size_mib else 0, data_lba + data_min)
    total = chs_exact(want)
    data_sectors = total - data_lba

    with open(tmp, "wb") as f:
        f.truncate(total * SECTOR)
    mkfs(tmp, 16, "HVBOOT", BOOT_LBA, BOOT_SECTORS)
    mkfs(tmp, 32, "HVDATA", data_lba, data_sectors)
    with tempfile.TemporaryDirectory(prefix="mkimage.") as d:
        for name, content in files:
            path = os.path.join(d, name)
            with open(path, "wb") as f:
                f.write(content)
            mcopy(tmp, BOOT_LBA, path, name)
    if guest:
        mcopy(tmp, data_lba, guest, "GUEST0.VHD")
    vms = vm_files(args)
    if vms:
        run(["mmd", "-i", f"{tmp}@@{data_lba * SECTOR}", "::VMS"])
        with tempfile.TemporaryDirectory(prefix="mkimage.") as d:
            for name, content in vms:
                path = os.path.join(d, name)
                with open(path, "wb") as f:
                    f.write(content)
                mcopy(tmp, data_lba, path, "VMS/" + name)

    parts = [(args.break_variant != "no-boot-partition", 0x0E, BOOT_LBA,
              BOOT_SECTORS),
             (False, 0x0C, data_lba, data_sectors)]
    with open(tmp, "r+b") as f:
        f.write(mbr_sector(code, parts))
        check_boot_fs(f)
        check_data_fs(f, data_lba)
        if args.break_variant == "disk-read-error":
            # Raw, and cut right before KERNEL.BIN's last sector: the BIOS
            # fails the read of the file's tail (KERNEL.BIN's clusters are
            # the last ones used, so everything before it is still there).
            f.truncate(fat16_file_sectors(f, BOOT_LBA, "KERNEL.BIN")[-1]
                       * SECTOR)
            return
        h = hashlib.sha256(b"hv disk %d" % total)
        h.update(code)
        for name, content in files:
            h.update(name.encode() + content)
        for name, content in vms:
            h.update(name.encode() + content)
        if guest:
            h.update(os.path.basename(guest).encode())
            h.update(b"%d" % os.path.getsize(guest))
        f.seek(total * SECTOR)
        f.write(vhd_footer(total * SECTOR, h.digest()[:16], vhd_timestamp()))


def vm_files(args):
    """The VM definitions for the datastore's VMS/ (docs/vms.md), sorted;
    --no-autostart turns every autostart line off (the test image)."""
    if not args.vms:
        return []
    out = []
    for name in sorted(os.listdir(args.vms)):
        if not name.endswith(".vm"):
            continue
        text = read_input(os.path.join(args.vms, name), "VM definition")
        if args.no_autostart:
            text = re.sub(rb"(?m)^(\s*autostart\s*=\s*).*$", rb"\1no", text)
        out.append((name, text))
    return out


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Build hv's disk image (a fixed VHD; see docs/boot.md).",
        epilog="break variants: " + "; ".join(
            f"{k}: {v}" for k, v in BREAKS.items()))
    p.add_argument("--out", required=True, help="the image to write")
    p.add_argument("--mbr", required=True, help="mbr.bin (512 bytes)")
    p.add_argument("--bm", required=True, help="BM.BIN")
    p.add_argument("--bl", required=True, help="BL.BIN")
    p.add_argument("--kernel", required=True, help="KERNEL.BIN")
    p.add_argument("--cfg", required=True, help="HV.CFG")
    p.add_argument("--guest", help="GUEST0.VHD for the datastore")
    p.add_argument("--vms", metavar="DIR",
                   help="copy DIR/*.vm into the datastore's VMS/")
    p.add_argument("--no-autostart", action="store_true",
                   help="with --vms: set autostart = no in every definition")
    p.add_argument("--size-mib", type=int, metavar="N",
                   help="disk size (default: the smallest that holds a valid "
                        "FAT32 datastore); rounded up to whole VHD cylinders")
    p.add_argument("--break", dest="break_variant", choices=sorted(BREAKS),
                   metavar="VARIANT", help="build a deliberately broken "
                   "image: " + ", ".join(BREAKS))
    args = p.parse_args(argv)
    if args.size_mib is not None and args.size_mib <= 0:
        p.error("--size-mib must be positive")
    return args


def main(argv):
    args = parse_args(argv)
    tmp = args.out + ".tmp"
    try:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        build(args, tmp)
        os.replace(tmp, args.out)
    except BuildError as e:
        print(f"mkimage: error: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"mkimage: error: {e}", file=sys.stderr)
        return 1
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
