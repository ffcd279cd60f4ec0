"""Virtual machines on Intel VT-x: hv booted by Bochs (CPU corei7_skylake_x:
VMX with EPT, VPID and unrestricted guest), the whole chain from the BIOS,
then the built-in guests and the first OS -- the same binaries and
expectations as on AMD-V (vmcases.py).  Bochs is the only VT-x here: this
machine's KVM has no nested VMX and QEMU's TCG none at all.

A boot to hv's shell takes ~4-8 s and a built-in guest about a second, so
each test boots hv once and runs a group of cases in that boot: the group is
the test's parameter (GROUPS: which image, how many CPUs and how much memory
the machine has, which vmcases.case_* run).  All five groups take ~1.5 min
of Bochs time (docs/vmx.md has the figures).
"""

import re
import time

from bochs import Bochs
from hvqemu import boot_entry, check, require_image, require_manual_image, timeout
import vmcases
from test_vm_hostile import case_flood, case_msrs_badcall


def _hv(image, cpus=2, mem=256):
    b = Bochs(image, cpus=cpus, mem=mem)
    try:
        boot_entry(b, 1)
        b.wait_for(r"hv: ready mode=hypervisor")
        b.wait_for(r"hv: shell ready")
        b.wait_for(vmcases.PROMPT, 60)
    except BaseException:
        b.kill()
        raise
    return b


def _backend(b):
    vmcases.check_backend(b, "vmx")
    check("hv: vmx:" not in b.text(), f"the VMX backend complained at boot:\n{b.tail()}")


def _smp(b):
    """Six tick guests spread over the three APs of a 4-CPU machine (VMXON
    and VMCSs on each), and hello, mmio and bioscall run beside them."""
    names = ["tick"] + [f"tick{i}" for i in range(2, 7)]
    for n in names[1:]:
        vmcases.run(b, f"vm clone tick {n}")
    for n in names:
        out = vmcases.run(b, f"vm start {n}")
        check(f"vm {n}: started" in b.text(), f"`vm start {n}`: {out!r}")
    out = vmcases.run(b, "vm list")
    cpus = {int(m.group(1)) for m in re.finditer(r"\btick\d?\s+running\s+\d+ MiB\s+(\d+)", out)}
    check(len(cpus) >= 2, f"the tick guests all run on CPU {cpus}; this test needs VMX on "
                          f"several APs: {out!r}")
    for case in (vmcases.case_hello, vmcases.case_mmio, vmcases.case_bioscall):
        case(b)
    begin = b.cursor
    deadline = time.time() + 120
    while True:
        text = b.text()[begin:]
        behind = [n for n in names if not re.search(rf"\[vm:{n}\] alive \d+\n", text)]
        if not behind:
            break
        check(time.time() < deadline, f"no progress within 120 s from {behind}:\n{b.tail()}")
        time.sleep(0.5)
    for n in names:
        vmcases.run(b, f"vm stop {n}")
        check(f"vm {n}: stopped (stopped by request)" in b.text(),
              f"`vm stop {n}` did not stop it:\n{b.tail()}")


# group -> (image, Bochs CPUs, Bochs memory in MiB, the cases run in order in
# one boot).  The built-in guests run on the image without autostart;
# first-os is hv.vhd as shipped (it starts by itself) and, a 256 MiB VM,
# needs a bigger machine.
GROUPS = {
    "exits": (require_manual_image, 2, 256, [_backend, vmcases.case_hello,
                                             vmcases.case_hostile, case_msrs_badcall]),
    "flood": (require_manual_image, 2, 256, [case_flood]),
    "devices": (require_manual_image, 2, 256, [vmcases.case_timer, vmcases.case_cmos,
                                               vmcases.case_kbc, vmcases.case_mmio]),
    "bios": (require_manual_image, 2, 256, [vmcases.case_bioscall, vmcases.case_ticks]),
    "smp": (require_manual_image, 4, 256, [_backend, _smp]),
    "first_os": (require_image, 2, 512, [_backend, vmcases.case_first_os,
                                         vmcases.case_first_os_life]),
}


def _run_group(group):
    image, cpus, mem, cases = GROUPS[group]
    with _hv(image(), cpus=cpus, mem=mem) as b:
        for case in cases:
            case(b)


for _g, (_img, _cpus, _mem, _cases) in GROUPS.items():
    def _t(group=_g):
        _run_group(group)
    _t.__name__ = _t.__qualname__ = f"test_vm_{_g}_bochs"
    _t.__doc__ = "On VT-x, one boot of hv: " + "; ".join(
        (c.__doc__ or "").split(".")[0].strip() for c in _cases if c is not _backend) + "."
    globals()[_t.__name__] = timeout(300)(_t)
del _g, _img, _cpus, _mem, _cases, _t
