"""The built-in guests' expectations, shared by every backend's VM test.

A case takes a booted hv sitting at its shell prompt -- a Qemu (AMD-V under
TCG, test_vm_svm.py) or a Bochs (Intel VT-x, test_vm_vmx.py): both have the
same COM1 methods -- and checks what the same guest binaries
(tests/guests/*.asm) must do on any backend.  test_vm_svm.py and
test_vm_vmx.py both run these.
"""

import re

from hvqemu import check

PROMPT = r"hv# "

HELLO_OK_LINES = ("hypercall version 1", "console write by hypercall",
                  "rdmsr VM_HSAVE_PA raised #GP", "rdmsr EFER hides SVME")


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


def check_backend(q, name):
    check(f"hv: vmm: backend {name}" in q.text(),
          f"no 'hv: vmm: backend {name}' at boot:\n{q.tail()}")


def case_hello(q):
    """hello prints through the virtual UART, sees hv's CPUID leaf, uses the
    hypercalls, gets #GP for a host MSR and powers off; a second run gives
    back every page it took."""
    reason, out = start_and_wait_stop(q, "hello")
    check(reason == "guest powered off", f"hello stopped with {reason!r}:\n{out}")
    check("vm hello: started" in out, f"no 'vm hello: started':\n{out}")
    check("[vm:hello] hello from the guest" in out, f"no greeting from the guest:\n{out}")
    check(re.search(r"\[vm:hello\] ok: cpuid 0x40000000 signature \[hv hv hv {4}\]", out),
          f"no CPUID signature line:\n{out}")
    for line in HELLO_OK_LINES:
        check(f"[vm:hello] ok: {line}" in out, f"missing 'ok: {line}':\n{out}")
    check("FAIL" not in out, f"the guest reported a failure:\n{out}")
    con = run(q, "vm console hello")
    check("hello from the guest" in con and "powering off" in con,
          f"`vm console hello` does not show the guest's output: {con!r}")
    before = free_kib(q)
    reason, out = start_and_wait_stop(q, "hello")
    check(reason == "guest powered off", f"second run stopped with {reason!r}:\n{out}")
    after = free_kib(q)
    check(before == after, f"free memory {before} KiB before a VM run, {after} KiB after")


def case_hostile(q):
    """Misbehaving guests stop with a reason; hv and its shell carry on; a
    guest spinning with interrupts off yields to the host tick and `vm stop`."""
    reason, out = start_and_wait_stop(q, "hostile")
    check(reason.startswith("killed: access outside its memory at gpa 0x40000000"),
          f"hostile stopped with {reason!r}:\n{out}")
    check("[vm:hostile] !" not in out, f"hostile ran past its bad read:\n{out}")

    reason, out = start_and_wait_stop(q, "triple")
    check(reason == "triple fault", f"triple stopped with {reason!r}:\n{out}")

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
