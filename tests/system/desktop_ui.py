"""Driving hv's desktop from a test as a user would: the UI event log on
COM1 ("ui: ..." lines, docs/gui.md), the PS/2 mouse through QMP input
events, and screenshots polled until they show what is expected."""

import re
import time

from hvqemu import check

SCREEN = (1024, 768)


def ui(q, line, timeout=30):
    """Wait for one UI log line (whole line, literal).  A new screen
    ("screen=...") is where at() starts looking for controls."""
    m = q.wait_for(r"ui: " + re.escape(line) + r"\r?\n", timeout)
    if line.startswith("screen="):
        q.screen_pos = m.start()
    return m


def at(q, what, timeout=60):
    """Where the screen shows `what` ("button:Start", "row:vms/first-os"):
    its centre, from the newest "ui: at=" line since the current screen was
    built (the read cursor does not move)."""
    rx = re.compile(r"ui: at=" + re.escape(what) + r" (\d+),(\d+)\r?\n")
    end = time.monotonic() + timeout
    while True:
        found = rx.findall(q.text(), getattr(q, "screen_pos", 0))
        if found:
            return int(found[-1][0]), int(found[-1][1])
        check(time.monotonic() < end, f"no {what} on the screen within {timeout} s; "
              f"serial tail:\n{q.tail()}")
        time.sleep(0.2)


def mouse(q, dx=0, dy=0, button=None, down=None):
    events = []
    if dx:
        events.append({"type": "rel", "data": {"axis": "x", "value": dx}})
    if dy:
        events.append({"type": "rel", "data": {"axis": "y", "value": dy}})
    if button:
        events.append({"type": "btn", "data": {"down": down, "button": button}})
    q.qmp("input-send-event", events=events)


def move(q, dx, dy):
    """Relative motion in steps: QEMU's PS/2 queue holds a few packets and
    merges the rest of the motion with the next event, so each step waits
    until the guest has likely read it."""
    while dx or dy:
        sx = max(-100, min(100, dx))
        sy = max(-100, min(100, dy))
        mouse(q, sx, sy)
        dx -= sx
        dy -= sy
        time.sleep(0.05)


def mouse_to(q, x, y):
    """From anywhere to (x, y): first into the top-left corner, where the
    cursor stops, then the exact distance."""
    move(q, -SCREEN[0], -SCREEN[1])
    move(q, x, y)


def click(q, x, y):
    mouse_to(q, x, y)
    mouse(q, button="left", down=True)
    mouse(q, button="left", down=False)


def screen_until(q, name, checks, limit=60):
    """A screenshot that passes checks(screen) (which raises AssertionError
    when not).  The UI log line comes as a change is made, the screen when
    it is next composed: a moment later, seconds under nested KVM."""
    end = time.monotonic() + limit
    while True:
        s = q.screendump(name)
        try:
            checks(s)
            return s
        except AssertionError:
            if time.monotonic() > end:
                raise
        time.sleep(0.5)
