#!/usr/bin/env python3
"""Guest disk benchmark: sequential read and write through hv's virtio-blk.

    python3 bench/disk.py [--image build/test-images/manual.vhd] [--mib 32]
                          [--runs 3]

Copies the image, puts a --mib MiB raw file BENCH.IMG on its datastore
(mtools), boots hv under QEMU TCG (`-cpu qemu64,+svm,+npt -smp 2`), defines
`vm create bench memory=16 boot=guest:vblk disk=BENCH.IMG` and starts it
--runs times.  The built-in guest vblk (tests/guests/vblk.asm) sees a file
named BENCH* and, instead of its checks, reads the whole disk and then
writes it in 64 KiB requests (one descriptor chain of header, 64 KiB, status
each), then flushes.  Wall time between its lines on COM1 gives MiB/s (the
reader thread sees each line within milliseconds); `vm info bench` after
each run gives the VM exits, reported per MiB moved (read + write; the few
dozen exits of the guest's setup and messages are included).

Every request goes guest -> notify (one I/O exit) -> vvblk -> vdisk_file ->
hv's FAT32 datastore -> hv's disk driver (IDE PIO on QEMU's default
machine), so the figure is also hv's own FAT32 file throughput plus one
exit and one 64 KiB copy per request.

Serial logs: build/bench/disk/.
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import HOST_PROMPT, SVM_CPU, hvqemu, prepare, run, to_shell

DATA_OFFSET = 67584 * 512          # the datastore partition (tools/mkimage.py)


def boot(image):
    return to_shell(hvqemu.Qemu(image, accel="tcg", smp=2, mem=512, cpu=SVM_CPU,
                                writable=True, tag="disk"))


def one_run(q, mib):
    begin = q.cursor
    q.send_slow("vm start bench\r", gap=0.02)
    marks = {}
    for key, pat in (("r0", "bench read start"), ("r1", "bench read done"),
                     ("w0", "bench write start"), ("w1", "bench write done")):
        q.wait_for(rf"\[vm:bench\] vblk: {pat}", 1800)
        marks[key] = time.monotonic()
    m = q.wait_for(r"vm bench: stopped \(([^\n]*)\)\n", 120)
    hvqemu.check(m.group(1) == "guest powered off" and "FAIL" not in q.text()[begin:],
                 f"the bench guest failed:\n{q.text()[begin:]}")
    out = run(q, "vm info bench", limit=120, prompt=HOST_PROMPT)
    ex = re.search(r"exits: (\d+) total", out)
    io = re.search(r"\n\s+io\s+(\d+)", out)
    hvqemu.check(ex and io, f"`vm info bench` shows no exit counts: {out!r}")
    return {"read": mib / (marks["r1"] - marks["r0"]),
            "write": mib / (marks["w1"] - marks["w0"]),
            "exits_per_mib": int(ex.group(1)) / (2 * mib),
            "io_per_mib": int(io.group(1)) / (2 * mib)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--image", default=str(hvqemu.TEST_IMAGES / "manual.vhd"))
    ap.add_argument("--mib", type=int, default=32)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    image = prepare(args.image, "make test-images", "disk")
    if not image:
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        img = Path(tmp) / "hv.vhd"
        shutil.copyfile(image, img)
        data = Path(tmp) / "BENCH.IMG"
        with open(data, "wb") as f:
            f.truncate(args.mib << 20)
        subprocess.run(["mcopy", "-o", "-i", f"{img}@@{DATA_OFFSET}", str(data), "::BENCH.IMG"],
                       check=True, capture_output=True)
        with boot(img) as q:
            out = run(q, "vm create bench memory=16 boot=guest:vblk disk=BENCH.IMG",
                      prompt=HOST_PROMPT)
            hvqemu.check("vm bench: defined" in out, f"`vm create bench`: {out!r}")
            results = [one_run(q, args.mib) for _ in range(args.runs)]
            q.send_slow("poweroff\r", gap=0.02)
            q.wait_exit(120)
    print(f"virtio-blk, {args.mib} MiB file, 64 KiB requests, TCG, {args.runs} runs "
          f"(median, min-max):")
    for key, label, unit in (("read", "sequential read", "MiB/s"),
                             ("write", "sequential write", "MiB/s"),
                             ("exits_per_mib", "VM exits per MiB", ""),
                             ("io_per_mib", "  of which I/O exits", "")):
        v = [r[key] for r in results]
        print(f"  {label:22} {statistics.median(v):8.2f} ({min(v):.2f}-{max(v):.2f}) {unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
