"""Hostile guests on AMD-V under QEMU TCG (issue 3): a guest that writes the
host's MSRs, one that calls VMMCALL with garbage, and one that floods
interrupts from a tight I/O loop.  Each is contained -- #GP, an error code,
coalesced interrupts -- while hv, its shell and another VM carry on."""

import re
import time

from hvqemu import check, timeout
from test_vm_svm import _hv
from vmcases import HOST_PROMPT, free_kib, run, start_and_wait_stop

MSRS_OKS = (
    "wrmsr VM_HSAVE_PA raised #GP",
    "rdmsr VM_CR raised #GP",
    r"wrmsr VM_CR \(SVMDIS\) raised #GP",
    "wrmsr EFER with SVME raised #GP",
    "EFER still reads without SVME",
    "wrmsr SYSCFG raised #GP",
    "wrmsr HWCR raised #GP",
    "wrmsr APIC_BASE relocation raised #GP",
    "wrmsr APIC_BASE x2APIC enable raised #GP",
    "wrmsr LSTAR non-canonical raised #GP",
    "wrmsr PAT reserved type raised #GP",
    "wrmsr EFER reserved bit raised #GP",
    r"LSTAR written and read back \(0x81234560\)",
    r"SYSENTER_EIP written and read back \(0x00c0ffee\)",
    "APIC_BASE rewritten unchanged without #GP",
    "EFER rewritten unchanged without #GP",
)

BADCALL_OKS = (
    r"hypercall 0xDEADBEEF returned an error \(0xffffffda\)",    # -E_NOSYS
    r"hypercall 0xFFFFFFFF returned an error \(0xffffffda\)",
    r"hypercall 3 returned an error \(0xffffffda\)",
    r"console write from gpa 0x40000000 returned an error \(0xffffffde\)",   # -E_RANGE
    r"console write wrapping past 4 GiB returned an error \(0xffffffde\)",
    r"console write across the end of RAM returned an error \(0xffffffde\)",
    r"console write of 0xFFFFFFFF bytes returned an error \(0xffffffea\)",   # -E_INVAL
    r"console write of 4097 bytes returned an error \(0xffffffea\)",
    r"console write of 0 bytes returned 0",
    r"hypercall version still 1",
    r"console write still works",
)


def _oks(name, out, oks):
    check("FAIL" not in out, f"{name} reported a failure:\n{out}")
    for line in oks:
        check(re.search(rf"\[vm:{name}\] ok: {line}", out), f"{name}: no 'ok: {line}':\n{out}")


def case_msrs_badcall(q):
    """msrs: every write to a host MSR (VM_HSAVE_PA, VM_CR, EFER.SVME,
    SYSCFG, HWCR, an APIC base relocation) and every value a CPU refuses
    gets #GP, the allow-list still works; badcall: unknown hypercalls and
    console writes from outside RAM, across its end or too long return
    error codes and print nothing.  Both power off; hv runs a VM after them
    and has all their memory back.  (Any backend: test_vm_vmx.py runs it
    under Bochs too.)"""
    reason, out = start_and_wait_stop(q, "msrs")
    check(reason == "guest powered off", f"msrs stopped with {reason!r}:\n{out}")
    _oks("msrs", out, MSRS_OKS)
    check("[vm:msrs] msrs: done" in out, f"msrs did not finish:\n{out}")
    before = free_kib(q)      # after the first VM: hv's shared SVM bitmaps exist

    reason, out = start_and_wait_stop(q, "badcall")
    check(reason == "guest powered off", f"badcall stopped with {reason!r}:\n{out}")
    _oks("badcall", out, BADCALL_OKS)
    # the guest filled the end of its RAM with 'Z': a failed write shows none
    check("ZZZZ" not in out, f"a failed console write printed guest memory:\n{out}")
    check("[vm:badcall] badcall: done" in out, f"badcall did not finish:\n{out}")

    # SVM still works for the next VM, and nothing leaked
    reason, out = start_and_wait_stop(q, "hello")
    check(reason == "guest powered off", f"hello after them stopped with {reason!r}:\n{out}")
    check("FAIL" not in out, f"hello after them reported a failure:\n{out}")
    after = free_kib(q)
    check(before == after, f"free memory {before} KiB before the hostile guests, {after} after")


@timeout(420)
def test_msrs_badcall_tcg():
    """case_msrs_badcall on AMD-V (QEMU TCG)."""
    with _hv() as q:
        case_msrs_badcall(q)


def _alive_lines(q, begin):
    return [int(n) for n in re.findall(r"\[vm:tick\] alive (\d+)\r?\n", q.text()[begin:])]


def _wait_alive(q, begin, more, limit=120):
    """Waits until tick printed `more` alive lines after position begin."""
    deadline = time.time() + limit
    while len(_alive_lines(q, begin)) < more:
        check(time.time() < deadline,
              f"tick printed {len(_alive_lines(q, begin))} of {more} 'alive' lines "
              f"in {limit} s next to flood:\n{q.tail()}")
        time.sleep(0.5)


def _start(q, name, greeting):
    """`vm start name` and its greeting; returns where the output began."""
    begin = q.cursor
    run(q, f"vm start {name}", prompt=HOST_PROMPT)
    after = q.cursor
    q.cursor = begin            # the guest may speak before the prompt is back
    q.wait_for(rf"\[vm:{name}\] {greeting}", 60)
    q.cursor = max(q.cursor, after)
    return begin


def _injected(q):
    out = run(q, "vm info flood", prompt=HOST_PROMPT)
    m = re.search(r"exits: (\d+) total, (\d+) interrupts injected", out)
    check(m, f"`vm info flood` shows no exit/interrupt counts: {out!r}")
    return int(m.group(1)), int(m.group(2)), out


@timeout(420)
def test_flood_tcg():
    """case_flood on AMD-V (QEMU TCG)."""
    with _hv() as q:
        case_flood(q)


def case_flood(q):
    """flood (PIT at divisor 2, IRQ0 unmasked, `out 0x80` forever) and tick
    share the one AP: tick keeps printing, the shell answers `vm list` and
    `mem`, flood takes interrupts and its held edges coalesce into one (it
    checks that itself), and `vm stop flood` stops it by request."""
    begin = _start(q, "tick", r"tick: 100 Hz")
    _wait_alive(q, begin, 1)
    mark = _start(q, "flood", r"flood: PIT at divisor 2")

    # tick keeps making progress next to the flood, the shell answers
    _wait_alive(q, mark, 3)
    out = run(q, "vm list", prompt=HOST_PROMPT)
    for name in ("tick", "flood"):
        check(re.search(rf"\b{name}\s+running\s.*\s1\s", out),
              f"`vm list` does not show {name} running on cpu 1: {out!r}")
    out = run(q, "mem", prompt=HOST_PROMPT)
    check("free" in out, f"`mem` did not answer next to the flood: {out!r}")

    # flood takes interrupts; held ones coalesce (its own ok: line)
    exits1, irqs1, _ = _injected(q)
    q.wait_for(r"\[vm:flood\] (ok|FAIL): IRQ0 edges held", 120)
    _wait_alive(q, mark, 5)
    exits2, irqs2, info = _injected(q)
    check(irqs2 > irqs1 > 0, f"flood's interrupts did not grow: {irqs1} then {irqs2}\n{info}")
    # every injected interrupt is taken by the handler, whose EOI is an
    # exit: a flood cannot outrun the guest's own exits
    check(irqs2 - irqs1 <= exits2 - exits1,
          f"{irqs2 - irqs1} interrupts injected for {exits2 - exits1} exits:\n{info}")
    flood_out = q.text()[mark:]
    check("[vm:flood] FAIL" not in flood_out, f"flood reported a failure:\n{flood_out}")
    check(re.search(r"\[vm:flood\] ok: IRQ0 edges held with IF=0 came as one interrupt "
                    r"\(0x00000001\)", flood_out),
          f"held IRQ0 edges did not coalesce into one:\n{flood_out}")

    # the tick VM still runs, then flood stops on request
    n = len(_alive_lines(q, mark))
    _wait_alive(q, mark, n + 2)
    run(q, "vm stop flood", prompt=HOST_PROMPT)
    check("vm flood: stopped (stopped by request)" in q.text(),
          f"`vm stop flood` did not stop it:\n{q.tail()}")
    n = len(_alive_lines(q, mark))
    _wait_alive(q, mark, n + 1)
    run(q, "vm stop tick", prompt=HOST_PROMPT)
    check("vm tick: stopped (stopped by request)" in q.text(),
          f"`vm stop tick` did not stop it:\n{q.tail()}")
    out = run(q, "help", prompt=HOST_PROMPT)
    check("poweroff" in out, f"the shell stopped answering after the flood: {out!r}")
