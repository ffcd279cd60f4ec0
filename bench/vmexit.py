#!/usr/bin/env python3
"""VM-exit benchmark (AMD-V, or VT-x under Bochs): the round trip of simple
exits, and the memory hv spends per VM beyond its RAM.

    python3 bench/vmexit.py [--backend svm|vmx] [--image build/test-images/manual.vhd]
                            [--vms 4] [--wall 5] [--no-icount]

--backend svm (the default) boots hv under QEMU TCG (`-cpu qemu64,+svm,+npt
-smp 2`) with `-icount shift=0`, so the guest's TSC advances one tick per
emulated instruction.  --backend vmx boots it under Bochs (tests/system/
bochs.py: corei7_skylake_x, 2 CPUs, `clock: sync=none`), whose TSC is its
instruction clock: the nop loop below shows one tick per instruction, and
the script says "TSC ticks" instead of instructions if it does not.

Either way hv runs the built-in guest `exitbench` (tests/guests/exitbench.asm).
It times N iterations of a loop around one exiting instruction against the
same loop around a nop (4 instructions an iteration), for CPUID, `out 0x80`
(a port hv ignores), `in 0x21` (the PIC's mask) and VMMCALL (HC_VERSION; on
VT-x a #UD exit that hv decodes as the hypercall); (exit loop - nop loop) / N
is one exit's round trip in instructions: the guest's exiting instruction,
the world switch and all of hv's exit handling.  Reported: the median over
its rounds.

Exits per second: in the instruction clock (1 instruction = 1 ns, i.e. a 1
GHz machine doing one instruction per cycle) that is 1e9 / ticks; also the
wall clock rate of this emulation, from `vm info exitbench` sampled --wall
seconds apart while the guest loops on CPUID.

Memory: `mem`'s free KiB before and after starting --vms small VMs (clones of
`tick`, 2 MiB of RAM each), minus their RAM, per VM; and what defining (cloning)
a VM costs while it is stopped.  The image must not autostart VMs (the test
image manual.vhd, `make test-images`).

Serial logs: build/bench/vmexit/ (svm) or build/bench/vmexit-vmx/.
"""

import argparse
import re
import statistics
import sys
import time

from benchlib import (HOST_PROMPT, SVM_CPU, exits_total, free_kib, hvqemu, prepare, run,
                      to_shell)


KINDS = (("cpuid", "CPUID"), ("out80", "out 0x80 (ignored port)"),
         ("in21", "in 0x21 (PIC mask)"), ("vmmcall", "VMMCALL HC_VERSION"))
ROUND_RE = (r"\[vm:exitbench\] exitbench: round (\d+) n=(\d+) nop=(\d+) cpuid=(\d+) "
            r"out80=(\d+) in21=(\d+) vmmcall=(\d+)")
GUEST_RAM_KIB = 2048        # builtin.c: the small guests have 2 MiB
NOP_LOOP_INSNS = 4          # xor eax, eax; nop; dec di; jnz
BOCHS_CPUS, BOCHS_MEM = 2, 256


def boot(image, backend, icount):
    if backend == "vmx":
        from bochs import Bochs
        return to_shell(Bochs(image, cpus=BOCHS_CPUS, mem=BOCHS_MEM))
    extra = ("-icount", "shift=0") if icount else ()
    return to_shell(hvqemu.Qemu(image, accel="tcg", smp=2, mem=512, cpu=SVM_CPU,
                                extra_args=extra))


def machine(backend, icount):
    if backend == "vmx":
        from bochs import CPU_MODEL
        return (f"Bochs {CPU_MODEL} (VT-x), {BOCHS_CPUS} CPUs, {BOCHS_MEM} MiB, "
                "clock sync=none")
    return f"QEMU TCG {SVM_CPU} -smp 2{' -icount shift=0' if icount else ''}"


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
    ap.add_argument("--backend", choices=("svm", "vmx"), default="svm",
                    help="svm: AMD-V under QEMU TCG; vmx: VT-x under Bochs")
    ap.add_argument("--image", default=str(hvqemu.TEST_IMAGES / "manual.vhd"))
    ap.add_argument("--vms", type=int, default=4, help="small VMs for the memory figure")
    ap.add_argument("--wall", type=float, default=5.0, help="seconds for the wall-clock rate")
    ap.add_argument("--no-icount", action="store_true",
                    help="svm: plain TCG (ticks are not instructions)")
    args = ap.parse_args()
    icount = args.backend == "svm" and not args.no_icount

    image = prepare(args.image, "make test-images",
                    "vmexit" if args.backend == "svm" else "vmexit-vmx")
    if not image:
        return 1
    try:
        with boot(image, args.backend, icount) as q:
            hvqemu.check(f"hv: vmm: backend {args.backend}" in q.text(),
                         f"hv did not pick {args.backend}:\n{q.tail()}")
            rounds, per, nop, rate = measure_exits(q, args.wall)
            mem = measure_memory(q, args.vms)
    except hvqemu.TestFailure as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1

    # Bochs's TSC is its instruction clock; the nop loop confirms one tick
    # per instruction (else the figures stay in ticks).
    insns = icount or (args.backend == "vmx" and abs(nop - NOP_LOOP_INSNS) < 0.25)
    unit = "instructions" if insns else "TSC ticks"
    print(f"hv VM-exit benchmark: {machine(args.backend, icount)}, guest exitbench, "
          f"{len(rounds)} rounds of n={rounds[0][1]}; median (min-max) per exit")
    print(f"  loop overhead: {nop:.2f} ticks per iteration of {NOP_LOOP_INSNS} instructions "
          "(nop loop, subtracted)")
    width = max(len(label) for _, label in KINDS)
    for k, label in KINDS:
        v = per[k]
        med = statistics.median(v)
        line = f"  {label.ljust(width)}  {med:8.0f} {unit} ({min(v):.0f}-{max(v):.0f})"
        if insns:
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
