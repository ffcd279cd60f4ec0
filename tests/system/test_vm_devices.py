"""PC devices, interrupts, MMIO and time-sharing for VMs on AMD-V under QEMU
TCG (`-cpu qemu64,+svm,+npt`): the guests timer, cmos, kbc, mmio and tick
(tests/guests/*.asm), each printing ok:/FAIL: lines on its virtual COM1."""

import datetime
import re
import time

from hvqemu import check, timeout
from test_vm_svm import _hv, run, start_and_wait_stop


def _guest_ok(q, name, reason_want, oks):
    reason, out = start_and_wait_stop(q, name)
    check(reason == reason_want, f"{name} stopped with {reason!r}:\n{out}")
    check("FAIL" not in out, f"{name} reported a failure:\n{out}")
    for line in oks:
        check(re.search(rf"\[vm:{name}\] ok: {line}", out), f"{name}: no 'ok: {line}':\n{out}")
    return out


@timeout(300)
def test_vm_timer_tcg():
    """PIC + PIT at 100 Hz: 100 IRQ0s wake hlt, take 1-5 s by the CMOS clock;
    an IRQ0 held while IF=0 comes right after sti (interrupt window)."""
    with _hv() as q:
        _guest_ok(q, "timer", "guest powered off", [
            r"timer interrupts woke hlt: IRQ0 count \(0x00000064\)",
            r"100 ticks at 100 Hz took 1-5 s by the CMOS clock",
            r"IRQ0 pending in the PIC while interrupts are off",
            r"the held IRQ0 was delivered right after sti",
            r"PIT channel 0 counts down between two latches"])
        out = run(q, "vm info timer")
        check(re.search(r"irq-window\s+[1-9]", out), f"no interrupt-window exit counted: {out!r}")


@timeout(300)
def test_vm_cmos_kbc_tcg():
    """CMOS memory sizes and the host's date; the i8042 answers and its reset
    pulse restarts the VM with extended CMOS kept."""
    with _hv() as q:
        out = _guest_ok(q, "cmos", "guest powered off", [
            r"cmos base memory 640 KiB", r"cmos memory above 1 MiB 1024 KiB \(0x17\)",
            r"cmos memory above 1 MiB 1024 KiB \(0x30\)", r"cmos clock \d{4}-\d\d-\d\d",
            r"cmos clock ticks"])
        m = re.search(r"ok: cmos clock (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)", out)
        guest = datetime.datetime(*map(int, m.groups()), tzinfo=datetime.timezone.utc)
        now = datetime.datetime.now(datetime.timezone.utc)
        check(abs((now - guest).total_seconds()) < 600,
              f"the guest's CMOS clock says {guest}, the host {now}")

        # The reset pulse restarts the VM, as it restarts a PC; the second
        # start finds its marker in extended CMOS and powers off.
        out = _guest_ok(q, "kbc", "guest powered off", [
            r"i8042 self-test answered 0x55", r"i8042 interface test answered 0x00",
            r"keyboard echo answered 0xee", r"extended CMOS kept over the reset"])
        check("vm kbc: reset (reset by the guest)" in out, f"no reset line:\n{out}")
        check(out.count("vm kbc: started") == 1, f"a reset is not a new start:\n{out}")


@timeout(300)
def test_vm_mmio_tcg():
    """mov forms against the MMIO test device at 0xFEB00000 are emulated."""
    with _hv() as q:
        _guest_ok(q, "mmio", "guest powered off", [
            r"mmio mov eax, \[dev\]", r"mmio mov byte \[dev\], imm8", r"mmio mov \[dev\], ecx",
            r"mmio movsx", r"mmio mov ah", r"mmio mov word \[dev\], imm16", r"mmio or dword",
            r"mmio xchg", r"mmio device counted 5 writes"])


@timeout(400)
def test_vm_eight_on_one_ap_tcg():
    """8 tick guests (PIT at 100 Hz, hlt) share the one AP of -smp 2: all make
    progress, the shell answers, `vm list` shows them, `vm stop` stops each."""
    names = ["tick"] + [f"tick{i}" for i in range(2, 9)]
    with _hv() as q:
        for n in names[1:]:
            out = run(q, f"vm clone tick {n}")
            check("error" not in out and "usage" not in out, f"`vm clone tick {n}`: {out!r}")
        for n in names:
            out = run(q, f"vm start {n}")
            check("no " not in out, f"`vm start {n}`: {out!r}")
        begin = q.cursor
        deadline = time.time() + 120
        while True:
            text = q.text()[begin:]
            behind = [n for n in names if f"[vm:{n}] alive 2" not in text]
            if not behind:
                break
            check(time.time() < deadline,
                  f"no 'alive 2' within 120 s from {behind}:\n{q.tail()}")
            time.sleep(1)
        out = run(q, "vm list")
        for n in names:
            check(re.search(rf"\b{n}\s+running\s.*\s1\s", out),
                  f"`vm list` does not show {n} running on cpu 1: {out!r}")
        out = run(q, "help")
        check("poweroff" in out, f"the shell stopped answering: {out!r}")
        for n in names:
            run(q, f"vm stop {n}")
            check(f"vm {n}: stopped (stopped by request)" in q.text(),
                  f"`vm stop {n}` did not stop it:\n{q.tail()}")
        out = run(q, "vm list")
        for n in names:
            check(re.search(rf"\b{n}\s+stopped", out), f"{n} not stopped: {out!r}")
