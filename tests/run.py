#!/usr/bin/env python3
"""Runs every hv test: the host unit tests, then the system tests in QEMU.

    python3 tests/run.py [--only SUBSTR] [--list] [-j N] [--no-build]

Unit tests are the executables in build/tests/unit/ (cmocka: exit 0 = pass).
System tests are the functions `test_*` in tests/system/test_*.py, named
`<file>.<function>` without the `test_` prefixes (e.g. `menu.select_3_kvm`).
Each system test runs in its own process group with a hard time limit, so a
hung test or QEMU is killed and reported, never waited on forever.  Evidence
goes to build/test-artifacts/<name>/.

One line per test: `PASS name (1.2s)`, `FAIL name: reason`, or
`SKIP name: reason` (only KVM variants when /dev/kvm is unusable; a skip
counts neither way).  The last line is `N passed, M failed`; the exit status
is 1 when anything failed.
"""

import argparse
import concurrent.futures
import importlib.util
import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYSTEM = ROOT / "tests" / "system"
BUILD = ROOT / os.environ.get("BUILD", "build")
UNIT_DIR = BUILD / "tests" / "unit"
ARTIFACTS = BUILD / "test-artifacts"
DEFAULT_TIMEOUT = 300      # seconds, per system test, unless it says otherwise
UNIT_TIMEOUT = 120
MAX_WORKERS = 2            # the machine has 2 cores

_running = set()           # Popen objects of live test processes
_running_lock = threading.Lock()
_print_lock = threading.Lock()


def say(line):
    with _print_lock:
        try:
            print(line, flush=True)
        except BrokenPipeError:   # `run.py | head`: keep running, stop printing
            pass


# --- discovery -----------------------------------------------------------

class Test:
    def __init__(self, name, kind, timeout, path=None, func=None, exclusive=False):
        self.name, self.kind, self.timeout = name, kind, timeout
        self.path, self.func, self.exclusive = path, func, exclusive

    @property
    def slow(self):
        # On this sandbox's nested KVM a boot takes ~25 s, under TCG ~2 s.
        return self.name.endswith("_kvm")


def load_module(path):
    sys.path.insert(0, str(SYSTEM))
    spec = importlib.util.spec_from_file_location("hvtest_" + path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def discover_system():
    tests = []
    for path in sorted(SYSTEM.glob("test_*.py")):
        mod = load_module(path)
        prefix = path.stem[len("test_"):]
        for fname, fn in vars(mod).items():
            if fname.startswith("test_") and inspect.isfunction(fn):
                tests.append(Test(f"{prefix}.{fname[len('test_'):]}", "system",
                                  getattr(fn, "timeout", DEFAULT_TIMEOUT), path, fname,
                                  getattr(fn, "exclusive", False)))
    return tests


def discover_unit():
    if not UNIT_DIR.is_dir():
        return []
    return [Test("unit/" + p.name, "unit", UNIT_TIMEOUT, path=p)
            for p in sorted(UNIT_DIR.iterdir())
            if p.is_file() and os.access(p, os.X_OK)]


# --- running -------------------------------------------------------------

def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass


def _spawn(cmd, out, timeout):
    """Run cmd in its own process group; returns (exit status or None on timeout)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                            stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)
    with _running_lock:
        _running.add(proc)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        # SIGTERM first so the harness can quit QEMU; then everything in the group.
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        _kill_group(proc)
        proc.wait()
        return None
    finally:
        _kill_group(proc)   # stragglers (a QEMU the test forgot) die with the test
        with _running_lock:
            _running.discard(proc)


def run_unit(t):
    start = time.monotonic()
    outdir = ARTIFACTS / t.name.replace("/", "-")
    outdir.mkdir(parents=True, exist_ok=True)
    log = outdir / "output.txt"
    with open(log, "wb") as out:
        rc = _spawn([str(t.path)], out, t.timeout)
    took = time.monotonic() - start
    if rc == 0:
        return "PASS", f"({took:.1f}s)", ""
    output = log.read_text(errors="replace")
    why = f"timed out after {t.timeout} s" if rc is None else f"exit status {rc}"
    return "FAIL", why, output


def run_system(t):
    start = time.monotonic()
    outdir = ARTIFACTS / t.name
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.mkdir(parents=True)
    result = outdir / "result.json"
    with open(outdir / "test-output.txt", "wb") as out:
        rc = _spawn([sys.executable, str(Path(__file__).resolve()), "--child",
                     str(t.path), t.func, t.name, str(result)], out, t.timeout)
    took = time.monotonic() - start
    where = f" [evidence: {outdir.relative_to(ROOT)}]"
    if rc is None:
        return "FAIL", f"timed out after {t.timeout} s (killed){where}", ""
    try:
        r = json.loads(result.read_text())
    except (OSError, ValueError):
        tail = (outdir / "test-output.txt").read_text(errors="replace")[-1500:]
        return "FAIL", f"test process died (exit {rc}) without a result{where}", tail
    if r["status"] == "PASS":
        return "PASS", f"({took:.1f}s)", ""
    if r["status"] == "SKIP":
        return "SKIP", r["reason"], ""
    first, nl, rest = r["reason"].partition("\n")
    return "FAIL", first + where + nl + rest, ""


def child(path, func, name, result_path):
    """One system test, in its own process (started by run_system)."""
    sys.path.insert(0, str(SYSTEM))
    import hvqemu
    hvqemu.set_test(name, ARTIFACTS / name)
    hvqemu.kill_qemus_on_signals()
    fn = getattr(load_module(Path(path)), func)
    try:
        fn()
        r = {"status": "PASS", "reason": ""}
    except hvqemu.Skip as e:
        r = {"status": "SKIP", "reason": str(e)}
    except AssertionError as e:
        traceback.print_exc()
        r = {"status": "FAIL", "reason": str(e) or "assertion failed: "
             + traceback.format_exc().strip().splitlines()[-2].strip()}
    except Exception as e:
        traceback.print_exc()
        r = {"status": "FAIL", "reason": f"{type(e).__name__}: {e}"}
    finally:
        hvqemu._kill_all()
    Path(result_path).write_text(json.dumps(r))
    sys.stdout.flush()
    return 0


def report(t, status, detail, output):
    if status == "PASS":
        say(f"PASS {t.name} {detail}")
        return
    if output.strip():
        with _print_lock:
            print(f"---- output of {t.name} ----")
            print(output.rstrip())
            print("----")
    # The reason may hold a serial tail on several lines; the verdict stays on one.
    first, _, rest = detail.partition("\n")
    say(f"{status} {t.name}: {first}" + (f"\n{rest}" if rest else ""))


def build_test_images():
    r = subprocess.run(["make", "-s", f"BUILD={os.path.relpath(BUILD, ROOT)}", "test-images"], cwd=ROOT, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
    if r.returncode != 0:
        lines = r.stdout.decode(errors="replace").strip().splitlines()
        say(f"run.py: `make -s test-images` failed (exit {r.returncode}): "
            f"{lines[-1] if lines else ''} -- the broken-image tests will fail")


def main():
    ap = argparse.ArgumentParser(description="Run hv's unit and system tests.")
    ap.add_argument("--only", metavar="SUBSTR", help="only tests whose name contains SUBSTR")
    ap.add_argument("--list", action="store_true", help="list the test names and exit")
    ap.add_argument("-j", type=int, default=MAX_WORKERS, help="parallel system tests (max 2)")
    ap.add_argument("--no-build", action="store_true", help="do not run `make test-images`")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(*args.child)

    tests = discover_unit() + discover_system()
    if args.only:
        tests = [t for t in tests if args.only in t.name]
    if args.list:
        for t in tests:
            print(t.name)
        return 0

    def on_signal(signum, _frame):
        with _running_lock:
            for p in list(_running):
                _kill_group(p)
        os._exit(128 + signum)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    for t in (t for t in tests if t.kind == "unit"):
        status, detail, output = run_unit(t)
        counts[status] += 1
        report(t, status, detail, output)

    system = [t for t in tests if t.kind == "system"]
    if system and not args.no_build:
        build_test_images()
    # The slow boots first, so they do not end up alone at the end; the
    # timing-sensitive ones last, one at a time.
    system.sort(key=lambda t: not t.slow)
    workers = max(1, min(args.j, MAX_WORKERS))
    for batch, n in (([t for t in system if not t.exclusive], workers),
                     ([t for t in system if t.exclusive], 1)):
        with concurrent.futures.ThreadPoolExecutor(n) as pool:
            futures = {pool.submit(run_system, t): t for t in batch}
            for f in concurrent.futures.as_completed(futures):
                t = futures[f]
                try:
                    status, detail, output = f.result()
                except Exception as e:   # a bug in this runner: still a visible FAIL
                    status, detail, output = "FAIL", f"runner error: {e!r}", ""
                counts[status] += 1
                report(t, status, detail, output)

    if not tests:
        say("run.py: no tests matched")
    if counts["SKIP"]:
        say(f"({counts['SKIP']} skipped)")
    say(f"{counts['PASS']} passed, {counts['FAIL']} failed")
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
