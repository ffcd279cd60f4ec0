"""Bochs runner for hv's system tests: the Intel VT-x path (docs/vmx.md).

Debian's Bochs 2.7 emulates VMX with EPT, VPID and unrestricted guest (CPU
model corei7_skylake_x); this sandbox's KVM offers no nested VMX and QEMU's
TCG has none, so Bochs is where the VMX backend runs.  The recipe is
/work/shared/notes/bochs-headless.md: no `nogui` in Debian's build, so the
rfb display with timeout=0; no sound; the built-in debugger answered by an
-rc file holding `c` and stdin from /dev/null.

COM1 is a TCP socket (`mode=socket-server`): Bochs waits for the runner to
connect before it starts the machine, so no byte is lost, and the runner can
type on it (the boot-menu digit, shell commands) exactly as with QEMU.  The
class reuses Qemu's COM1 methods (wait_for, send, text, tail, ...).

Bochs writes to its disk, so it boots a private copy of the image.  Evidence
under build/test-artifacts/<test>/: bochsrc, bochs.log (Bochs's own log),
bochs-stdout.txt and serial.log.  A hard time limit comes from tests/run.py.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import hvqemu
from hvqemu import Qemu, TestFailure, artifacts_dir

BOCHS = shutil.which("bochs-bin") or shutil.which("bochs")
BIOS = Path("/usr/share/bochs/BIOS-bochs-latest")
VGABIOS = Path("/usr/share/vgabios/vgabios.bin")
CPU_MODEL = "corei7_skylake_x"
# Seconds for one wait on COM1.  Bochs reaches hv's shell in ~8 s here
# (docs/vmx.md); generous for a busy 2-core CI machine.
BOCHS_BOOT = 120


def require_bochs():
    missing = [str(p) for p in (BIOS, VGABIOS) if not p.is_file()]
    if not BOCHS or missing:
        raise TestFailure("Bochs is not installed (" + ", ".join(missing or ["bochs"])
                          + "): run tools/install-deps.sh")


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bochs(Qemu):
    """One Bochs boot of `image`; a context manager like Qemu.

    b = Bochs(image, cpus=2, mem=256)
    b.wait_for(r"hv: ready"); b.send("1")
    """

    def __init__(self, image, cpus=2, mem=256, cpu_model=CPU_MODEL, tag=None):
        require_bochs()
        self.image = Path(image)
        if not self.image.is_file():
            raise TestFailure(f"disk image {self.image} is missing")
        self.accel = "bochs"
        self.smp = cpus
        self.mem = mem
        self.dir = artifacts_dir()
        self.tag = tag or hvqemu._unique_tag(self.dir)
        self.boot_timeout = BOCHS_BOOT
        self._sockdir = tempfile.mkdtemp(prefix="hvbochs-")
        self._raw = bytearray()
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._eof = False
        self.cursor = 0
        self.proc = None
        self._ser = None
        self._qmp = None
        self._shots = 0

        disk = Path(self._sockdir) / ("disk" + self.image.suffix)
        shutil.copyfile(self.image, disk)          # Bochs writes; keep the build's image intact
        mode = "vpc" if self.image.suffix.lower() == ".vhd" else "flat"
        self.port = _free_port()
        rc = Path(self._sockdir) / "rc"
        rc.write_text("c\n")                       # the debugger's first prompt: continue
        self.bochsrc = "\n".join([
            f"megs: {mem}",
            f"cpu: model={cpu_model}, count={cpus}, ips=50000000, reset_on_triple_fault=1",
            # The RTC in UTC, as QEMU's default (-rtc base=utc) and as hv reads
            # it; Bochs's default is the host's local time.  sync=none: time
            # follows the emulated instruction count, so guest timing checks
            # do not depend on how busy the host is.
            "clock: sync=none, time0=utc",
            f"romimage: file={BIOS}",
            f"vgaromimage: file={VGABIOS}",
            'display_library: rfb, options="timeout=0"',
            "speaker: enabled=0",
            "sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy",
            f"ata0-master: type=disk, path={disk}, mode={mode}",
            "boot: disk",
            f"com1: enabled=1, mode=socket-server, dev=127.0.0.1:{self.port}",
            f"log: {self.dir / ('bochs' + self._sfx() + '.log')}",
            "panic: action=fatal",
            "error: action=report",
            "",
        ])
        self.cmdline = [BOCHS, "-q", "-f", str(Path(self._sockdir) / "bochsrc"), "-rc", str(rc)]
        (Path(self._sockdir) / "bochsrc").write_text(self.bochsrc)
        (self.dir / f"bochsrc{self._sfx()}").write_text(self.bochsrc)
        self._start()

    def _start(self):
        (self.dir / f"bochs-cmdline{self._sfx()}.txt").write_text(" ".join(self.cmdline) + "\n")
        self._stderr = open(self.dir / f"bochs-stdout{self._sfx()}.txt", "wb")
        self._serlog = open(self.dir / f"serial{self._sfx()}.log", "wb")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(self.cmdline, stdin=subprocess.DEVNULL,
                                     stdout=self._stderr, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        hvqemu._live.add(self)
        end = time.monotonic() + 20
        while True:
            if self.proc.poll() is not None:
                self.kill()
                raise TestFailure(f"Bochs failed to start (exit {self.proc.returncode}): "
                                  f"{self.stderr_text().strip()[-2000:]}")
            try:
                self._ser = socket.create_connection(("127.0.0.1", self.port), timeout=1)
                self._ser.settimeout(None)
                break
            except OSError:
                if time.monotonic() > end:
                    self.kill()
                    raise TestFailure("Bochs did not open its COM1 socket within 20 s: "
                                      f"{self.stderr_text().strip()[-2000:]}")
                time.sleep(0.05)
        threading.Thread(target=self._reader, daemon=True).start()

    def stderr_text(self):
        try:
            return (self.dir / f"bochs-stdout{self._sfx()}.txt").read_text(errors="replace")
        except OSError:
            return ""

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                self.proc.wait(timeout=10)
        if self._ser is not None:
            try:
                self._ser.close()
            except OSError:
                pass
        for f in ("_stderr", "_serlog"):
            fh = getattr(self, f, None)
            if fh is not None:
                try:
                    with self._lock:
                        fh.close()
                except (OSError, ValueError):
                    pass
        hvqemu._live.discard(self)
        shutil.rmtree(self._sockdir, ignore_errors=True)

    def qmp(self, *a, **k):
        raise TestFailure("Bochs has no QMP: this test needs QEMU")
