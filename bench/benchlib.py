"""What the benchmarks share: the system tests' helpers (tests/system/) on the
path, the image check and evidence directory, and booting hv to its shell."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "system"))
import hvqemu  # noqa: E402
from vmcases import HOST_PROMPT, free_kib, run, to_shell  # noqa: E402,F401 -- shell helpers

SVM_CPU = "qemu64,+svm,+npt"


def prepare(image, hint, sub=None):
    """The image as a Path, or None (after saying how to make it) when it is
    missing; serial logs go to build/bench/[sub/]; QEMUs and Bochses die with
    the script."""
    image = Path(image)
    if not image.is_file():
        print(f"bench: {image} is missing (run `{hint}`)", file=sys.stderr)
        return None
    hvqemu.set_test(sub or "bench", hvqemu.BUILD / "bench" / (sub or ""))
    hvqemu.kill_qemus_on_signals()
    return image


def exits_total(m, name):
    """VM name's exit count from `vm info`."""
    out = run(m, f"vm info {name}", limit=120, prompt=HOST_PROMPT)
    found = re.search(r"exits: (\d+) total", out)
    hvqemu.check(found, f"`vm info {name}` shows no exit count: {out!r}")
    return int(found.group(1))


def runs_by_accel(accels, n, one_run, progress):
    """one_run(accel, i) for i = 1..n on each accelerator of the comma list
    accels (KVM skipped when unusable); progress(result) is the end of each
    run's line on stderr.  Returns ([(accel, [results])], failed runs)."""
    out, failed = [], 0
    for accel in accels.split(","):
        if accel == "kvm" and not hvqemu.kvm_usable():
            print("bench: /dev/kvm is not usable, KVM runs skipped", file=sys.stderr)
            continue
        runs = []
        for i in range(1, n + 1):
            try:
                runs.append(one_run(accel, i))
            except hvqemu.TestFailure as e:
                failed += 1
                print(f"bench: {accel} run {i} failed: {e}", file=sys.stderr)
                continue
            print(f"  {accel} run {i}: {progress(runs[-1])}", file=sys.stderr, flush=True)
        out.append((accel, runs))
    return out, failed
