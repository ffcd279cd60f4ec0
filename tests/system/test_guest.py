"""The first OS disk: GUEST0.VHD on the datastore boots by itself into os mode."""

import os
import subprocess
import tempfile

from hvqemu import Qemu, check, require_image, variants, wait_ready
from test_image import MTOOLS_ENV, part_offset


def _guest0(accel):
    """GUEST0.VHD, copied out with mtools and booted alone, reaches os mode
    without a key: its own HV.CFG makes os the default."""
    img = require_image()
    off, _size = part_offset(img, 1)
    with tempfile.TemporaryDirectory(prefix="hv-guest0-") as tmp:
        guest = os.path.join(tmp, "GUEST0.VHD")
        r = subprocess.run(["mcopy", "-n", "-i", f"{img}@@{off}", "::/GUEST0.VHD", guest],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=120, env=MTOOLS_ENV)
        check(r.returncode == 0 and os.path.isfile(guest),
              f"mcopy of GUEST0.VHD from the datastore failed: {r.stdout.decode().strip()}")
        with Qemu(guest, accel=accel) as q:
            q.wait_for(r"hv boot menu")
            mode, _cpus, _mem = wait_ready(q)
            check(mode == "os", f"GUEST0.VHD booted mode={mode}, want os (its default)")


variants(globals(), "guest0_boots_os", _guest0, ("kvm", "tcg"))
