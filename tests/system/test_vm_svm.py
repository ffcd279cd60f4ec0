"""Virtual machines on AMD-V under QEMU TCG (`-cpu qemu64,+svm,+npt`): the
built-in guests (tests/guests/*.asm) started from the shell in hypervisor
mode.  TCG only: this machine's KVM offers no nested SVM."""

import re

from hvqemu import Qemu, boot_entry, check, require_image, timeout

SVM_CPU = "qemu64,+svm,+npt"
PROMPT = r"hv# "


def _hv(cpu=SVM_CPU, smp=2):
    q = Qemu(require_image(), accel="tcg", smp=smp, mem=512, cpu=cpu)
    try:
        boot_entry(q, 1)
        q.wait_for(r"hv: shell ready")
        q.wait_for(PROMPT, 60)
    except BaseException:
        q.kill()
        raise
    return q


def run(q, cmd, limit=60):
    """Type cmd + Enter; returns what it printed up to the next prompt."""
    start = q.cursor
    q.send_slow(cmd + "\r", gap=0.02)
    end = q.wait_for(PROMPT, limit).start()
    out = q.text()[start:end]
    return out.split(cmd, 1)[1] if cmd in out else out


def start_and_wait_stop(q, name, limit=60):
    """`vm start name`; returns (reason, everything COM1 showed meanwhile)."""
    begin = q.cursor
    run(q, f"vm start {name}")
    after = q.cursor
    q.cursor = begin        # the guest may finish before the prompt comes back
    m = q.wait_for(rf"vm {name}: stopped \(([^\n]*)\)\n", limit)
    q.cursor = max(q.cursor, after)     # the next command's prompt, not this one's
    return m.group(1), q.text()[begin:m.end()]


def free_kib(q):
    out = run(q, "mem")
    m = re.search(r"free (\d+) KiB", out)
    check(m, f"`mem` printed no free amount: {out!r}")
    return int(m.group(1))


@timeout(420)
def test_vm_hello_tcg():
    """hello prints through the virtual UART, sees hv's CPUID leaf, uses the
    hypercalls, gets #GP for a host MSR and powers off; its memory comes back."""
    with _hv() as q:
        check("hv: vmm: backend svm" in q.text(), f"no 'hv: vmm: backend svm' at boot:\n{q.tail()}")
        reason, out = start_and_wait_stop(q, "hello")
        check(reason == "guest powered off", f"hello stopped with {reason!r}:\n{out}")
        check("vm hello: started" in out, f"no 'vm hello: started':\n{out}")
        check("[vm:hello] hello from the guest" in out, f"no greeting from the guest:\n{out}")
        check(re.search(r"\[vm:hello\] ok: cpuid 0x40000000 signature \[hv hv hv {4}\]", out),
              f"no CPUID signature line:\n{out}")
        for line in ("hypercall version 1", "console write by hypercall",
                     "rdmsr VM_HSAVE_PA raised #GP", "rdmsr EFER hides SVME"):
            check(f"[vm:hello] ok: {line}" in out, f"missing 'ok: {line}':\n{out}")
        check("FAIL" not in out, f"the guest reported a failure:\n{out}")

        con = run(q, "vm console hello")
        check("hello from the guest" in con and "powering off" in con,
              f"`vm console hello` does not show the guest's output: {con!r}")

        # A second run: the first one grew the heap; this one must give back
        # every page it took.
        before = free_kib(q)
        reason, out = start_and_wait_stop(q, "hello")
        check(reason == "guest powered off", f"second run stopped with {reason!r}:\n{out}")
        after = free_kib(q)
        check(before == after, f"free memory {before} KiB before a VM run, {after} KiB after")


@timeout(420)
def test_vm_hostile_tcg():
    """Guests that misbehave are stopped with a reason; hv and its shell carry on."""
    with _hv() as q:
        reason, out = start_and_wait_stop(q, "hostile")
        check(reason.startswith("killed: access outside its memory at gpa 0x40000000"),
              f"hostile stopped with {reason!r}:\n{out}")
        check("[vm:hostile] !" not in out, f"hostile ran past its bad read:\n{out}")

        reason, out = start_and_wait_stop(q, "triple")
        check(reason == "triple fault", f"triple stopped with {reason!r}:\n{out}")

        # A guest spinning with interrupts off neither blocks the shell nor
        # resists `vm stop` (host timer -> INTR exits).
        begin = q.cursor
        run(q, "vm start spin")
        after = q.cursor
        q.cursor = begin
        q.wait_for(r"\[vm:spin\] spin: looping with interrupts off", 60)
        q.cursor = max(q.cursor, after)
        out = run(q, "vm list")
        check(re.search(r"spin\s+running", out), f"`vm list` does not show spin running: {out!r}")
        out = run(q, "vm start spin")
        check("running" in out, f"starting a running VM was not refused: {out!r}")
        out = run(q, "vm stop spin")
        check("vm spin: stopped (stopped by request)" in q.text(),
              f"`vm stop spin` did not stop it: {out!r}\n{q.tail()}")
        out = run(q, "vm list")
        for name, why in (("hostile", "killed: access outside its memory"),
                          ("triple", "triple fault"), ("spin", "stopped by request")):
            check(re.search(rf"{name}\s+stopped.*{re.escape(why)}", out),
                  f"`vm list` line for {name} lacks 'stopped ... {why}': {out!r}")
        out = run(q, "vm start nosuch")
        check("no such VM" in out, f"`vm start nosuch` said {out!r}")
        out = run(q, "help")
        check("poweroff" in out, f"the shell stopped answering after the hostile guests: {out!r}")


@timeout(420)
def test_vm_refused_without_svm_tcg():
    """On a CPU without SVM, starting a VM is refused with a clear message."""
    with _hv(cpu="qemu64", smp=1) as q:
        out = run(q, "vm start hello")
        check("no hardware virtualization on this CPU" in out,
              f"`vm start hello` on qemu64 said {out!r}")
