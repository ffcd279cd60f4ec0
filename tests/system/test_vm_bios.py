"""hv's virtual BIOS (kernel/vmm/vbios/, docs/vbios.md) under QEMU TCG
(`-cpu qemu64,+svm,+npt`): the bioscall guest (tests/guests/bioscall.asm)
calls INT 10h/11h/12h/13h/15h/16h/1Ah and VBE and prints one ok:/FAIL: line
per check through INT 10h teletype; the first OS boots through it.  The
expectations are vmcases.py's, shared with VT-x (test_vm_vmx.py)."""

from hvqemu import timeout
import vmcases
from test_vm_svm import _hv


@timeout(420)
def test_vm_bioscall_tcg():
    """Every BIOS service answers as documented; bad input gets CF, never a
    crash; the VM powers off and its memory comes back."""
    with _hv() as q:
        vmcases.case_bioscall(q)


@timeout(480)
def test_vm_first_os_ready_tcg():
    """Issue 3's "first OS" started from the shell: GUEST0.VHD's MBR, BM and
    BL through the virtual BIOS, then its own hv kernel, which pages,
    calibrates the emulated LAPIC timer against the PIT and reaches its
    ready line and shell; its LAPIC timer ticks until `vm stop`."""
    with _hv() as q:
        vmcases.case_first_os(q)
        vmcases._stop_first_os(q)     # checks it stops by request
