"""The built-in guests' expectations, shared by every backend's VM test.

A case takes a booted hv sitting at its shell prompt -- a Qemu (AMD-V under
TCG, test_vm_svm.py) or a Bochs (Intel VT-x, test_vm_vmx.py): both have the
same COM1 methods -- and checks what the same guest binaries
(tests/guests/*.asm) must do on any backend.  test_vm_svm.py and
test_vm_vmx.py both run these.
"""

import datetime
import re
import time

from hvqemu import boot_entry, check

PROMPT = r"hv# "

HELLO_OK_LINES = ("hypercall version 1", "console write by hypercall",
                  "rdmsr VM_HSAVE_PA raised #GP", "rdmsr EFER hides SVME")


# hv's own prompt only: a guest running hv (first-os) has one too, on lines
# that start with its "[vm:name] " prefix.
HOST_PROMPT = r"(?m)^hv# "


def run(q, cmd, limit=60, prompt=PROMPT):
    """Type cmd + Enter; returns what it printed up to the next prompt."""
    start = q.cursor
    q.send_slow(cmd + "\r", gap=0.02)
    end = q.wait_for(prompt, limit).start()
    out = q.text()[start:end]
    return out.split(cmd, 1)[1] if cmd in out else out


def to_shell(m, entry=1):
    """A started machine (Qemu or Bochs) booted from menu entry `entry` to
    the recovery shell's prompt; killed if it does not get there."""
    try:
        boot_entry(m, entry)
        m.wait_for(r"hv: shell ready", 300)
        m.wait_for(HOST_PROMPT, 120)
    except BaseException:
        m.kill()
        raise
    return m


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


def guest_ok(q, name, reason_want, oks):
    """Runs guest `name` to its stop; checks the reason and its ok: lines."""
    reason, out = start_and_wait_stop(q, name)
    check(reason == reason_want, f"{name} stopped with {reason!r}:\n{out}")
    check("FAIL" not in out, f"{name} reported a failure:\n{out}")
    for line in oks:
        check(re.search(rf"\[vm:{name}\] ok: {line}", out), f"{name}: no 'ok: {line}':\n{out}")
    return out


def case_timer(q):
    """PIC + PIT at 100 Hz: 100 IRQ0s wake hlt, take 1-5 s by the CMOS clock;
    an IRQ0 held while IF=0 comes right after sti (interrupt window)."""
    guest_ok(q, "timer", "guest powered off", [
        r"timer interrupts woke hlt: IRQ0 count \(0x00000064\)",
        r"100 ticks at 100 Hz took 1-5 s by the CMOS clock",
        r"IRQ0 pending in the PIC while interrupts are off",
        r"the held IRQ0 was delivered right after sti",
        r"PIT channel 0 counts down between two latches"])
    out = run(q, "vm info timer")
    check(re.search(r"irq-window\s+[1-9]", out), f"no interrupt-window exit counted: {out!r}")


def case_cmos(q, max_skew=600):
    """CMOS memory sizes and the host's date (within max_skew seconds of now)."""
    out = guest_ok(q, "cmos", "guest powered off", [
        r"cmos base memory 640 KiB", r"cmos memory above 1 MiB 1024 KiB \(0x17\)",
        r"cmos memory above 1 MiB 1024 KiB \(0x30\)", r"cmos clock \d{4}-\d\d-\d\d",
        r"cmos clock ticks"])
    m = re.search(r"ok: cmos clock (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)", out)
    guest = datetime.datetime(*map(int, m.groups()), tzinfo=datetime.timezone.utc)
    now = datetime.datetime.now(datetime.timezone.utc)
    check(abs((now - guest).total_seconds()) < max_skew,
          f"the guest's CMOS clock says {guest}, the host {now}")


def case_kbc(q):
    """The i8042 answers; its reset pulse restarts the VM (extended CMOS
    kept), whose second start powers off."""
    out = guest_ok(q, "kbc", "guest powered off", [
        r"i8042 self-test answered 0x55", r"i8042 interface test answered 0x00",
        r"keyboard echo answered 0xee", r"extended CMOS kept over the reset"])
    check("vm kbc: reset (reset by the guest)" in out, f"no reset line:\n{out}")


def case_mmio(q):
    """mov forms against the MMIO test device at 0xFEB00000 are emulated."""
    guest_ok(q, "mmio", "guest powered off", [
        r"mmio mov eax, \[dev\]", r"mmio mov byte \[dev\], imm8", r"mmio mov \[dev\], ecx",
        r"mmio movsx", r"mmio mov ah", r"mmio mov word \[dev\], imm16", r"mmio or dword",
        r"mmio xchg", r"mmio device counted 5 writes"])


def case_ticks(q, count=8, cpu=1, limit=120):
    """`count` tick guests (PIT at 100 Hz, hlt) share host CPU `cpu`: all make
    progress, the shell answers, `vm list` shows them, `vm stop` stops each."""
    names = ["tick"] + [f"tick{i}" for i in range(2, count + 1)]
    for n in names[1:]:
        if not re.search(rf"\b{n}\s", run(q, "vm list")):
            out = run(q, f"vm clone tick {n}")
            check("error" not in out and "usage" not in out, f"`vm clone tick {n}`: {out!r}")
    for n in names:
        out = run(q, f"vm start {n}")
        check("no " not in out, f"`vm start {n}`: {out!r}")
    # Two "alive" lines each once all run: every guest made progress while
    # sharing the CPU (a fast host may have printed some before the last start).
    begin = q.cursor
    deadline = time.time() + limit
    while True:
        text = q.text()[begin:]
        behind = [n for n in names if len(re.findall(rf"\[vm:{n}\] alive \d+\r?\n", text)) < 2]
        if not behind:
            break
        check(time.time() < deadline,
              f"fewer than 2 'alive' lines within {limit} s from {behind}:\n{q.tail()}")
        time.sleep(0.5)
    out = run(q, "vm list")
    for n in names:
        check(re.search(rf"\b{n}\s+running\s.*\s{cpu}\s", out),
              f"`vm list` does not show {n} running on cpu {cpu}: {out!r}")
    out = run(q, "help")
    check("poweroff" in out, f"the shell stopped answering: {out!r}")
    for n in names:
        run(q, f"vm stop {n}")
        check(f"vm {n}: stopped (stopped by request)" in q.text(),
              f"`vm stop {n}` did not stop it:\n{q.tail()}")
    out = run(q, "vm list")
    for n in names:
        check(re.search(rf"\b{n}\s+stopped", out), f"{n} not stopped: {out!r}")


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


def case_bioscall(q):
    """Every virtual-BIOS service answers as documented; bad input gets CF,
    never a crash; the VM powers off and its memory comes back."""
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


FIRST_OS_CHAIN = (r"\[vm:first-os\] hv boot menu",
                  r"\[vm:first-os\] hv bm: booting 2\) hv as a normal operating system",
                  r"\[vm:first-os\] hv bl: loaded KERNEL\.BIN \(\d+ KiB\), entering kernel",
                  r"\[vm:first-os\] hv: kernel ")
FIRST_OS_READY = (r"\[vm:first-os\] hv: timer: lapic calibrated against pit: \d+ kHz",
                  r"\[vm:first-os\] hv: ready mode=os cpus=1 memory=\d+MiB",
                  r"\[vm:first-os\] hv: shell ready")


def _first_os_up(q, begin, limit):
    q.cursor = begin
    for line in FIRST_OS_CHAIN + FIRST_OS_READY:
        q.wait_for(line, limit)
    out = q.text()[begin:]
    check("vm first-os: stopped" not in out, f"first-os stopped early:\n{out}")
    check("hhvv" not in out, f"teletype and COM1 output doubled:\n{out}")
    for who in ("mbr", "bm", "bl"):
        check(f"hv {who}: error" not in out, f"the boot chain failed:\n{out}")
    check("panic" not in out, f"the guest kernel panicked:\n{out}")
    return out


def _stop_first_os(q):
    mark = q.cursor
    q.send_slow("vm stop first-os\r", gap=0.02)
    q.cursor = mark
    m = q.wait_for(r"vm first-os: stopped \(([^\n]*)\)\n", 30)
    check(m.group(1) == "stopped by request", f"first-os stopped with {m.group(1)!r}")
    q.wait_for(HOST_PROMPT, 30)


def case_first_os(q, limit=240):
    """Issue 3's first OS: GUEST0.VHD through the virtual BIOS -> its MBR ->
    BM (menu, countdown on the BIOS tick) -> BL -> its hv kernel, which
    pages, calibrates the emulated LAPIC timer against the PIT and reaches
    its ready line and shell; its LAPIC timer ticks.  Follows the run hv
    started by itself (autostart) if there is one, else starts first-os;
    leaves it running."""
    out = run(q, "vm list", prompt=HOST_PROMPT)
    if re.search(r"\bfirst-os\s+running", out):
        begin = max(q.text().find("vm first-os: started"), 0)
    else:
        begin = q.cursor
        out = run(q, "vm start first-os", prompt=HOST_PROMPT)
        check("vm first-os: started" in q.text()[begin:], f"`vm start first-os` said {out!r}")
    out = _first_os_up(q, begin, limit)
    # lapic_hz is VLAPIC_BUS_HZ (100 MHz); the PIT calibration is within 5 %
    khz = int(re.search(r"lapic calibrated against pit: (\d+) kHz", out).group(1))
    check(95000 <= khz <= 105000, f"LAPIC calibrated to {khz} kHz, expected ~100000:\n{out}")
    # its LAPIC timer ticks (the guest's TIMER_HZ is 100): wait for 100 of them
    deadline = time.time() + 60
    while True:
        info = run(q, "vm info first-os", prompt=HOST_PROMPT)
        m = re.search(r"lapic: timer (\d+) interrupts", info)
        check(m, f"`vm info first-os` shows no LAPIC timer line:\n{info}")
        if int(m.group(1)) >= 100:
            break
        check(time.time() < deadline,
              f"the guest's LAPIC timer stays at {m.group(1)} interrupts:\n{info}")
        time.sleep(1)


def _exits(q, name):
    m = re.search(r"exits: (\d+) total", run(q, f"vm info {name}", prompt=HOST_PROMPT))
    check(m, f"`vm info {name}` shows no exit count:\n{q.tail()}")
    return int(m.group(1))


def _guest_uptime(q):
    """`uptime` typed into first-os's serial port runs in its shell."""
    begin = q.cursor
    run(q, "vm send first-os uptime", prompt=HOST_PROMPT)
    after = q.cursor
    q.cursor = begin            # the answer may come before hv's prompt
    q.wait_for(r"\[vm:first-os\] up \d+\.\d+ s", 60)
    q.cursor = max(q.cursor, after)


def case_first_os_life(q, limit=240):
    """first-os (running, at its shell) through its life cycle: typed input
    runs in it; pause (its exit count stands still), resume; reset (the same
    VM boots again from its BIOS); the power button (the guest hv powers off
    through ACPI S5); a new start after which a hard `vm stop` gives back
    every page it took."""
    _guest_uptime(q)

    out = run(q, "vm pause first-os", prompt=HOST_PROMPT)
    check("vm first-os: paused" in out, f"`vm pause`: {out!r}")
    out = run(q, "vm list", prompt=HOST_PROMPT)
    check(re.search(r"first-os\s+paused", out), f"`vm list` does not say paused: {out!r}")
    before = _exits(q, "first-os")
    time.sleep(2)
    after = _exits(q, "first-os")
    check(after == before, f"a paused VM ran: exits {before} -> {after}")
    out = run(q, "vm resume first-os", prompt=HOST_PROMPT)
    check("vm first-os: resumed" in out, f"`vm resume`: {out!r}")
    _guest_uptime(q)

    begin = q.cursor
    run(q, "vm reset first-os", prompt=HOST_PROMPT)
    q.cursor = begin
    q.wait_for(r"vm first-os: reset \(reset by request\)", 30)
    _first_os_up(q, q.cursor, limit)
    out = run(q, "vm info first-os", prompt=HOST_PROMPT)
    check(re.search(r"started \d+ times, reset 1 times", out), f"`vm info` after a reset: {out!r}")

    begin = q.cursor
    out = run(q, "vm shutdown first-os 60", prompt=HOST_PROMPT)
    check("power button pressed" in out, f"`vm shutdown`: {out!r}")
    after = q.cursor
    q.cursor = begin            # the guest may answer before hv's prompt is back
    # (its shell prompt, a line without an end, may come first on the line)
    q.wait_for(r"\[vm:first-os\] (hv# )?hv: power button pressed: powering off", 60)
    m = q.wait_for(r"vm first-os: stopped \(([^\n]*)\)\n", 60)
    check(m.group(1) == "guest powered off (ACPI S5)", f"first-os stopped with {m.group(1)!r}")
    q.cursor = max(q.cursor, after)

    before = free_kib(q)
    begin = q.cursor
    run(q, "vm start first-os", prompt=HOST_PROMPT)
    _first_os_up(q, begin, limit)
    _stop_first_os(q)
    after = free_kib(q)
    check(before == after, f"free memory {before} KiB after one run of first-os, "
                           f"{after} KiB after the next")
