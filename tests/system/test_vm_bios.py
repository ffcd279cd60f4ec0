"""hv's virtual BIOS (kernel/vmm/vbios/, docs/vbios.md) under QEMU TCG
(`-cpu qemu64,+svm,+npt`): the bioscall guest (tests/guests/bioscall.asm)
calls INT 10h/11h/12h/13h/15h/16h/1Ah and VBE and prints one ok:/FAIL: line
per check through INT 10h teletype."""

import re
import time

from hvqemu import check, timeout
from test_vm_svm import _hv, free_kib, run, start_and_wait_stop

BIOSCALL_OKS = [
    r"boot drive DL=80h",
    r"INT 10h AH=03h cursor after 7 characters",
    r"INT 11h equipment: one serial port",
    r"INT 12h 639 KiB base memory",
    r"INT 13h AH=41h extensions",
    r"INT 13h AH=48h 64 sectors",
    r"INT 13h AH=08h geometry",
    r"INT 13h AH=42h read sectors 5-6",
    r"INT 13h AH=43h write sector 7 and read it back",
    r"INT 13h AH=42h past the end: CF, AH=04h, count 0",
    r"INT 13h AH=42h buffer outside RAM: CF, AH=01h",
    r"INT 13h drive 81h: CF",
    r"INT 15h E820: 5 entries via EBX continuation",
    r"INT 15h E820 without SMAP: CF",
    r"INT 15h AX=2401h A20",
    r"INT 15h AH=88h 12288 KiB",
    r"INT 15h AX=E801h",
    r"INT 15h AH=86h wait",
    r"INT 15h AH=EEh: CF, AH=86h",
    r"INT 16h AH=01h no key",
    r"INT 1Ah AH=02h BCD time",
    r"INT 1Ah AH=04h BCD date",
    r"INT 1Ah AH=00h ticks advance",
    r"VBE 4F00h controller info",
    r"VBE 4F01h 1024x768x32 LFB",
    r"VBE 4F01h unknown mode: 014Fh",
    r"VBE 4F02h set 4118h",
]


@timeout(420)
def test_vm_bioscall_tcg():
    """Every BIOS service answers as documented; bad input gets CF, never a
    crash; the VM powers off and its memory comes back."""
    with _hv() as q:
        reason, out = start_and_wait_stop(q, "bioscall")
        check(reason == "guest powered off", f"bioscall stopped with {reason!r}:\n{out}")
        check("[vm:bioscall] bioscall: via INT 10h teletype" in out,
              f"no greeting through INT 10h:\n{out}")
        check("FAIL" not in out, f"bioscall reported a failure:\n{out}")
        for line in BIOSCALL_OKS:
            check(re.search(rf"\[vm:bioscall\] ok: {line}", out), f"no 'ok: {line}':\n{out}")
        check("[vm:bioscall] bioscall: done" in out, f"bioscall did not finish:\n{out}")

        before = free_kib(q)
        reason, out = start_and_wait_stop(q, "bioscall")
        check(reason == "guest powered off", f"second run stopped with {reason!r}:\n{out}")
        check("FAIL" not in out, f"second run reported a failure:\n{out}")
        after = free_kib(q)
        check(before == after, f"free memory {before} KiB before a VM run, {after} KiB after")


@timeout(420)
def test_vm_first_os_boot_chain_tcg():
    """first-os boots GUEST0.VHD through the virtual BIOS: its MBR, BM (menu,
    countdown on the BIOS tick, VBE), BL (INT 13h through BM's gate) and its
    kernel, which starts.  (test_vm_first_os_ready_tcg follows it to its
    ready line.)"""
    with _hv() as q:
        begin = q.cursor
        run(q, "vm start first-os")
        q.cursor = begin
        for line in (r"\[vm:first-os\] hv boot menu",
                     r"\[vm:first-os\] hv bm: booting 2\) hv as a normal operating system",
                     r"\[vm:first-os\] hv bl: loaded KERNEL\.BIN \(\d+ KiB\), entering kernel",
                     r"\[vm:first-os\] hv: kernel "):
            q.wait_for(line, 240)
        out = q.text()[begin:]
        check("hhvv" not in out, f"teletype and COM1 output doubled:\n{out}")
        check("hv mbr: error" not in out and "hv bm: error" not in out
              and "hv bl: error" not in out, f"the boot chain failed:\n{out}")
        run(q, "vm stop first-os")


@timeout(180)
def test_vm_first_os_ready_tcg():
    """Issue 3's "first OS": the guest's own hv kernel, with paging on,
    maps the emulated local APIC (MMIO through a guest page walk),
    calibrates its timer against the PIT, finds no IOAPIC, PCI or IDE, and
    prints its ready line within 90 s of `vm start`; its shell then runs on
    the LAPIC tick until `vm stop`."""
    with _hv() as q:
        begin = q.cursor
        run(q, "vm start first-os")
        q.cursor = begin
        q.wait_for(r"\[vm:first-os\] hv: timer: lapic calibrated against pit: \d+ kHz", 90)
        q.wait_for(r"\[vm:first-os\] hv: ready mode=os cpus=1 memory=\d+MiB", 90)
        q.wait_for(r"\[vm:first-os\] hv: shell ready", 30)
        out = q.text()[begin:]
        check("vm first-os: stopped" not in out, f"first-os stopped early:\n{out}")
        check("panic" not in out, f"the guest kernel panicked:\n{out}")
        # lapic_hz is VLAPIC_BUS_HZ (100 MHz); the PIT calibration is within 5 %
        khz = int(re.search(r"lapic calibrated against pit: (\d+) kHz", out).group(1))
        check(95000 <= khz <= 105000, f"LAPIC calibrated to {khz} kHz, expected ~100000:\n{out}")
        # its LAPIC timer ticks (hv's TIMER_HZ is 100): ~100 interrupts in 2 s
        time.sleep(2)
        info = run(q, "vm info first-os")
        m = re.search(r"lapic: timer (\d+) interrupts", info)
        check(m and int(m.group(1)) >= 50, f"the guest's LAPIC timer does not tick:\n{info}")
        mark = q.cursor
        q.send_slow("vm stop first-os\r", gap=0.02)
        q.cursor = mark
        m = q.wait_for(r"vm first-os: stopped \(([^\n]*)\)\n", 30)
        check(m.group(1) == "stopped by request", f"first-os stopped with {m.group(1)!r}")
