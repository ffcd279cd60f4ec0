"""The configuration interface of hypervisor mode (HV.CFG desktop = on),
driven as a user would: the PS/2 keyboard and mouse through QMP.  Each
step is followed on COM1 by hv's UI event log ("ui: screen=desk/vms",
"ui: vm=first-os op=start result=ok", ...) and checked on the screen by
pixels.  Buttons are found by the log's "ui: at=button:<name> <x>,<y>"
lines (their centres on the screen), so the tests click where the user
would see them.  Also the headless console (desktop = off) and turning
the desktop off and on again."""

import shutil
import subprocess
import time

import desktop_ui
from desktop_ui import at, screen_until
from hvqemu import Qemu, artifacts_dir, check, require_manual_image, wait_ready

PASSWORD = "hv-admin"   # the image's default (vd/HV.CFG)
SVM_CPU = "qemu64,+svm,+npt"
SCREEN = (1024, 768)
TITLE_BLUE = (0x2C, 0x5A, 0x8C)
DESKTOP = (0x1E, 0x3A, 0x5C)
CONSOLE_BG = (0x12, 0x16, 0x1E)     # the text console's background (fbcon.c)
TEXT = (0x1A, 0x1A, 0x1A)           # theme.h TH_TEXT


def image_with(name, extra_cfg):
    """A private copy of the manual image (autostart off) with lines added
    to its HV.CFG; returns the copy's path."""
    d = artifacts_dir()
    img = d / f"{name}.vhd"
    shutil.copyfile(require_manual_image(), img)
    cfg = subprocess.run(["mcopy", "-n", "-i", f"{img}@@1M", "::HV.CFG", "-"],
                         capture_output=True, text=True)
    check(cfg.returncode == 0, f"mcopy HV.CFG out of {img}: {cfg.stderr.strip()}")
    text = cfg.stdout + "\nboot.timeout = 0\n" + extra_cfg
    path = d / f"{name}-HV.CFG"
    path.write_text(text)
    r = subprocess.run(["mcopy", "-o", "-i", f"{img}@@1M", str(path), "::/HV.CFG"],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"mcopy HV.CFG into {img}: {r.stderr.strip()}")
    return img


def hv_cfg(img):
    r = subprocess.run(["mcopy", "-n", "-i", f"{img}@@1M", "::HV.CFG", "-"],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"mcopy HV.CFG out of {img}: {r.stderr.strip()}")
    out = {}
    for line in r.stdout.splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def start(img, accel="tcg", **kw):
    return Qemu(img, accel=accel, mem=1024, smp=2, cpu=SVM_CPU, **kw)


def ui(q, line, timeout=60):
    return desktop_ui.ui(q, line, timeout)


def click(q, xy):
    """A click that lets hv see it before any key that follows."""
    desktop_ui.click(q, *xy)
    time.sleep(0.2)


def button(q, name, timeout=60):
    return at(q, "button:" + name, timeout)


def blue_run(s, y, x0, x1):
    """How many pixels of row y in [x0, x1) have the focused title bar's colour."""
    return sum(1 for x in range(x0, x1, 4) if s.pixel(x, y) == TITLE_BLUE)


def unlock(q, password=PASSWORD):
    ui(q, "screen=desk/lock", q.boot_timeout)
    q.type_keys(password + "\n")
    ui(q, "unlock=ok")
    ui(q, "screen=desk/host")


def test_desktop_vms_by_mouse_tcg():
    """Locked at boot; a wrong password is refused in words; the right one
    opens the host panel; on the VMs tab the mouse starts first-os, opens
    its console (its output shows, keys typed there reach it) and stops it."""
    img = image_with("desk-vms", "desktop = on\n")
    with start(img) as q:
        wait_ready(q)
        ui(q, "screen=desk/lock", q.boot_timeout)

        def locked(s):
            check(blue_run(s, 200, 0, SCREEN[0]) > 0 or any(
                blue_run(s, y, 0, SCREEN[0]) > 40 for y in range(100, 500, 10)),
                "no focused window's title bar on the lock screen")
        screen_until(q, "lock", locked)
        q.type_keys("wrong-pass\n")
        ui(q, "unlock=refused")
        check("wrong-pass" not in q.text(), "the typed password appeared on COM1")
        q.send_key("ret")               # the message box's OK
        q.type_keys(PASSWORD + "\n")
        ui(q, "unlock=ok")
        ui(q, "screen=desk/host")
        check(PASSWORD not in q.text(), "the password appeared on COM1")

        click(q, button(q, "VMs"))
        ui(q, "screen=desk/vms")
        click(q, at(q, "row:vms/first-os"))
        start_at = button(q, "Start")
        console_at = button(q, "Console")
        stop_at = button(q, "Stop")
        click(q, start_at)
        ui(q, "vm=first-os op=start result=ok")
        q.wait_for(r"\[vm:first-os\] hv: ready mode=os", 240)
        click(q, console_at)
        ui(q, "console=first-os open")
        time.sleep(1)
        q.type_keys("uptime\n", gap=0.3)
        q.wait_for(r"\[vm:first-os\] up \d+\.\d+ s", 120)

        def console_shown(s):
            # the first console window (x 20, y 44, 680 wide) is on top and
            # focused, and its view has the guest's text in it
            blue = blue_run(s, 44 + 6, 20, 700)
            check(blue > 120, f"no focused console title bar at y 50 ({blue} blue samples)")
            ink = sum(1 for x in range(30, 690, 2) for y in range(80, 430, 2)
                      if s.pixel(x, y) == TEXT)
            check(ink > 400, f"the console view shows no text ({ink} text samples)")
        screen_until(q, "console", console_shown)
        q.send_key("esc")
        ui(q, "console=first-os close")
        click(q, stop_at)
        ui(q, "vm=first-os op=stop result=ok")
        q.wait_for(r"vm first-os: stopped", 60)


def fill(q, field, text, old=16):
    """Click a text field, empty it (up to `old` characters) and type text.
    Keys are paced: QEMU's PS/2 queue drops what overflows it."""
    click(q, at(q, "text:" + field))
    # no focus line when it had the focus already: give the click time to
    # land before keys (hv reads the keyboard before the mouse each round)
    time.sleep(0.5)
    q.send_key("end")
    for _ in range(old):
        q.send_key("backspace", hold_ms=30)
        time.sleep(0.08)
    q.type_keys(text, gap=0.15)


def settings(q):
    click(q, button(q, "Settings"))
    ui(q, "screen=desk/settings")


def answer(q, name):
    """Press a message box's (or question's) button by mouse."""
    click(q, button(q, name))


def refused(q, press, what, word):
    """Press a button; hv refuses (`ui: <what>=refused`) with a message
    that names `word`; OK closes it."""
    click(q, button(q, press))
    ui(q, f"{what}=refused")
    m = q.wait_for(r"ui: message=(.*)\r?\n")
    check(word in m.group(1).lower(), f"refused, but how? {m.group(1)!r} (want {word!r})")
    answer(q, "OK")


def test_desktop_settings_persist_tcg():
    """Settings by mouse and keyboard: an empty host name and a bad address
    are refused in words; a static address, a new host name and the ABNT2
    layout (applied at once) are saved to HV.CFG, and after Reboot
    (confirmed) hv comes up with them."""
    img = image_with("desk-settings", "desktop = on\n")
    nic = ["-nic", "user,model=e1000"]
    with start(img, writable=True, extra_args=nic) as q:
        unlock(q)
        settings(q)
        fill(q, "hostname", "")
        refused(q, "Save", "settings", "host name")
        fill(q, "hostname", "desk-renamed")
        click(q, at(q, "check:dhcp"))
        ui(q, "click=check:dhcp")
        fill(q, "address", "10.0.2.300/24")
        refused(q, "Save", "settings", "address")
        fill(q, "address", "10.0.2.50/24")
        fill(q, "gateway", "10.0.2.2")
        click(q, at(q, "radio:layout-br-abnt2"))
        ui(q, "click=radio:layout-br-abnt2")
        click(q, button(q, "Save"))
        ui(q, "settings=saved")
        check("hv: keyboard: br-abnt2" in q.text(), "the layout chosen did not apply at once")
        answer(q, "OK")
        click(q, button(q, "Reboot"))
        m = q.wait_for(r"ui: message=(.*)\r?\n")
        answer(q, "Yes")
        ui(q, "power=reboot")
        m = q.wait_for(r"hv: ready mode=hypervisor cpus=\d+ memory=\d+MiB ip=(\S+)\r?\n", q.boot_timeout)
        check(m.group(1) == "10.0.2.50", f"after the reboot ip={m.group(1)}, want the static 10.0.2.50")
        ui(q, "window=hv - desk-renamed")
        unlock(q)                       # on ABNT2 now: letters and '-' are where US has them
    cfg = hv_cfg(img)
    want = {"hostname": "desk-renamed", "net.mode": "static", "net.address": "10.0.2.50/24",
            "net.gateway": "10.0.2.2", "desktop": "on", "keyboard": "br-abnt2"}
    for k, v in want.items():
        check(cfg.get(k) == v, f"HV.CFG {k} = {cfg.get(k)!r}, want {v!r}")
    check(cfg.get("admin.password", "").startswith("pbkdf2-sha256$"),
          "HV.CFG lost admin.password")


def test_desktop_password_and_lock_tcg():
    """Changing the password asks for the current one (a wrong one and a
    mismatch are refused in words); Lock locks; the old password no longer
    unlocks, the new one does, and it is in HV.CFG."""
    img = image_with("desk-password", "desktop = on\n")
    with start(img, writable=True) as q:
        unlock(q)
        settings(q)
        click(q, button(q, "Change password"))
        ui(q, "screen=desk/password")
        fill(q, "current", "not-it-at-all")
        fill(q, "new", "brand-new-pw")
        fill(q, "new again", "brand-new-pw")
        refused(q, "Change", "password", "current")
        fill(q, "current", PASSWORD)
        fill(q, "new", "brand-new-pw")
        fill(q, "new again", "brand-new-px")
        refused(q, "Change", "password", "match")
        fill(q, "current", PASSWORD)
        fill(q, "new", "brand-new-pw")
        fill(q, "new again", "brand-new-pw")
        click(q, button(q, "Change"))
        ui(q, "password=changed")
        ui(q, "window=Password changed")
        answer(q, "OK")
        check("hv: auth: the admin password was changed" in q.text(),
              "no word from auth that the live password changed")
        click(q, button(q, "Lock"))
        ui(q, "locked=user")
        ui(q, "screen=desk/lock")
        q.type_keys(PASSWORD + "\n")
        ui(q, "unlock=refused")
        answer(q, "OK")
        q.type_keys("brand-new-pw\n")
        ui(q, "unlock=ok")
        check("brand-new-pw" not in q.text(), "the new password appeared on COM1")
    check(hv_cfg(img).get("admin.password") != hv_cfg(require_manual_image()).get("admin.password"),
          "HV.CFG still has the old password hash")


def test_desktop_off_and_on_tcg():
    """Desktop after boot off: saved, and after a reboot the screen shows the
    headless console (host name, where to manage it, a login); a wrong
    password is refused, the right one opens the recovery shell, where
    `config set desktop on` and a reboot bring the desktop back."""
    img = image_with("desk-onoff", "desktop = on\n")
    with start(img, writable=True) as q:
        unlock(q)
        settings(q)
        click(q, at(q, "check:desktop"))
        ui(q, "click=check:desktop")
        click(q, button(q, "Save"))
        ui(q, "settings=saved")
        answer(q, "OK")
        click(q, button(q, "Reboot"))
        answer(q, "Yes")
        ui(q, "power=reboot")
        wait_ready(q)
        q.wait_for(r"headless \(desktop = off\)")
        q.wait_for(r"recovery shell needs the admin password")
        q.wait_for(r"hv login: password: ")

        def headless(s):
            check(s.pixel(600, 500) == CONSOLE_BG,
                  f"headless screen: pixel (600,500) is {s.pixel(600, 500)}, want the console's")
        screen_until(q, "headless", headless)
        q.type_keys("guess\n")
        q.wait_for(r"hv: console login: wrong password")
        q.type_keys(PASSWORD + "\n")
        q.wait_for(r"hv: console login: ok")
        q.wait_for(r"(?m)^hv# ")
        check(PASSWORD not in q.text(), "the password was echoed")
        q.send_slow("config set desktop on\r")
        q.wait_for(r"saved")
        q.send_slow("reboot\r")
        wait_ready(q)
        ui(q, "screen=desk/lock", q.boot_timeout)
        screen_until(q, "desktop-back", lambda s: check(
            s.pixel(600, 740) == DESKTOP, f"desktop colour missing: {s.pixel(600, 740)}"))
