#!/usr/bin/env python3
"""Desktop benchmark: how soon the installer's desktop is up, how long a
wizard step takes to reach the screen, and the compositor's frame rates.

    python3 bench/gui.py [-n RUNS] [--frames N] [--accel kvm,tcg]
                         [--image build/hv.vhd]

Each run boots menu entry 3 (installer mode).  Reported per accelerator,
median (min-max):

  ready->drawn  host time from the `hv: ready` line to `ui: drawn` (the
                first frame flushed to the framebuffer)
  first frame   the kernel's own figure in `ui: drawn=<n>ms`: composing the
                whole 1024x768 screen and writing it to the framebuffer
  step          host time from pressing Enter on the welcome screen to a
                screenshot that shows the next step (screenshots every
                0.1 s, so this is an upper bound)

Then, once per accelerator, menu entry 1 (hypervisor mode) to the shell and
`guibench N` on COM1 (kernel/gui/gui_bench.c: the desktop's compositor on
the real 1024x768x32 framebuffer, two windows, timed with the kernel's
clock):

  full-screen   N composes of the whole screen (damage everything, compose,
                copy 3 MiB to the framebuffer): frames per second
  drag          a press on a window's title bar, then N mouse moves of 4
                pixels, composing after each (the window's old and new
                places and the cursor): frames per second

--frames 0 leaves the frame rates out; -n 0 the installer runs.  Under
this sandbox's nested KVM a full-screen frame takes seconds (memory writes
from hv are very slow there), so 60 frames take minutes.

Serial logs and screenshots of every run are kept under build/bench/gui/.
"""

import argparse
import re
import statistics
import sys
import time

from benchlib import HOST_PROMPT, hvqemu, prepare, run, to_shell

DRAWN_RE = r"ui: drawn=(\d+)ms"
GUIBENCH_RE = (r"guibench: full-screen (\d+x\d+x\d+): (\d+) frames in (\d+) ms = "
               r"(\d+\.\d) fps; drag: (\d+) frames in (\d+) ms = (\d+\.\d) fps")
SECONDS_PER_FRAME = 10      # the slowest seen (nested KVM) is about 4: full-screen + drag
# A white pixel inside the keyboard step's list (kernel/gui/installer.c):
# the welcome step has the window's grey there.
LIST_PX = (182 + 2 + 300, 161 + 26 + 130)


def one_run(image, accel, idx):
    with hvqemu.Qemu(image, accel=accel, mem=512, tag=f"{accel}-{idx}") as q:
        hvqemu.boot_entry(q, 3)
        hvqemu.wait_ready(q)
        t_ready = time.monotonic()
        m = q.wait_for(DRAWN_RE, 120)
        t_drawn = time.monotonic()
        q.send_key("ret")
        t_key = time.monotonic()
        end = t_key + 120
        while True:
            s = q.screendump(f"step-{accel}-{idx}")
            if s.pixel(*LIST_PX) == (255, 255, 255):
                break
            if time.monotonic() > end:
                raise hvqemu.TestFailure("the keyboard step never reached the screen")
            time.sleep(0.1)
        return {"drawn": t_drawn - t_ready, "frame": int(m.group(1)) / 1000,
                "step": time.monotonic() - t_key}


def fps_run(image, accel, frames):
    """`guibench frames` at the shell of hypervisor mode; the parsed figures."""
    with to_shell(hvqemu.Qemu(image, accel=accel, mem=512, tag=f"fps-{accel}")) as q:
        cmd = f"guibench {frames}"
        out = run(q, cmd, limit=120 + SECONDS_PER_FRAME * frames, prompt=HOST_PROMPT)
        m = re.search(GUIBENCH_RE, out)
        hvqemu.check(m, f"`{cmd}` printed no figures: {out!r}")
        return {"mode": m.group(1), "full_ms": int(m.group(3)), "full_fps": m.group(4),
                "drag_ms": int(m.group(6)), "drag_fps": m.group(7)}


def print_table(title, head, rows):
    table = [head] + rows
    width = [max(len(r[i]) for r in table) for i in range(len(head))]
    print(title)
    for r in table:
        print("  ".join(r[i].ljust(width[i]) for i in range(len(head))))


def fmt(values):
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=3, help="installer runs per accelerator (default 3)")
    ap.add_argument("--frames", type=int, default=60,
                    help="frames for guibench (default 60; 0: no frame rates)")
    ap.add_argument("--accel", default="kvm,tcg")
    ap.add_argument("--image", default=str(hvqemu.IMAGE))
    args = ap.parse_args()
    image = prepare(args.image, "make image", "gui")
    if not image:
        return 1
    rows, fps_rows, failed = [], [], 0
    for accel in args.accel.split(","):
        if accel == "kvm" and not hvqemu.kvm_usable():
            print("bench: /dev/kvm is not usable, KVM runs skipped", file=sys.stderr)
            continue
        runs = []
        for i in range(args.n):
            try:
                runs.append(one_run(image, accel, i + 1))
            except hvqemu.TestFailure as e:
                failed += 1
                print(f"bench: {accel} run {i + 1} failed: {e}", file=sys.stderr)
                continue
            r = runs[-1]
            print(f"  {accel} run {i + 1}: drawn {r['drawn']:.3f} s, frame {r['frame']:.3f} s, "
                  f"step {r['step']:.3f} s", file=sys.stderr, flush=True)
        if runs:
            rows.append((accel, str(len(runs)), fmt([r["drawn"] for r in runs]),
                         fmt([r["frame"] for r in runs]), fmt([r["step"] for r in runs])))
        if args.frames > 0:
            try:
                f = fps_run(image, accel, args.frames)
            except hvqemu.TestFailure as e:
                failed += 1
                print(f"bench: {accel} guibench failed: {e}", file=sys.stderr)
                continue
            print(f"  {accel} guibench {args.frames}: full-screen {f['full_fps']} fps, "
                  f"drag {f['drag_fps']} fps", file=sys.stderr, flush=True)
            fps_rows.append((accel, f["mode"], str(args.frames), f["full_fps"],
                             f"{f['full_ms'] / args.frames:.1f}", f["drag_fps"],
                             f"{f['drag_ms'] / args.frames:.1f}"))
    if args.n > 0:
        print_table(f"hv desktop benchmark: {image.name}, installer mode, 1024x768x32, "
                    f"median (min-max) over {args.n} runs",
                    ("accel", "runs", "ready->drawn s", "first frame s", "step s"), rows)
    if args.frames > 0:
        print_table(f"hv compositor frame rates: {image.name}, hypervisor mode, `guibench "
                    f"{args.frames}` (kernel clock)",
                    ("accel", "mode", "frames", "full-screen fps", "ms/frame", "drag fps",
                     "ms/frame"), fps_rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
