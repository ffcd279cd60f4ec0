"""Virtual machines on Intel VT-x: hv booted by Bochs (CPU corei7_skylake_x:
VMX with EPT, VPID and unrestricted guest), the whole chain from the BIOS,
then the built-in guests -- the same binaries and expectations as on AMD-V
(vmcases.py).  Bochs is the only VT-x here: this machine's KVM has no nested
VMX and QEMU's TCG none at all.  A boot to the shell takes ~10 s."""

from bochs import Bochs
from hvqemu import boot_entry, check, require_image, timeout
import vmcases


def _hv():
    b = Bochs(require_image(), cpus=2, mem=256)
    try:
        boot_entry(b, 1)
        b.wait_for(r"hv: ready mode=hypervisor")
        b.wait_for(r"hv: shell ready")
        b.wait_for(vmcases.PROMPT, 60)
    except BaseException:
        b.kill()
        raise
    return b


@timeout(300)
def test_vm_hello_bochs():
    """hv boots under Bochs, picks the VMX backend, and hello behaves as on SVM."""
    with _hv() as b:
        vmcases.check_backend(b, "vmx")
        check("hv: vmx:" not in b.text(), f"the VMX backend complained at boot:\n{b.tail()}")
        vmcases.case_hello(b)


@timeout(300)
def test_vm_hostile_bochs():
    """hostile, triple and spin stop as on SVM; hv keeps running."""
    with _hv() as b:
        vmcases.case_hostile(b)
