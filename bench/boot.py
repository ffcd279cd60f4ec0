#!/usr/bin/env python3
"""Boot benchmark: QEMU start -> `hv: ready` under KVM and TCG.

    python3 bench/boot.py [-n RUNS] [--accel kvm,tcg] [--image build/hv.vhd]

Each run starts QEMU (paused, sockets connected, then `cont`), waits for the
boot menu, picks entry 1 at once (so the 3 s countdown is not measured), and
waits for the ready line.  Reported per accelerator, median/min/max:

  menu    QEMU start -> last boot menu line on COM1 (BIOS + MBR + BM)
  ready   QEMU start -> ready line, minus the time the menu sat on screen
  kernel  the kernel's own `hv: boot: ... ms` figure, when it prints one
  mem     the kernel's `kernel uses <n> KiB`

Serial logs of every run are kept under build/bench/.
"""

import argparse
import re
import statistics
import sys
import time

from benchlib import hvqemu, prepare, runs_by_accel

BOOT_MS_RE = r"hv: boot: .*?(\d+(?:\.\d+)?) ms"
KMEM_RE = r"hv: memory: .*kernel uses (\d+) KiB"


def one_run(image, accel, smp, mem, idx):
    with hvqemu.Qemu(image, accel=accel, smp=smp, mem=mem, tag=f"{accel}-{idx}") as q:
        hvqemu.wait_menu(q)
        t_menu = time.monotonic()
        q.send("1")
        t_key = time.monotonic()
        hvqemu.wait_ready(q)
        t_ready = time.monotonic()
        time.sleep(0.3)
        text = q.text()
        boot_ms = re.search(BOOT_MS_RE, text)
        kmem = re.search(KMEM_RE, text)
        return {
            "menu": t_menu - q.t0,
            "ready": (t_ready - q.t0) - (t_key - t_menu),
            "kernel": float(boot_ms.group(1)) / 1000 if boot_ms else None,
            "mem": int(kmem.group(1)) if kmem else None,
        }


def fmt(values, unit="s"):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    if unit == "KiB":
        return f"{int(statistics.median(values))} KiB"
    return (f"{statistics.median(values):.2f} "
            f"({min(values):.2f}-{max(values):.2f})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=5, help="runs per accelerator (default 5)")
    ap.add_argument("--accel", default="kvm,tcg")
    ap.add_argument("--image", default=str(hvqemu.IMAGE))
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--mem", type=int, default=1024)
    args = ap.parse_args()

    image = prepare(args.image, "make image")
    if not image:
        return 1

    rows = []
    results, failed = runs_by_accel(
        args.accel, args.n, lambda accel, i: one_run(image, accel, args.smp, args.mem, i),
        lambda r: f"menu {r['menu']:.2f} s, ready {r['ready']:.2f} s")
    for accel, runs in results:
        if runs:
            rows.append((accel, len(runs), fmt([r["menu"] for r in runs]),
                         fmt([r["ready"] for r in runs]),
                         fmt([r["kernel"] for r in runs]),
                         fmt([r["mem"] for r in runs], "KiB")))

    head = ("accel", "runs", "start->menu s", "start->ready s", "kernel boot s", "kernel mem")
    show_kernel = any(r[4] != "-" for r in rows)
    cols = [i for i in range(len(head)) if i != 4 or show_kernel]
    table = [head] + rows
    width = [max(len(str(r[i])) for r in table) for i in range(len(head))]
    print(f"hv boot benchmark: {image.name}, -smp {args.smp} -m {args.mem}, "
          f"median (min-max) over {args.n} runs; the menu wait is excluded")
    for r in table:
        print("  ".join(str(r[i]).ljust(width[i]) for i in cols))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
