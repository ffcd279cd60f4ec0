"""The desktop and the installer wizard (boot menu entry 3), driven as a
user would: keys through QEMU's PS/2 keyboard, the PS/2 mouse through QMP
input events.  Each step is followed on COM1 by hv's UI event log
("ui: screen=installer/disk", "ui: click=button:Next", ...) and checked on
the screen by pixels: the wizard's title bar where it belongs, text drawn.

The geometry below is the wizard's (kernel/gui/installer.c, theme.h) on
the 1024x768 screen the boot manager sets."""

import hashlib
import re
import socket
import subprocess
import time

from desktop_ui import click, mouse, mouse_to, move, screen_until, ui
from hvqemu import Qemu, boot_entry, check, free_port, require_image, variants

SCREEN = (1024, 768)
WIN = (182, 161, 660, 470)              # x, y, w, h: centred below the 24-px top bar
CONTENT = (WIN[0] + 2, WIN[1] + 26)     # border 2, title bar 26
TITLE_BLUE = (0x2C, 0x5A, 0x8C)
TITLE_IDLE = (0x6A, 0x70, 0x7A)
DESKTOP = (0x1E, 0x3A, 0x5C)
ERROR_RED = (0xB0, 0x10, 0x10)
NEXT = (CONTENT[0] + 656 - 20 - 55, CONTENT[1] + 442 - 20 - 16)    # centre of Next
BACK = (NEXT[0] - 122, NEXT[1])


def _start(accel, extra_disk=True, target_mib=512):
    args = []
    if extra_disk:
        # a blank second disk as the install target (sparse, private to the test)
        from hvqemu import artifacts_dir
        target = artifacts_dir() / "target.img"
        with open(target, "wb") as f:
            f.truncate(target_mib << 20)
        args = ["-drive", f"file={target},format=raw,if=ide,index=1"]
    q = Qemu(require_image(), accel=accel, mem=512, extra_args=args)
    try:
        boot_entry(q, 3)
        ui(q, "screen=installer/welcome", q.boot_timeout)
    except BaseException:
        q.kill()
        raise
    return q


def test_installer_small_disk_tcg():
    """A target disk too small for hv is refused in words, nothing written."""
    with _start("tcg", target_mib=64) as q:
        _key(q, "ret")
        ui(q, "screen=installer/keyboard")
        _key(q, "ret")
        ui(q, "screen=installer/disk")
        _key(q, "ret")                  # the small disk is the one preselected
        ui(q, "refused=The disk ata1 is too small: hv needs at least 256 MiB.")
        _key(q, "ret")
        ui(q, "press=button:OK")
        check("hv: install:" not in q.text(), "an install started on the small disk")
    from hvqemu import artifacts_dir
    data = (artifacts_dir() / "target.img").read_bytes()
    check(data.count(0) == len(data), "the small disk was written to")


def _title_bar_at(s, x, y, w, color, what):
    """The title bar's colour along its length (the title text aside)."""
    for px in range(x + w // 2, x + w - 8, 20):
        got = s.pixel(px, y + 6)
        check(got == color, f"{what}: pixel ({px},{y + 6}) is {got}, want title bar {color}")


def _key(q, *names):
    for n in names:
        q.send_key(n)


def _walk(accel):
    """Every wizard step by keyboard, forward and back; refusals in words."""
    with _start(accel) as q:
        def welcome(s):
            check((s.width, s.height) == SCREEN, f"screen is {s.width}x{s.height}, want 1024x768")
            _title_bar_at(s, WIN[0], WIN[1], WIN[2], TITLE_BLUE, "wizard title bar")
            check(s.pixel(40, 400) == DESKTOP, f"desktop colour {s.pixel(40, 400)}, want {DESKTOP}")
            s.assert_text("the welcome heading", min_rows=10,
                          x0=CONTENT[0] + 20, y0=CONTENT[1] + 14, x1=CONTENT[0] + 400,
                          y1=CONTENT[1] + 50)
            s.assert_text("the welcome text", min_rows=40, x0=CONTENT[0] + 20,
                          y0=CONTENT[1] + 64, x1=CONTENT[0] + 620, y1=CONTENT[1] + 260)
            s.assert_text("the top bar", min_rows=8, x0=0, y0=0, x1=400, y1=24)
        screen_until(q, "welcome", welcome)

        _key(q, "ret")
        ui(q, "screen=installer/keyboard")
        ui(q, "focus=list:layouts")
        _key(q, "down")
        ui(q, "select=Portuguese (Brazil, ABNT2)")
        _key(q, "ret")
        ui(q, "screen=installer/disk")
        screen_until(q, "disk", lambda s: s.assert_text(
            "the disk list", min_rows=20, x0=CONTENT[0] + 20, y0=CONTENT[1] + 92,
            x1=CONTENT[0] + 636, y1=CONTENT[1] + 150))
        _key(q, "ret")
        ui(q, "screen=installer/network")
        # back twice and forward again: the layout chosen is kept
        _key(q, "esc")
        ui(q, "screen=installer/disk")
        _key(q, "esc")
        ui(q, "screen=installer/keyboard")
        _key(q, "ret")
        ui(q, "screen=installer/disk")
        _key(q, "ret")
        ui(q, "screen=installer/network")
        ui(q, "focus=check:Get the address by DHCP")
        _key(q, "spc")                                  # DHCP off, no address typed
        ui(q, "press=check:Get the address by DHCP")
        _key(q, "ret")
        ui(q, "refused=The static address must look like 192.168.1.20/24.")
        _key(q, "ret")
        ui(q, "press=button:OK")
        _key(q, "spc")                                  # DHCP on again
        _key(q, "tab", "tab", "tab")
        ui(q, "focus=text:hostname")
        _key(q, "backspace", "backspace")
        _key(q, "ret")
        ui(q, "refused=The host name must not be empty.")
        _key(q, "ret")
        ui(q, "press=button:OK")
        q.type_keys("hv")
        _key(q, "ret")
        ui(q, "screen=installer/password")

        _key(q, "ret")                                  # empty
        ui(q, "refused=The password must not be empty.")
        # the message box: a focused title bar in the middle of the screen,
        # and the wizard's title bar gone idle
        screen_until(q, "refused-empty", lambda s: check(
            s.pixel(WIN[0] + 500, WIN[1] + 6) == TITLE_IDLE and
            any(s.pixel(x, y) == TITLE_BLUE for x in range(300, 700, 4) for y in range(300, 440)),
            "no message box over the idle wizard"))
        _key(q, "ret")                                  # OK; focus is on "Again"
        ui(q, "press=button:OK")
        _key(q, "up")
        ui(q, "focus=text:password")
        q.type_keys("hunter22")
        _key(q, "tab")
        q.type_keys("hunter33")
        _key(q, "ret")
        ui(q, "refused=The two passwords do not match.")
        _key(q, "ret")                                  # OK; "Again" is emptied
        ui(q, "press=button:OK")
        q.type_keys("hunter22")
        _key(q, "ret")
        ui(q, "screen=installer/summary")
        ui(q, "summary=disk=ata1 layout=br-abnt2 net=dhcp hostname=hv")
        check("hunter" not in q.text(), "the password appeared on COM1")

        def warning(s):
            reds = sum(1 for y in range(CONTENT[1] + 190, CONTENT[1] + 234)
                       for x in range(CONTENT[0] + 20, CONTENT[0] + 640, 2)
                       if s.pixel(x, y) == ERROR_RED)
            check(reds > 50, f"the erase warning is not drawn in red ({reds} red pixels)")
        screen_until(q, "summary", warning)
        _key(q, "esc")
        ui(q, "screen=installer/password")
        _key(q, "ret")                                  # the password was kept
        ui(q, "screen=installer/summary")


variants(globals(), "installer_keyboard_walk", _walk, ("kvm", "tcg"))


def _install(accel):
    """The installer end to end: install onto a blank second disk by
    keyboard (the boot disk is refused as a target) with the Brazilian
    layout; the written HV.CFG holds the host name, the layout, the desktop
    and a hash of the password chosen in the wizard.  The installed disk
    alone boots to the ready line, its REST API takes that password (and
    refuses another with 401), and the first OS runs on it: the API lists
    first-os running and its console reaches its own ready line on COM1."""
    with _start(accel) as q:
        _key(q, "ret")
        ui(q, "screen=installer/keyboard")
        _key(q, "down")
        ui(q, "select=Portuguese (Brazil, ABNT2)")
        _key(q, "ret")
        ui(q, "screen=installer/disk")
        _key(q, "up")
        q.wait_for(r"ui: select=ata0 .*\(boot disk\)")
        _key(q, "ret")
        ui(q, "screen=installer/network")
        _key(q, "tab", "tab", "tab")
        ui(q, "focus=text:hostname")
        _key(q, "backspace", "backspace")
        q.type_keys("inst1")
        _key(q, "ret")
        ui(q, "screen=installer/password")
        q.type_keys("s3cret-pw")
        _key(q, "tab")
        q.type_keys("s3cret-pw")
        _key(q, "ret")
        ui(q, "summary=disk=ata0 layout=br-abnt2 net=dhcp hostname=inst1")
        _key(q, "ret")
        q.wait_for(r"ui: refused=hv runs from ata0: installing onto it would overwrite it\.")
        _key(q, "ret")
        ui(q, "press=button:OK")
        _key(q, "esc")
        ui(q, "screen=installer/password")
        _key(q, "esc")
        ui(q, "screen=installer/network")
        _key(q, "esc")
        ui(q, "screen=installer/disk")
        _key(q, "down")
        q.wait_for(r"ui: select=ata1 ")
        _key(q, "ret")
        ui(q, "screen=installer/network")
        _key(q, "ret")
        ui(q, "screen=installer/password")
        _key(q, "ret")                                  # the password was kept
        ui(q, "summary=disk=ata1 layout=br-abnt2 net=dhcp hostname=inst1")
        _key(q, "ret")
        ui(q, "install=ata1")
        ui(q, "screen=installer/install")
        q.wait_for(r"ui: progress=\d+\n")
        ui(q, "installed=ata1", 600)
        ui(q, "screen=installer/done")
        check("s3cret" not in q.text(), "the password appeared on COM1")

    from hvqemu import artifacts_dir
    target = artifacts_dir() / "target.img"
    cfg = subprocess.run(["mcopy", "-n", "-i", f"{target}@@1M", "::HV.CFG", "-"],
                         capture_output=True, text=True, timeout=60)
    check(cfg.returncode == 0, f"mcopy HV.CFG from the installed disk: {cfg.stderr.strip()}")
    (artifacts_dir() / "installed-HV.CFG").write_text(cfg.stdout)
    lines = dict(ln.split(" = ", 1) for ln in cfg.stdout.splitlines()
                 if " = " in ln and not ln.startswith("#"))
    check(lines.get("hostname") == "inst1", f"installed HV.CFG hostname: {lines.get('hostname')}")
    check(lines.get("net.mode") == "dhcp", f"installed HV.CFG net.mode: {lines.get('net.mode')}")
    check(lines.get("keyboard") == "br-abnt2",
          f"installed HV.CFG keyboard: {lines.get('keyboard')}, want the wizard's br-abnt2")
    check(lines.get("desktop") == "on", f"installed HV.CFG desktop: {lines.get('desktop')}")
    algo, iters, salt, digest = lines.get("admin.password", "x$0$$").split("$")
    want = hashlib.pbkdf2_hmac("sha256", b"s3cret-pw", bytes.fromhex(salt), int(iters)).hex()
    check(algo == "pbkdf2-sha256" and digest == want,
          "installed HV.CFG admin.password is not the PBKDF2 hash of the password typed")

    # the installed disk on its own, with the NIC the API answers on and a
    # CPU with SVM and nested paging under TCG, so the first OS can run.
    # desktop = on: the screen is the desktop's and COM1 has no shell, so
    # only the API and COM1's log are used here.
    from test_api import READY_IP_RE, SVM_CPU, check_error, request, try_login
    port = free_port()
    nic = ("-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:80",
           "-device", "e1000,netdev=n0")
    with Qemu(target, accel=accel, smp=2, mem=1024, cpu=SVM_CPU, extra_args=nic) as q:
        m = q.wait_for(READY_IP_RE, q.boot_timeout)
        check(m.group(1) != "none", "the installed hv got no IP address (ip=none)")
        ready_at = q.cursor
        q.cursor = 0
        q.wait_for(r"hv: datastore: ata0 partition 2, FAT32", 10)
        q.wait_for(r"hv: vmm: 1 VM definition in VMS/", 10)
        q.cursor = ready_at
        q.wait_for(r"vm first-os: autostart", 60)

        api = _Api(port)
        r = try_login(api, "s3cret-pw")
        check(r.status == 201 and re.fullmatch(r"[0-9a-f]{64}", r.json().get("token", "")),
              f"log in with the wizard's password: {r!r}")
        api.token = r.json()["token"]
        end = time.monotonic() + 120
        while True:
            r = request(api, "GET", "/api/v1/vms")
            check(r.status == 200, f"GET /api/v1/vms: {r!r}")
            vms = {v.get("name"): v.get("state") for v in r.json().get("vms", [])}
            if vms.get("first-os") == "running":
                break
            check(time.monotonic() < end, f"first-os is not running after 120 s: {vms}")
            time.sleep(1)
        q.wait_for(r"\[vm:first-os\] hv: ready mode=os cpus=1 memory=\d+MiB", 300)
        r = request(api, "GET", "/api/v1/vms/first-os")
        check(r.status == 200 and r.json().get("state") == "running",
              f"first-os after its ready line: {r!r}")
        check_error(try_login(api, "not-the-password"), 401, "log in with a wrong password")
        check("s3cret" not in q.text(), "the password appeared on the installed system's COM1")


class _Api:
    """What test_api's request helpers need: the forwarded port and a token."""

    def __init__(self, port):
        self.port = port
        self.token = None

    def connect(self, limit=30):
        return socket.create_connection(("127.0.0.1", self.port), timeout=limit)


variants(globals(), "installer_install", _install, ("tcg",))
test_installer_install_tcg.timeout = 900    # the install, then the first OS booting inside


def _mouse_walk(accel):
    """Buttons work by mouse click; the window moves by its title bar."""
    with _start(accel, extra_disk=False) as q:
        click(q, *NEXT)
        ui(q, "click=button:Next")
        ui(q, "screen=installer/keyboard")
        click(q, *BACK)
        ui(q, "click=button:Back")
        ui(q, "screen=installer/welcome")
        # drag by the title bar, 60 right and 40 down
        mouse_to(q, WIN[0] + 300, WIN[1] + 10)
        mouse(q, button="left", down=True)
        move(q, 60, 40)
        mouse(q, button="left", down=False)
        ui(q, f"moved={WIN[0] + 60},{WIN[1] + 40}")

        def moved(s):
            _title_bar_at(s, WIN[0] + 60, WIN[1] + 40, WIN[2], TITLE_BLUE, "moved title bar")
            check(s.pixel(WIN[0] + 10, WIN[1] + 10) == DESKTOP,
                  f"where the window was: {s.pixel(WIN[0] + 10, WIN[1] + 10)}, want desktop")
        screen_until(q, "moved", moved)
        # the Next button moved with it
        click(q, NEXT[0] + 60, NEXT[1] + 40)
        ui(q, "screen=installer/keyboard")


variants(globals(), "installer_mouse", _mouse_walk, ("kvm", "tcg"))


def _shell(accel):
    """The welcome screen's "Recovery shell" leaves the desktop for the shell."""
    with _start(accel, extra_disk=False) as q:
        _key(q, "left")
        ui(q, "focus=button:Recovery shell")
        _key(q, "ret")
        ui(q, "quit=shell")
        q.wait_for(r"hv# ", 30)
        q.send("uptime\r")
        q.wait_for(r"up \d+\.\d+ s \(clock calibrated", 30)
        # the shell's screen: the desktop is gone (the console's colours)
        screen_until(q, "shell", lambda s: check(
            s.pixel(600, 500) == (0x12, 0x16, 0x1E),
            f"the screen still shows the desktop: {s.pixel(600, 500)}"))


variants(globals(), "installer_to_shell", _shell, ("tcg",))
