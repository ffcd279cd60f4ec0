"""Virtual machines on AMD-V under QEMU TCG (`-cpu qemu64,+svm,+npt`): the
built-in guests (tests/guests/*.asm) started from the shell in hypervisor
mode.  TCG only: this machine's KVM offers no nested SVM."""

from hvqemu import Qemu, boot_entry, check, require_manual_image, timeout
import vmcases
# The other VM tests take these helpers from here.
from vmcases import PROMPT, free_kib, run, start_and_wait_stop  # noqa: F401

SVM_CPU = "qemu64,+svm,+npt"


def _hv(cpu=SVM_CPU, smp=2):
    q = Qemu(require_manual_image(), accel="tcg", smp=smp, mem=512, cpu=cpu)
    try:
        boot_entry(q, 1)
        q.wait_for(r"hv: shell ready")
        q.wait_for(PROMPT, 60)
    except BaseException:
        q.kill()
        raise
    return q


@timeout(420)
def test_vm_hello_tcg():
    """hello prints through the virtual UART, sees hv's CPUID leaf, uses the
    hypercalls, gets #GP for a host MSR and powers off; its memory comes back."""
    with _hv() as q:
        vmcases.check_backend(q, "svm")
        vmcases.case_hello(q)


@timeout(420)
def test_vm_hostile_tcg():
    """Guests that misbehave are stopped with a reason; hv and its shell carry on."""
    with _hv() as q:
        vmcases.case_hostile(q)


@timeout(420)
def test_vm_refused_without_svm_tcg():
    """On a CPU without SVM, starting a VM is refused with a clear message."""
    with _hv(cpu="qemu64", smp=1) as q:
        out = run(q, "vm start hello")
        check("no hardware virtualization on this CPU" in out,
              f"`vm start hello` on qemu64 said {out!r}")
