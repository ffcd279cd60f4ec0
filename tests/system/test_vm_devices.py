"""PC devices, interrupts, MMIO and time-sharing for VMs on AMD-V under QEMU
TCG (`-cpu qemu64,+svm,+npt`): the guests timer, cmos, kbc, mmio and tick
(tests/guests/*.asm), each printing ok:/FAIL: lines on its virtual COM1.
The expectations are vmcases.py's, shared with VT-x (test_vm_vmx.py)."""

import re

from hvqemu import check, timeout
import vmcases
from test_vm_svm import _hv


@timeout(300)
def test_vm_timer_tcg():
    """PIC + PIT at 100 Hz: 100 IRQ0s wake hlt, take 1-5 s by the CMOS clock;
    an IRQ0 held while IF=0 comes right after sti (interrupt window)."""
    with _hv() as q:
        vmcases.case_timer(q)


@timeout(300)
def test_vm_cmos_kbc_tcg():
    """CMOS memory sizes and the host's date; the i8042 answers and its reset
    pulse restarts the VM with extended CMOS kept -- a reset, not a new start."""
    with _hv() as q:
        vmcases.case_cmos(q)
        vmcases.case_kbc(q)
        out = vmcases.run(q, "vm info kbc")
        check(re.search(r"started 1 times, reset 1 times", out),
              f"kbc's reset is not counted as one reset of one start: {out!r}")


@timeout(300)
def test_vm_mmio_tcg():
    """mov forms against the MMIO test device at 0xFEB00000 are emulated."""
    with _hv() as q:
        vmcases.case_mmio(q)


@timeout(400)
def test_vm_eight_on_one_ap_tcg():
    """8 tick guests (PIT at 100 Hz, hlt) share the one AP of -smp 2: all make
    progress, the shell answers, `vm list` shows them, `vm stop` stops each."""
    with _hv() as q:
        vmcases.case_ticks(q, count=8, cpu=1)
