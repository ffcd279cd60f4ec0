"""QEMU harness for hv's system tests and the boot benchmark.

A `Qemu` boots one disk image with COM1 and QMP on unix sockets, so a test
can read what hv prints, type on either console, take screenshots and watch
the machine power off.  Everything a test saw is kept under
build/test-artifacts/<test>/ (serial log, QEMU command line and stderr,
screenshots), and QEMU never outlives the test.

Python 3 standard library only.
"""

import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from screen import Screen

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / os.environ.get("BUILD", "build")
IMAGE = Path(os.environ.get("HV_IMAGE", BUILD / "hv.vhd"))   # HV_IMAGE: try another disk
TEST_IMAGES = BUILD / "test-images"
ARTIFACTS = BUILD / "test-artifacts"

# Seconds, for one wait on COM1 (e.g. menu -> ready).  Generous both ways:
# TCG is usually the slow one, but on a nested KVM (this sandbox) every VM
# exit costs tens of microseconds and a KVM boot takes ~25 s against ~1 s
# under TCG (docs/PERFORMANCE.md).
KVM_BOOT = 90
TCG_BOOT = 180

# This sandbox's nested KVM refuses QEMU's write of IA32_ARCH_CAPABILITIES
# (MSR 0x10A) for `-cpu host`, and QEMU aborts; the flag is irrelevant to hv.
KVM_CPU = os.environ.get("HV_KVM_CPU", "host,-arch-capabilities")
TCG_CPU = os.environ.get("HV_TCG_CPU") or None

MENU_LINES = [
    "hv boot menu",
    "1) hv (hypervisor)",
    "2) hv as a normal operating system (no VMs)",
    "3) hv installer",
    "4) recovery shell",
    "Select 1-4, arrows and Enter; default 1 in 3 s",
]
MODES = {1: "hypervisor", 2: "os", 3: "installer", 4: "recovery"}
READY_RE = r"hv: ready mode=(\w+) cpus=(\d+) memory=(\d+)MiB"

_ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78cDEHM]")


class Skip(Exception):
    """The test cannot run here (only: KVM unusable). Never for a missing build output."""


class TestFailure(AssertionError):
    pass


# --- the test being run (set by tests/run.py in the child process) ---------

_current = {"name": "adhoc", "dir": None}


def set_test(name, artifacts_dir):
    """Called once per test process: names the artifacts directory."""
    _current["name"] = name
    _current["dir"] = Path(artifacts_dir)
    _current["dir"].mkdir(parents=True, exist_ok=True)


def artifacts_dir():
    if _current["dir"] is None:
        set_test("adhoc", ARTIFACTS / "adhoc")
    return _current["dir"]


def timeout(seconds):
    """Decorator: the hard limit tests/run.py gives this test (default 300 s)."""
    def mark(fn):
        fn.timeout = seconds
        return fn
    return mark


def exclusive(fn):
    """Decorator: the test measures wall-clock time, so tests/run.py runs it
    alone, after the parallel ones (a busy 2-core host skews guest timers)."""
    fn.exclusive = True
    return fn


def variants(namespace, name, fn, accels, *args):
    """Define test_<name>_<accel> in `namespace` for each accelerator, each
    calling fn(accel, *args); TCG variants get a longer hard limit."""
    for accel in accels:
        def t(accel=accel):
            fn(accel, *args)
        t.__name__ = t.__qualname__ = f"test_{name}_{accel}"
        t.__doc__ = fn.__doc__
        t.exclusive = getattr(fn, "exclusive", False)
        if accel == "tcg":
            t.timeout = 420
        namespace[t.__name__] = t


# --- requirements -----------------------------------------------------------

def kvm_usable():
    """True when /dev/kvm opens read-write and answers KVM_GET_API_VERSION
    (HV_NO_KVM=1 pretends it does not, to try the TCG-only path)."""
    if os.environ.get("HV_NO_KVM"):
        return False
    try:
        import fcntl
        fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return fcntl.ioctl(fd, 0xAE00) == 12
    except OSError:
        return False
    finally:
        os.close(fd)


def require_accel(accel):
    if accel == "kvm" and not kvm_usable():
        raise Skip("/dev/kvm is not usable here (TCG variants still run)")


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on now (for QEMU's hostfwd)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_file(path, hint):
    path = Path(path)
    if not path.is_file():
        raise TestFailure(f"{path.relative_to(ROOT) if path.is_absolute() else path} "
                          f"is missing ({hint})")
    return path


def require_image():
    return require_file(IMAGE, "run `make image`")


def require_manual_image():
    """hv.vhd with every VM's autostart off (tools/build.mk): for tests that
    start the VMs they check themselves."""
    return require_file(TEST_IMAGES / "manual.vhd", "`make test-images` builds it (tools/build.mk)")



def broken_image(variant):
    """build/test-images/<variant>.vhd (or .img for the raw ones)."""
    for ext in (".vhd", ".img"):
        p = TEST_IMAGES / (variant + ext)
        if p.is_file():
            return p
    raise TestFailure(f"build/test-images/{variant}.vhd (or .img) is missing "
                      f"(`make test-images` should build it; tools/build.mk)")


# --- QEMU -------------------------------------------------------------------

_live = set()


@atexit.register
def _kill_all():
    for q in list(_live):
        q.kill()


def _on_signal(signum, _frame):
    _kill_all()
    os._exit(128 + signum)


def kill_qemus_on_signals():
    """In a process that owns QEMUs: SIGTERM/SIGHUP/SIGINT kill them first."""
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, _on_signal)


class Qemu:
    """One QEMU boot.  Use as a context manager; QEMU is killed on exit.

    q = Qemu(image, accel="kvm", smp=2, mem=1024)
    q.wait_for(r"hv: ready")    # regex on COM1 text, from the read cursor on
    q.send("4")                 # bytes to COM1
    q.send_key("4")             # a PS/2 key through QMP
    q.screendump("menu")        # -> Screen, saved as menu.png
    """

    def __init__(self, image, accel="kvm", smp=1, mem=512, tag=None,
                 extra_args=(), no_reboot=False, cpu=None, writable=False, disk_device=None):
        self.image = Path(image)
        self.accel = accel
        self.smp = smp
        self.mem = mem
        self.dir = artifacts_dir()
        self.tag = tag or _unique_tag(self.dir)
        self.boot_timeout = KVM_BOOT if accel == "kvm" else TCG_BOOT
        self._sockdir = tempfile.mkdtemp(prefix="hvq-")
        self._ser_path = os.path.join(self._sockdir, "ser")
        self._qmp_path = os.path.join(self._sockdir, "qmp")
        self._raw = bytearray()
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._eof = False
        self.cursor = 0
        self.proc = None
        self._ser = None
        self._qmp = None
        self._qmp_buf = b""
        self._shots = 0

        require_accel(accel)
        if not self.image.is_file():
            raise TestFailure(f"disk image {self.image} is missing")
        fmt = "vpc" if self.image.suffix.lower() == ".vhd" else "raw"
        if accel == "kvm":
            cpu_args = ["-accel", "kvm", "-cpu", cpu or KVM_CPU]
        else:
            cpu = cpu or TCG_CPU
            cpu_args = ["-accel", "tcg"] + (["-cpu", cpu] if cpu else [])
        self.cmdline = [
            "qemu-system-x86_64", *cpu_args,
            "-machine", "pc", "-smp", str(smp), "-m", str(mem),
            # snapshot: a test must never change the image it boots, unless
            # it asks (writable=True) for a private copy it made itself
            # disk_device: the image on another controller ("nvme,serial=hv0",
            # "virtio-blk-pci"), booted from there; IDE otherwise
            *(["-drive", f"file={self.image},format={fmt},if=none,id=hd0"
                         + ("" if writable else ",snapshot=on"),
               "-device", f"{disk_device},drive=hd0,bootindex=0"] if disk_device else
              ["-drive", f"file={self.image},format={fmt},if=ide"
                         + ("" if writable else ",snapshot=on")]),
            "-display", "none", "-vga", "std",
            "-chardev", f"socket,id=qmp0,path={self._qmp_path},server=on,wait=off",
            "-mon", "chardev=qmp0,mode=control",
            "-chardev", f"socket,id=ser0,path={self._ser_path},server=on,wait=off",
            "-serial", "chardev:ser0",
            "-monitor", "none", "-parallel", "none", "-nic", "none",
            "-S",   # paused until both sockets are connected
            *(["-no-reboot"] if no_reboot else []),
            *extra_args,
        ]
        self._start()

    # lifecycle

    def _start(self):
        (self.dir / f"qemu-cmdline{self._sfx()}.txt").write_text(
            " ".join(_shquote(a) for a in self.cmdline) + "\n")
        self._stderr = open(self.dir / f"qemu-stderr{self._sfx()}.txt", "wb")
        self._serlog = open(self.dir / f"serial{self._sfx()}.log", "wb")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(self.cmdline, stdin=subprocess.DEVNULL,
                                     stdout=self._stderr, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        _live.add(self)
        try:
            self._ser = self._connect(self._ser_path)
            self._qmp = self._connect(self._qmp_path)
            greeting = self._qmp_read()
            if "QMP" not in greeting:
                raise TestFailure(f"no QMP greeting: {greeting}")
            self.qmp("qmp_capabilities")
        except OSError as e:
            self.kill()
            raise TestFailure(f"QEMU failed ({e}): {self.stderr_text().strip()[-2000:]}")
        except BaseException:
            self.kill()
            raise
        threading.Thread(target=self._reader, daemon=True).start()
        self.qmp("cont")   # started with -S so no byte of COM1 is lost

    def _connect(self, path, limit=15.0):
        end = time.monotonic() + limit
        while True:
            if self.proc.poll() is not None:
                raise TestFailure(f"QEMU failed to start (exit {self.proc.returncode}): "
                                  f"{self.stderr_text().strip()[-2000:]}")
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                return s
            except OSError:
                s.close()
                if time.monotonic() > end:
                    raise TestFailure(f"QEMU did not open {path} within {limit:.0f} s: "
                                      f"{self.stderr_text().strip()[-2000:]}")
                time.sleep(0.05)

    def _sfx(self):
        return "" if self.tag == "" else "-" + self.tag

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        return False

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.qmp("quit", timeout=2)
            except Exception:
                pass
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                self.proc.wait(timeout=10)
        for s in (self._ser, self._qmp):
            if s is not None:
                try:
                    s.close()
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
        _live.discard(self)
        shutil.rmtree(self._sockdir, ignore_errors=True)

    def stderr_text(self):
        try:
            return (self.dir / f"qemu-stderr{self._sfx()}.txt").read_text(errors="replace")
        except OSError:
            return ""

    def wait_exit(self, timeout):
        """Wait for QEMU to exit by itself (ACPI poweroff); returns its status."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise TestFailure(f"QEMU still running {timeout} s later; serial tail:\n"
                              + self.tail())

    # COM1

    def _reader(self):
        while True:
            try:
                data = self._ser.recv(65536)
            except OSError:
                data = b""
            with self._cond:
                if not data:
                    self._eof = True
                    self._cond.notify_all()
                    return
                self._raw += data
                try:
                    self._serlog.write(data)
                    self._serlog.flush()
                except (OSError, ValueError):
                    pass
                self._cond.notify_all()

    def raw(self):
        with self._lock:
            return bytes(self._raw)

    def text(self):
        """COM1 so far, with ANSI escapes and CRs removed."""
        return _clean(self.raw())

    def tail(self, n=25):
        lines = self.text().splitlines()
        return "\n".join("    | " + ln for ln in lines[-n:]) or "    | (nothing on COM1)"

    def wait_for(self, pattern, timeout=None, advance=True):
        """Wait until regex `pattern` appears on COM1 after the cursor.

        Returns the match (on the cleaned text); moves the cursor past it.
        Fails with the serial tail when it times out or QEMU exits first."""
        timeout = self.boot_timeout if timeout is None else timeout
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        while True:
            with self._cond:
                text = _clean(bytes(self._raw))
                m = rx.search(text, self.cursor)
                if m:
                    if advance:
                        self.cursor = m.end()
                    return m
                left = end - time.monotonic()
                if left <= 0:
                    break
                if self._eof or self.proc.poll() is not None:
                    time.sleep(0.2)   # let the last bytes arrive
                    text = _clean(bytes(self._raw))
                    m = rx.search(text, self.cursor)
                    if m:
                        if advance:
                            self.cursor = m.end()
                        return m
                    raise TestFailure(
                        f"QEMU exited (status {self.proc.poll()}) before /{pattern}/ "
                        f"appeared on COM1; serial tail:\n{self.tail()}\n"
                        f"qemu stderr: {self.stderr_text().strip()[-800:]}")
                self._cond.wait(min(left, 0.5))
        raise TestFailure(f"/{pattern}/ did not appear on COM1 within {timeout:g} s "
                          f"({self.accel}); serial tail:\n{self.tail()}")

    def expect_absent(self, pattern, seconds):
        """Watch COM1 for `seconds`; fail if `pattern` shows up after the cursor."""
        rx = re.compile(pattern)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            m = rx.search(self.text(), self.cursor)
            if m:
                raise TestFailure(f"unexpected /{pattern}/ on COM1: {m.group(0)!r}; "
                                  f"serial tail:\n{self.tail()}")
            if not self.alive():
                break
            time.sleep(0.2)

    def mark(self):
        """Move the cursor to the end of what COM1 printed so far."""
        self.cursor = len(self.text())
        return self.cursor

    def since(self, pos=None):
        return self.text()[self.cursor if pos is None else pos:]

    def send(self, text):
        data = text.encode() if isinstance(text, str) else bytes(text)
        self._ser.sendall(data)

    def send_slow(self, text, gap=0.05):
        """Type byte by byte: a polled UART without FIFO keeps only the last byte."""
        for b in (text.encode() if isinstance(text, str) else bytes(text)):
            self.send(bytes([b]))
            time.sleep(gap)

    # QMP

    def _qmp_read(self, timeout=10.0):
        end = time.monotonic() + timeout
        while b"\n" not in self._qmp_buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TestFailure("QMP did not answer within %g s" % timeout)
            self._qmp.settimeout(left)
            try:
                chunk = self._qmp.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise TestFailure("QMP connection closed")
            self._qmp_buf += chunk
        line, self._qmp_buf = self._qmp_buf.split(b"\n", 1)
        return line.decode(errors="replace")

    def qmp(self, cmd, timeout=10.0, **args):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self._qmp.sendall(json.dumps(msg).encode() + b"\n")
        if cmd == "quit":
            return None
        end = time.monotonic() + timeout
        while True:
            reply = json.loads(self._qmp_read(max(0.1, end - time.monotonic())))
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise QmpError(f"{cmd}: {reply['error'].get('desc', reply['error'])}")
            # an asynchronous event: keep reading

    def status(self):
        return self.qmp("query-status")["status"]

    def send_key(self, *keys, hold_ms=100):
        """Press keys together through the emulated PS/2 keyboard (QEMU qcodes)."""
        self.qmp("send-key", keys=[{"type": "qcode", "data": k} for k in keys],
                 **{"hold-time": hold_ms})

    def type_keys(self, text, gap=0.1):
        names = {" ": "spc", "\n": "ret", "-": "minus", ".": "dot", "/": "slash"}
        for ch in text:
            self.send_key(names.get(ch, ch))
            time.sleep(gap)

    def screen_text(self, cols=80, rows=25):
        """The characters of the VGA text screen (0xB8000), one string per row.

        Only meaningful while the card is in text mode; saved as a .txt next
        to the screenshots so a failure shows what the user read."""
        out = self.qmp("human-monitor-command", timeout=20,
                       **{"command-line": f"xp /{cols * rows * 2}xb 0xb8000"})
        cells = bytearray()
        for line in out.splitlines():
            _addr, _, hexes = line.partition(":")
            cells += bytes(int(h, 16) for h in hexes.split())
        chars = "".join(chr(c) if 32 <= c < 127 else " " for c in cells[0::2])
        lines = [chars[i:i + cols].rstrip() for i in range(0, len(chars), cols)]
        self._shots += 1
        (self.dir / f"screen-text{self._shots}{self._sfx()}.txt").write_text(
            "\n".join(lines) + "\n")
        return lines

    def assert_on_screen(self, texts, what):
        """Each of texts (a string or a list) is on some row of the text screen."""
        lines = self.screen_text()
        for text in [texts] if isinstance(texts, str) else texts:
            if not any(text in ln for ln in lines):
                shown = "\n".join("    | " + ln for ln in lines if ln.strip()) or "    | (empty)"
                raise TestFailure(f"{what}: {text!r} is not on the text screen; "
                                  f"it shows:\n{shown}")

    def screendump(self, name=None):
        """Screenshot as PNG in the artifacts; returns a Screen for pixel checks."""
        self._shots += 1
        name = name or f"screen{self._shots}"
        png = self.dir / f"{name}{self._sfx()}.png"
        try:
            self.qmp("screendump", filename=str(png), format="png", timeout=20)
            return Screen.load(png)
        except QmpError:
            pass   # older QEMU: PPM only
        ppm = self.dir / f"{name}{self._sfx()}.ppm"
        self.qmp("screendump", filename=str(ppm), timeout=20)
        screen = Screen.load(ppm)
        png.write_bytes(screen.to_png())
        ppm.unlink()
        return screen


class QmpError(TestFailure):
    pass


def _clean(raw):
    return _ANSI.sub(b"", raw).replace(b"\r", b"").decode("latin-1")


def _unique_tag(d):
    if not (d / "serial.log").exists():
        return ""
    n = 2
    while (d / f"serial-{n}.log").exists():
        n += 1
    return str(n)


def _shquote(a):
    return a if re.fullmatch(r"[\w,.=:/+@%-]+", a) else "'" + a.replace("'", "'\\''") + "'"


# --- helpers shared by the tests --------------------------------------------

def wait_menu(q, timeout=None, first=0):
    """Wait until the boot menu is on COM1 (its lines from `first` on, in order)."""
    for line in MENU_LINES[first:]:
        q.wait_for(re.escape(line), timeout)


def wait_ready(q, timeout=None):
    """Wait for the ready line; returns (mode, cpus, memory_mib)."""
    m = q.wait_for(READY_RE, timeout)
    return m.group(1), int(m.group(2)), int(m.group(3))


def boot_entry(q, n):
    """From the menu, pick entry n with a digit on COM1; check BM's echo."""
    wait_menu(q)
    q.send(str(n))
    label = MENU_LINES[n].split(") ", 1)[1]
    q.wait_for(re.escape(f"hv bm: booting {n}) {label}"), 15 if q.accel == "kvm" else 60)


def check(cond, msg):
    if not cond:
        raise TestFailure(msg)
