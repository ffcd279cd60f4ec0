"""VMs as a user of hv meets them (issue 3): defined by VMS/<name>.vm on the
datastore (docs/vms.md), started at boot when marked autostart, and driven
through their life cycle from the recovery shell -- pause, resume, reset,
ACPI soft shutdown, hard stop, console input -- under QEMU TCG with a CPU
that has SVM and nested paging.  The first OS (GUEST0.VHD) is the VM that
shows it: it is hv itself, which answers its power button."""

import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from hvqemu import (Qemu, boot_entry, check, require_image, require_manual_image, timeout,
                    wait_menu)
from test_datastore import fsck, fsck_problems
from vmcases import start_and_wait_stop

SVM_CPU = "qemu64,+svm,+npt"
# hv's own prompt at the start of a line: the first OS is hv too, and its
# prompt comes through as "[vm:first-os] hv# ".
PROMPT = r"(?m)^hv# "


def run(q, cmd, limit=60):
    """Type cmd + Enter; returns what it printed up to hv's next prompt."""
    start = q.cursor
    q.send_slow(cmd + "\r", gap=0.02)
    end = q.wait_for(PROMPT, limit).start()
    out = q.text()[start:end]
    return out.split(cmd, 1)[1] if cmd in out else out
DATA_OFFSET = 67584 * 512          # the datastore partition (tools/mkimage.py)


def run_then(q, cmd, limit=60):
    """run(), then put the cursor back where the command started: what it
    makes a guest print may come before or after hv's next prompt."""
    begin = q.cursor
    out = run(q, cmd, limit)
    q.cursor = begin
    return out


def _boot(image, cpu=SVM_CPU, writable=False, mem=1024):
    q = Qemu(image, accel="tcg", smp=2, mem=mem, cpu=cpu, writable=writable)
    try:
        boot_entry(q, 1)
        q.wait_for(r"hv: shell ready", advance=False)
    except BaseException:
        q.kill()
        raise
    return q


def _exits(q, name):
    m = re.search(r"exits: (\d+) total", run(q, f"vm info {name}"))
    check(m, f"`vm info {name}` shows no exit count:\n{q.tail()}")
    return int(m.group(1))


@timeout(600)
def test_first_os_autostart_and_life_cycle_tcg():
    """hv.vhd as shipped: first-os (VMS/first-os.vm, autostart = yes) starts
    by itself after the ready line and reaches its own ready line; it takes
    typed input, pauses (no CPU time: its exit count stands still), resumes,
    resets (boots again), and shuts down cleanly when its power button is
    pressed: the guest hv powers off through ACPI S5."""
    with _boot(require_image()) as q:
        q.wait_for(r"hv: vmm: 1 VM definition in VMS/")
        q.wait_for(r"hv: ready mode=hypervisor")
        q.wait_for(r"vm first-os: autostart")
        q.wait_for(r"vm first-os: disk GUEST0\.VHD: fixed VHD, \d+ MiB")
        q.wait_for(r"vm first-os: started")
        q.wait_for(r"\[vm:first-os\] hv: ready mode=os cpus=1 memory=\d+MiB", 240)
        q.wait_for(r"\[vm:first-os\] hv: shell ready", 60)
        out = run(q, "vm list")
        check(re.search(r"first-os\s+running\s+256 MiB\s+\d+\s+\S+\s+\d+\s+yes\s+GUEST0\.VHD", out),
              f"`vm list` does not show first-os running with autostart and its disk: {out!r}")

        # Console input: a command typed into the guest's serial port runs there.
        run_then(q, "vm send first-os uptime")
        q.wait_for(r"\[vm:first-os\] up \d+\.\d+ s", 60)

        # Pause: the VM keeps its memory but gets no CPU time.
        out = run(q, "vm pause first-os")
        check("vm first-os: paused" in out, f"`vm pause`: {out!r}")
        check(re.search(r"first-os\s+paused", run(q, "vm list")), "`vm list` does not say paused")
        before = _exits(q, "first-os")
        time.sleep(2)
        after = _exits(q, "first-os")
        check(after == before, f"a paused VM ran: exits {before} -> {after}")
        out = run(q, "vm pause first-os")
        check("not running" in out, f"pausing a paused VM was not refused: {out!r}")
        out = run(q, "vm resume first-os")
        check("vm first-os: resumed" in out, f"`vm resume`: {out!r}")
        run_then(q, "vm send first-os uptime")
        q.wait_for(r"\[vm:first-os\] up \d+\.\d+ s", 60)
        out = run(q, "vm resume first-os")
        check("not paused" in out, f"resuming a running VM was not refused: {out!r}")

        # Reset: the same VM boots again from its BIOS, not a new start.
        run_then(q, "vm reset first-os")
        q.wait_for(r"vm first-os: reset \(reset by request\)", 30)
        q.wait_for(r"\[vm:first-os\] hv boot menu", 120)
        q.wait_for(r"\[vm:first-os\] hv: ready mode=os", 240)
        q.wait_for(r"\[vm:first-os\] hv: shell ready", 60)
        out = run(q, "vm info first-os")
        check(re.search(r"started 1 times, reset 1 times", out), f"`vm info` after a reset: {out!r}")

        # Soft stop: the power button; the guest (hv) powers itself off.
        out = run_then(q, "vm shutdown first-os 60")
        check("power button pressed" in out, f"`vm shutdown`: {out!r}")
        q.wait_for(r"\[vm:first-os\] (hv# )?hv: power button pressed: powering off", 60)
        m = q.wait_for(r"vm first-os: stopped \(([^\n]*)\)\n", 60)
        check(m.group(1) == "guest powered off (ACPI S5)", f"first-os stopped with {m.group(1)!r}")
        out = run(q, "vm list")
        check(re.search(r"first-os\s+stopped.*guest powered off \(ACPI S5\)", out),
              f"`vm list` after the shutdown: {out!r}")
        out = run(q, "vm shutdown first-os")
        check("not running" in out, f"shutting down a stopped VM was not refused: {out!r}")


@timeout(300)
def test_soft_stop_falls_back_to_hard_stop_tcg():
    """A guest that ignores the power button (the built-in spin guest has no
    ACPI) is stopped hard when the grace time is over, with a reason that
    says so; a hard `vm stop` needs no grace at all."""
    with _boot(require_manual_image()) as q:
        q.wait_for(PROMPT, 60)
        begin = q.cursor
        run(q, "vm start spin")
        q.cursor = begin
        q.wait_for(r"\[vm:spin\] spin: looping with interrupts off", 60)
        run(q, "vm shutdown spin 2")
        m = q.wait_for(r"vm spin: stopped \(([^\n]*)\)\n", 30)
        check("did not power off after the power button" in m.group(1),
              f"spin stopped with {m.group(1)!r}")


@timeout(300)
def test_no_svm_autostart_refused():
    """On a CPU without SVM (-cpu qemu64) the definitions still load, the
    autostart says why first-os cannot run, and starting it is refused with
    the same clear message; hv itself carries on."""
    with _boot(require_image(), cpu="qemu64") as q:
        q.wait_for(r"hv: vmm: no hardware virtualization on this CPU; VMs will be refused")
        q.wait_for(r"hv: vmm: 1 VM definition in VMS/")
        q.wait_for(r"vm first-os: not started: no hardware virtualization on this CPU")
        q.wait_for(PROMPT, 60)
        out = run(q, "vm start first-os")
        check("no hardware virtualization on this CPU" in out, f"`vm start first-os`: {out!r}")
        out = run(q, "vm list")
        check(re.search(r"first-os\s+stopped", out), f"`vm list`: {out!r}")


BAD_DEFS = {
    # unknown key and a bad value: both lines named, the VM skipped
    "broken.vm": "name = broken\nmemory = lots\ncolour = red\nboot = guest:hello\n",
    # the name inside does not match the file
    "other.vm": "name = someone-else\nboot = guest:hello\n",
    # not a definition at all
    "binary.vm": "\x00\x01\x02\xff\xfe garbage\n",
}


def _add_files(img, files):
    with tempfile.TemporaryDirectory() as d:
        for name, text in files.items():
            p = Path(d) / name
            p.write_bytes(text.encode("latin-1"))
            subprocess.run(["mcopy", "-o", "-i", f"{img}@@{DATA_OFFSET}", str(p), f"::VMS/{name}"],
                           check=True, capture_output=True)


def _ls_vms(img):
    r = subprocess.run(["mdir", "-b", "-i", f"{img}@@{DATA_OFFSET}", "::VMS"],
                       capture_output=True, text=True)
    return r.stdout


def _reboot(q):
    """`reboot`, and hypervisor mode from the menu; the cursor stays at the
    new boot's first lines."""
    q.send_slow("reboot\r", gap=0.02)
    q.wait_for(r"hv: acpi: resetting", 30)
    wait_menu(q)
    q.send("1")


@timeout(900)
def test_vm_definitions_persist_tcg():
    """`vm create`, `vm set` and `vm delete` write VMS/<name>.vm; a reboot
    finds them again and starts the autostart ones; malformed definition
    files are reported with their file and line and skipped, not hv; a
    writable disk is one VM's alone."""
    with tempfile.TemporaryDirectory() as tmp:
        img = Path(tmp) / "hv.vhd"
        shutil.copyfile(require_manual_image(), img)
        _add_files(img, BAD_DEFS)
        with _boot(img, writable=True) as q:
            q.wait_for(r"VMS/broken\.vm line 2: memory: 2-65536 MiB expected, got \"lots\"")
            q.wait_for(r"VMS/broken\.vm line 3: unknown key \"colour\"")
            q.wait_for(r"VMS/broken\.vm: VM skipped")
            q.wait_for(r"VMS/other\.vm: name = someone-else does not match the file name; VM skipped")
            q.wait_for(r"VMS/binary\.vm line 1: ")
            q.wait_for(PROMPT, 60)
            out = run(q, "vm list")
            for gone in ("broken", "someone-else", "binary"):
                check(not re.search(rf"^\s+{gone}\s", out, re.M), f"{gone} was defined: {out!r}")
            check(re.search(r"first-os\s+stopped\s+256 MiB.*no\s+GUEST0\.VHD", out),
                  f"first-os (autostart off in this image) missing: {out!r}")

            # Bad input: a clear message, nothing defined.
            for cmd, want in (("vm create Bad!", "is not a VM name"),
                              ("vm create web memory=lots", "memory: 2-65536 MiB expected"),
                              ("vm create web disk=../x.img", "is not a datastore path"),
                              ("vm create web speed=9", "unknown key \"speed\""),
                              ("vm create web memory", "key=value expected"),
                              ("vm create web", "boot = disk needs a disk"),
                              ("vm create first-os boot=guest:hello", "a VM named first-os exists")):
                out = run(q, cmd)
                check(want in out, f"`{cmd}` said {out!r}, expected {want!r}")
            check(not re.search(r"^\s+web\s", run(q, "vm list"), re.M), "a bad `vm create` defined web")

            out = run(q, "vm create web memory=16 boot=guest:hello autostart=yes")
            check("vm web: defined (VMS/web.vm)" in out, f"`vm create web`: {out!r}")
            out = run(q, "vm set web memory 32")
            check("vm web: memory = 32 (saved)" in out, f"`vm set`: {out!r}")
            out = run(q, "vm set web memory 0")
            check("memory: 2-65536 MiB expected" in out, f"`vm set web memory 0`: {out!r}")
            out = run(q, "vm set web name other")
            check("cannot be renamed" in out, f"`vm set web name`: {out!r}")
            out = run(q, "vm set hello memory 4")
            check("built-in VMs cannot be changed" in out, f"`vm set hello`: {out!r}")
            reason, out = start_and_wait_stop(q, "web")
            check(reason == "guest powered off" and "[vm:web] hello from the guest" in out,
                  f"web (boot = guest:hello) stopped with {reason!r}:\n{out}")

            # One writable disk, one VM: a second VM on GUEST0.VHD is refused.
            run(q, "vm create second memory=64 disk=GUEST0.VHD")
            begin = q.cursor
            run(q, "vm start first-os")
            q.cursor = begin
            q.wait_for(r"vm first-os: started", 60)
            q.wait_for(r"\[vm:first-os\] hv: shell ready", 240)    # quiet again
            out = run(q, "vm start second")
            check("vm second: cannot use disk GUEST0.VHD: in use by another VM" in out,
                  f"a second VM opened first-os's disk: {out!r}")
            out = run(q, "vm delete first-os")
            check("running" in out, f"deleting a running VM was not refused: {out!r}")
            out = run(q, "vm stop first-os")
            out = run(q, "vm delete second")
            check("vm second: deleted" in out, f"`vm delete second`: {out!r}")

            _reboot(q)
            q.wait_for(r"hv: vmm: 2 VM definitions in VMS/, 3 skipped")
            q.wait_for(r"vm web: autostart")
            stopped = q.wait_for(r"vm web: stopped \(guest powered off\)", 60, advance=False)
            q.wait_for(PROMPT, 60)
            q.cursor = max(q.cursor, stopped.end())
            out = run(q, "vm list")
            check(re.search(r"web\s+stopped\s+32 MiB.*yes\s+guest:hello", out),
                  f"web did not come back with memory 32 and autostart: {out!r}")
            check(not re.search(r"^\s+second\s", out, re.M), f"the deleted VM came back: {out!r}")
            out = run(q, "vm delete web")
            check("vm web: deleted" in out, f"`vm delete web`: {out!r}")
            q.send_slow("poweroff\r", gap=0.02)
            q.wait_exit(60)
        names = _ls_vms(img)
        check("first-os.vm" in names and "web.vm" not in names and "second.vm" not in names,
              f"VMS/ on the datastore after the test: {names!r}")
        r = subprocess.run(["mtype", "-i", f"{img}@@{DATA_OFFSET}", "::VMS/first-os.vm"],
                           capture_output=True, text=True)
        check("disk = GUEST0.VHD" in r.stdout, f"first-os.vm changed: {r.stdout!r}")
        status, lines = fsck(img, tmp)
        check(status == 0 and not fsck_problems(lines), f"fsck.fat -n after the test: {lines}")


@timeout(300)
def test_vm_keys_and_serial_input_tcg():
    """The VM console's keys reach a guest that reads the keyboard: `vm key`
    types on the VM's i8042 (scan codes, US layout, Enter at the end); a
    stopped VM is refused; `vm send` goes to COM1 instead (first OS test
    above)."""
    with _boot(require_manual_image()) as q:
        q.wait_for(PROMPT, 60)
        begin = q.cursor
        run(q, "vm start keys")
        q.cursor = begin
        q.wait_for(r"\[vm:keys\] keys: waiting for keys on the i8042", 60)
        run_then(q, "vm key keys hello world 42")
        m = q.wait_for(r"vm keys: stopped \(([^\n]*)\)\n", 60, advance=False)
        typed = q.wait_for(r"\[vm:keys\] keys: typed ([^\n]*)\n", 60)
        check(typed.group(1) == "hello world 42", f"the guest read {typed.group(1)!r} from its keyboard")
        check(m.group(1) == "guest powered off", f"keys stopped with {m.group(1)!r}")
        q.cursor = max(q.cursor, m.end())
        out = run(q, "vm key keys late")
        check("vm key: keys: not running" in out, f"`vm key` to a stopped VM: {out!r}")
        out = run(q, "vm key nosuch x")
        check("no such VM" in out, f"`vm key nosuch`: {out!r}")
