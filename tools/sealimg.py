#!/usr/bin/env python3
"""Seal an hv image: fill file_size and crc32 in its header page.

    sealimg.py IN.bin OUT.bin

IN is a flat binary (objcopy -O binary) that starts with struct
hv_image_header (include/hv/bootinfo.h); the linker script has set magic,
header_size, mem_size, load_addr and entry.  OUT gets file_size = len(IN)
and crc32 = CRC-32 (zlib) of the bytes after the header.  Works for any
image magic (HVBL, HVKN, ...); OUT is replaced atomically.
"""
import binascii
import os
import struct
import sys
import tempfile

HEADER = struct.Struct("<4sIIIIIII")


def seal(data: bytes) -> bytes:
    if len(data) < HEADER.size:
        raise ValueError(f"{len(data)} bytes: too short for an image header")
    magic, header_size, _, mem_size, _, load_addr, entry, _ = HEADER.unpack_from(data)
    # Any "HV" + two capitals (HVBL, HVKN, later images): the tool stays generic.
    if not (magic[:2] == b"HV" and magic[2:].isalpha() and magic[2:].isupper()):
        raise ValueError(f"bad magic {magic!r} (want HV + two capitals, e.g. HVKN)")
    if header_size < HEADER.size or header_size > len(data):
        raise ValueError(f"bad header_size {header_size:#x} for a {len(data)}-byte file")
    if mem_size < len(data):
        raise ValueError(f"mem_size {mem_size:#x} is smaller than the file ({len(data):#x})")
    if entry != load_addr + header_size:
        raise ValueError(f"entry {entry:#x} is not load_addr + header_size")
    crc = binascii.crc32(data[header_size:]) & 0xFFFFFFFF
    out = bytearray(data)
    struct.pack_into("<I", out, 8, len(data))
    struct.pack_into("<I", out, 16, crc)
    return bytes(out)


def write_atomically(path: str, data: bytes) -> None:
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".seal-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv):
    if len(argv) != 3:
        print("usage: sealimg.py IN.bin OUT.bin", file=sys.stderr)
        return 2
    try:
        with open(argv[1], "rb") as f:
            data = f.read()
        write_atomically(argv[2], seal(data))
    except (OSError, ValueError) as e:
        print(f"sealimg: {argv[1]}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
