#!/usr/bin/env python3
"""VM-exit benchmark (AMD-V): the round trip of simple exits, and the memory
hv spends per VM beyond its RAM.

    python3 bench/vmexit.py [--image build/test-images/manual.vhd] [--vms 4]
                            [--wall 5] [--no-icount]

Boots hv under QEMU TCG (`-cpu qemu64,+svm,+npt -smp 2`) with `-icount
shift=0`, so the guest's TSC advances one tick per emulated instruction,
and runs the built-in guest `exitbench` (tests/guests/exitbench.asm).  It
times N iterations of a loop around one exiting instruction against the same
loop around a nop, for CPUID, `out 0x80` (a port hv ignores), `in 0x21` (the
PIC's mask) and VMMCALL (HC_VERSION); (exit loop - nop loop) / N is one exit's
round trip in instructions: the guest's exiting instruction, the world
switch and all of hv's exit handling.  Reported: the median over its rounds.

Exits per second: in the icount clock (1 instruction = 1 ns, i.e. a 1 GHz
machine doing one instruction per cycle) that is 1e9 / ticks; also the wall
clock rate of this emulation, from `vm info exitbench` sampled --wall seconds
apart while the guest loops on CPUID.

Memory: `mem`'s free KiB before and after starting --vms small VMs (clones of
`tick`, 2 MiB of RAM each), minus their RAM, per VM; and what defining (cloning)
a VM costs while it is stopped.  The image must not autostart VMs (the test
image manual.vhd, `make test-images`).

Serial logs: build/bench/vmexit/.
"""

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "system"))
import hvqemu  # noqa: E402
from vmcases import HOST_PROMPT, free_kib, run  # noqa: E402

SVM_CPU = "qemu64,+svm,+npt"
KINDS = (("cpuid", "CPUID"), ("out80", "out 0x80 (ignored port)"),
         ("in21", "in 0x21 (PIC mask)"), ("vmmcall", "VMMCALL HC_VERSION"))
ROUND_RE = (r"\[vm:exitbench\] exitbench: round (\d+) n=(\d+) nop=(\d+) cpuid=(\d+) "
            r"out80=(\d+) in21=(\d+) vmmcall=(\d+)")
GUEST_RAM_KIB = 2048        # builtin.c: the small guests have 2 MiB


def boot(image, icount):
    extra = ("-icount", "shift=0") if icount else ()
    q = hvqemu.Qemu(image, accel="tcg", smp=2, mem=512, cpu=SVM_CPU, extra_args=extra)
    try:
        hvqemu.boot_entry(q, 1)
        q.wait_for(r"hv: shell ready", 300)
        q.wait_for(HOST_PROMPT, 120)
    except BaseException:
        q.kill()
        raise
    return q


def exits_total(q, name):
    out = run(q, f"vm info {name}", limit=120, prompt=HOST_PROMPT)
    m = re.search(r"exits: (\d+) total", out)
    hvqemu.check(m, f"`vm info {name}` shows no exit count: {out!r}")
    return int(m.group(1))


def measure_exits(q, wall):
    begin = q.cursor
    run(q, "vm start exitbench", limit=120, prompt=HOST_PROMPT)
    after = q.cursor
    q.cursor = begin
    q.wait_for(r"\[vm:exitbench\] exitbench: spinning on cpuid", 600)
    q.cursor = max(q.cursor, after)
    rounds = [tuple(map(int, m.groups()))
              for m in re.finditer(ROUND_RE, q.text()[begin:])]
    hvqemu.check(rounds, f"exitbench printed no rounds:\n{q.tail()}")
    per = {k: [] for k, _ in KINDS}
    for r in rounds:
        n, nop = r[1], r[2]
        for i, (k, _) in enumerate(KINDS):
            per[k].append((r[3 + i] - nop) / n)
    nop_per_iter = statistics.median(r[2] / r[1] for r in rounds)

    # wall-clock rate while it loops on CPUID (one exit per 3 instructions)
    e0, t0 = exits_total(q, "exitbench"), time.monotonic()
    time.sleep(wall)
    e1, t1 = exits_total(q, "exitbench"), time.monotonic()
    run(q, "vm stop exitbench", limit=120, prompt=HOST_PROMPT)
    return rounds, per, nop_per_iter, (e1 - e0) / (t1 - t0)


def measure_memory(q, count):
    names = [f"bench{i}" for i in range(1, count + 1)]
    before_def = free_kib(q)
    for n in names:
        out = run(q, f"vm clone tick {n}", limit=120, prompt=HOST_PROMPT)
        hvqemu.check("error" not in out and "usage" not in out, f"`vm clone tick {n}`: {out!r}")
    before = free_kib(q)
    begin = q.cursor
    for n in names:
        out = run(q, f"vm start {n}", limit=120, prompt=HOST_PROMPT)
        hvqemu.check(f"vm {n}: started" in q.text()[begin:], f"`vm start {n}`: {out!r}")
    after = q.cursor
    for n in names:         # running: their vCPUs have entered the guest
        q.cursor = begin
        q.wait_for(rf"\[vm:{n}\] tick: 100 Hz", 300, advance=False)
    q.cursor = after
    running = free_kib(q)
    for n in names:
        run(q, f"vm stop {n}", limit=120, prompt=HOST_PROMPT)
    after = free_kib(q)
    return {
        "vms": count,
        "defined_kib": (before_def - before) / count,
        "running_kib": (before - running) / count - GUEST_RAM_KIB,
        "returned": after == before,
        "free": (before_def, before, running, after),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--image", default=str(hvqemu.TEST_IMAGES / "manual.vhd"))
    ap.add_argument("--vms", type=int, default=4, help="small VMs for the memory figure")
    ap.add_argument("--wall", type=float, default=5.0, help="seconds for the wall-clock rate")
    ap.add_argument("--no-icount", action="store_true", help="plain TCG (ticks are not insns)")
    args = ap.parse_args()

    image = Path(args.image)
    if not image.is_file():
        print(f"bench: {image} is missing (run `make test-images`)", file=sys.stderr)
        return 1
    hvqemu.set_test("vmexit", hvqemu.BUILD / "bench" / "vmexit")
    hvqemu.kill_qemus_on_signals()

    try:
        with boot(image, not args.no_icount) as q:
            hvqemu.check("hv: vmm: backend svm" in q.text(), f"hv did not pick SVM:\n{q.tail()}")
            rounds, per, nop, rate = measure_exits(q, args.wall)
            mem = measure_memory(q, args.vms)
    except hvqemu.TestFailure as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1

    unit = "instructions" if not args.no_icount else "TSC ticks"
    print(f"hv VM-exit benchmark: QEMU TCG {SVM_CPU} -smp 2"
          f"{' -icount shift=0' if not args.no_icount else ''}, guest exitbench, "
          f"{len(rounds)} rounds of n={rounds[0][1]}; median (min-max) per exit")
    print(f"  loop overhead: {nop:.1f} ticks per iteration (nop loop, subtracted)")
    width = max(len(label) for _, label in KINDS)
    for k, label in KINDS:
        v = per[k]
        med = statistics.median(v)
        line = f"  {label.ljust(width)}  {med:8.0f} {unit} ({min(v):.0f}-{max(v):.0f})"
        if not args.no_icount:
            line += f"  = {1e9 / med:,.0f} exits/s at 1 insn/ns"
        print(line)
    print(f"  wall clock under this emulation: {rate:,.0f} CPUID exits/s")
    print(f"  memory per running VM beyond its {GUEST_RAM_KIB} KiB RAM: "
          f"{mem['running_kib']:.0f} KiB (over {mem['vms']} VMs); per defined, stopped VM: "
          f"{mem['defined_kib']:.0f} KiB; all returned after stop: "
          f"{'yes' if mem['returned'] else 'no'}")
    print("  free KiB: before clones {}, after clones {}, running {}, after stop {}"
          .format(*mem["free"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
