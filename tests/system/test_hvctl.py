"""hvctl (tools/hvctl/, hvctl(1)), the command-line client, against a real
hv: hypervisor mode (boot entry 1) on AMD-V under TCG, the management port
forwarded to the host through QEMU's user networking, as test_api.py does.
What is checked is what an admin sees: the text, the JSON and the exit
codes (0 ok, 1 hv said no, 2 usage, 3 unreachable).  hvctl runs with HOME
in a scratch directory, so `hvctl login` saves its token there."""

import json
import os
import re
import socket
import stat
import subprocess
import tempfile
import time
import urllib.request

from hvqemu import free_port, BUILD, Qemu, TestFailure, boot_entry, check, require_file, require_manual_image, timeout

SVM_CPU = "qemu64,+svm,+npt"
READY_IP_RE = r"hv: ready mode=hypervisor cpus=\d+ memory=\d+MiB ip=(\S+)\r?\n"
BUILTIN_VMS = {"hello", "hostile", "triple", "spin", "timer", "cmos", "kbc", "mmio", "tick"}
HVCTL = BUILD / "hvctl"
PASSWORD = "hv-admin"   # the image's default (vd/HV.CFG)
HOME = tempfile.mkdtemp(prefix="hvctl-home-")



def hvctl_env(**extra):
    env = dict(os.environ, HOME=HOME)
    for k in ("HVCTL_HOST", "HVCTL_PASSWORD", "XDG_CONFIG_HOME"):
        env.pop(k, None)
    env.update(extra)
    return env


def hvctl(*args, host=None, limit=30, password=None):
    """Runs build/hvctl; (exit status, stdout, stderr). host=None leaves
    --host out, so HVCTL_HOST (or the default) decides; password goes in
    $HVCTL_PASSWORD. No terminal: login never prompts here."""
    exe = require_file(HVCTL, "run `make test-build`")
    cmd = [str(exe)] + (["--host", host] if host else []) + list(args)
    env = hvctl_env(**({"HVCTL_PASSWORD": password} if password is not None else {}))
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, env=env,
                       stdin=subprocess.DEVNULL, start_new_session=True)
    return p.returncode, p.stdout, p.stderr


def expect(result, rc, what):
    got, out, err = result
    check(got == rc, f"{what}: exit {got}, expected {rc}\nstdout: {out}\nstderr: {err}")
    return out, err


@timeout(60)
def test_hvctl_usage_and_unreachable():
    """Bad usage -> usage text and exit 2; commands the API lacks -> exit 1;
    a closed port -> exit 3 with 'cannot reach hv'; a port that accepts and
    never answers -> exit 3 after the 10 s timeout, not a hang."""
    for args in ((), ("bogus",), ("--nope", "host"), ("vm",), ("vm", "show"),
                 ("vm", "show", "a", "b"), ("vm", "frobnicate", "x"), ("host", "extra"),
                 ("vm", "show", "a/b"), ("login", "extra"), ("--token", "a b", "host"),
                 ("--token",)):
        _, err = expect(hvctl(*args), 2, f"hvctl {' '.join(args)}")
        check("usage: hvctl" in err, f"hvctl {' '.join(args)}: no usage text: {err!r}")
    _, err = expect(hvctl("host", host="localhost:99999"), 2, "port out of range")
    check("usage: hvctl" in err, f"bad --host: no usage text: {err!r}")
    out, _ = expect(hvctl("--help"), 0, "--help")
    check("vm start NAME" in out, f"--help: {out!r}")

    for args, why in ((("vm", "create"), "vm create takes a VM name"),
                      (("vm", "create", "web", "memory=lots"), "memory: a whole number expected"),
                      (("vm", "create", "web", "colour=red"), "unknown key 'colour'"),
                      (("vm", "create", "web", "memory"), "KEY=VALUE expected"),
                      (("vm", "create", "web", "disk=a,fast"), "disk: unknown option 'fast'"),
                      (("vm", "create", "web", "autostart=maybe"), "autostart: yes or no"),
                      (("vm", "create", "web", "boot=disk", "boot=disk"), "boot given twice"),
                      (("vm", "create", "-", "x=1"), "from stdin alone"),
                      (("vm", "set", "web"), "vm set takes a VM name and KEY=VALUE"),
                      (("vm", "reset"), "vm reset takes exactly one VM name"),
                      (("vm", "console", "a", "b"), "vm console takes exactly one VM name"),
                      (("vm", "delete", "a/b"), "not a valid VM name"),
                      (("events", "x"), "events takes at most one operand"),
                      (("disks", "x"), "take no operands")):
        _, err = expect(hvctl(*args), 2, f"hvctl {' '.join(args)}")
        check(why in err and "usage: hvctl" in err, f"hvctl {' '.join(args)}: {err!r}")
    _, err = expect(hvctl("login"), 2, "login without $HVCTL_PASSWORD or a terminal")
    check("set $HVCTL_PASSWORD" in err, f"login without a password: {err!r}")

    closed = f"127.0.0.1:{free_port()}"
    t0 = time.monotonic()
    _, err = expect(hvctl("host", host=closed), 3, "closed port")
    check(f"hvctl: cannot reach hv at {closed}: " in err, f"closed port: {err!r}")
    check(time.monotonic() - t0 < 10, "closed port took the whole timeout")

    # Accepts the connection (backlog) and never answers.
    with socket.socket() as mute:
        mute.bind(("127.0.0.1", 0))
        mute.listen()
        host = f"127.0.0.1:{mute.getsockname()[1]}"
        t0 = time.monotonic()
        _, err = expect(hvctl("vm", "list", host=host), 3, "silent server")
        took = time.monotonic() - t0
    check(9 <= took <= 15, f"silent server: gave up after {took:.1f} s, expected ~10 s")
    check(f"cannot reach hv at {host}: " in err, f"silent server: {err!r}")


@timeout(420)
def test_hvctl_tcg():
    """host (table and --json), vm list, vm start spin -> running, a second
    start -> exit 1 with hv's 409 message, vm stop spin, vm show of an
    unknown VM -> exit 1 'no such VM', all against hv in QEMU."""
    require_file(HVCTL, "run `make test-build`")
    port = free_port()
    host = f"127.0.0.1:{port}"
    netdev = f"user,id=n0,hostfwd=tcp:{host}-:80"
    q = Qemu(require_manual_image(), accel="tcg", smp=2, mem=512, cpu=SVM_CPU,
             extra_args=("-netdev", netdev, "-device", "e1000,netdev=n0"))
    with q:
        boot_entry(q, 1)
        m = q.wait_for(READY_IP_RE, 120)
        check(m.group(1) != "none", "hv got no IP address (ready line says ip=none)")

        token_file = os.path.join(HOME, ".config", "hvctl", "token")
        if os.path.exists(token_file):
            os.unlink(token_file)
        _, err = expect(hvctl("vm", "list", host=host), 1, "vm list before login")
        check("authentication required" in err and "(HTTP 401)" in err
              and "hvctl login" in err, f"vm list before login: {err!r}")
        _, err = expect(hvctl("login", host=host, password="not-it"), 1, "login, wrong password")
        check("wrong password (HTTP 401)" in err, f"wrong password: {err!r}")
        check(not os.path.exists(token_file), "a failed login saved a token")
        out, _ = expect(hvctl("login", host=host, password=PASSWORD), 0, "hvctl login")
        check(f"token saved in {token_file}" in out, f"login printed {out!r}")
        mode = stat.S_IMODE(os.stat(token_file).st_mode)
        check(mode == 0o600, f"token file mode {oct(mode)}, expected 0o600")
        with open(token_file) as f:
            token = f.read().strip()
        check(re.fullmatch(r"[0-9a-f]{64}", token), f"saved token {token!r}")
        _, err = expect(hvctl("--token", "0" * 64, "host", host=host), 1, "--token bogus")
        check("invalid or expired token" in err, f"--token bogus: {err!r}")
        out, _ = expect(hvctl("--token", token, "--json", "host", host=host), 0, "--token good")
        check(json.loads(out).get("hostname") == "hv", f"--token good: {out!r}")

        out, _ = expect(hvctl("host", host=host), 0, "hvctl host")
        check(re.search(r"^hostname\s+hv$", out, re.M), f"host: no hostname line: {out!r}")
        check(re.search(r"^cpus\s+2$", out, re.M), f"host: no 'cpus 2' line: {out!r}")
        check(re.search(r"^memory\s+\d+ MiB free of \d+ MiB$", out, re.M),
              f"host: no memory line: {out!r}")
        check(re.search(r"^backend\s+svm$", out, re.M), f"host: no 'backend svm': {out!r}")

        out, _ = expect(hvctl("--json", "host", host=host), 0, "hvctl --json host")
        try:
            h = json.loads(out)
        except ValueError:
            raise TestFailure(f"--json host is not JSON: {out!r}")
        check(h.get("hostname") == "hv" and h.get("cpus") == 2
              and isinstance(h.get("memory", {}).get("total_mib"), int)
              and isinstance(h.get("uptime_s"), int), f"--json host: {h}")

        out, _ = expect(hvctl("vm", "list", host=host), 0, "hvctl vm list")
        lines = out.splitlines()
        check(lines and lines[0].split()[:2] == ["NAME", "STATE"], f"vm list header: {out!r}")
        rows = {ln.split()[0]: ln.split()[1] for ln in lines[1:] if ln.strip()}
        check(BUILTIN_VMS <= set(rows), f"vm list lacks built-in VMs: {sorted(rows)}")
        check(rows["spin"] == "stopped", f"spin not stopped at boot: {out!r}")

        out, _ = expect(hvctl("--json", "vm", "list", host=host), 0, "hvctl --json vm list")
        check(BUILTIN_VMS <= {v["name"] for v in json.loads(out)["vms"]}, f"--json vm list: {out!r}")

        out, _ = expect(hvctl("vm", "start", "spin", host=host), 0, "vm start spin")
        check(out.strip() == "spin: running", f"vm start spin printed {out!r}")
        out, _ = expect(hvctl("vm", "show", "spin", host=host), 0, "vm show spin")
        check(re.search(r"^state\s+running$", out, re.M), f"vm show spin: not running: {out!r}")
        check(re.search(r"^name\s+spin$", out, re.M), f"vm show spin: {out!r}")

        _, err = expect(hvctl("vm", "start", "spin", host=host), 1, "second vm start spin")
        check(re.fullmatch(r"hvctl: VM spin is already running \(HTTP 409\)\n", err),
              f"second start: {err!r}")
        out, err = expect(hvctl("--json", "vm", "start", "spin", host=host), 1,
                          "second vm start spin with --json")
        check(json.loads(out)["error"]["code"] == 409, f"--json 409: {out!r}")

        out, _ = expect(hvctl("vm", "stop", "spin", host=host), 0, "vm stop spin")
        check(out.strip() in ("spin: stopping", "spin: stopped"), f"vm stop spin printed {out!r}")
        q.wait_for(r"vm spin: stopped \(", 30)
        out, _ = expect(hvctl("--json", "vm", "show", "spin", host=host), 0, "--json vm show spin")
        check(json.loads(out).get("state") == "stopped", f"spin after stop: {out!r}")
        _, err = expect(hvctl("vm", "stop", "spin", host=host), 1, "stop of a stopped VM")
        check("not running (HTTP 409)" in err, f"second stop: {err!r}")

        _, err = expect(hvctl("vm", "show", "nosuch", host=host), 1, "vm show nosuch")
        check("no such VM" in err and "(HTTP 404)" in err, f"vm show nosuch: {err!r}")

        # HVCTL_HOST stands in for --host.
        env = hvctl_env(HVCTL_HOST=host)
        p = subprocess.run([str(HVCTL), "vm", "show", "hello"], capture_output=True,
                           text=True, timeout=30, env=env)
        check(p.returncode == 0 and re.search(r"^name\s+hello$", p.stdout, re.M),
              f"HVCTL_HOST: exit {p.returncode}: {p.stdout!r} {p.stderr!r}")


def boot_hv():
    """hv in QEMU with the API forwarded; (qemu, host) logged in via hvctl."""
    port = free_port()
    host = f"127.0.0.1:{port}"
    netdev = f"user,id=n0,hostfwd=tcp:{host}-:80"
    q = Qemu(require_manual_image(), accel="tcg", smp=2, mem=512, cpu=SVM_CPU,
             extra_args=("-netdev", netdev, "-device", "e1000,netdev=n0"))
    try:
        boot_entry(q, 1)
        m = q.wait_for(READY_IP_RE, 120)
        check(m.group(1) != "none", "hv got no IP address (ready line says ip=none)")
        expect(hvctl("login", host=host, password=PASSWORD), 0, "hvctl login")
    except BaseException:
        q.kill()
        raise
    return q, host


def wait_vm_state(host, name, want, limit=30):
    end = time.monotonic() + limit
    while True:
        out, _ = expect(hvctl("--json", "vm", "show", name, host=host), 0, f"vm show {name}")
        state = json.loads(out)["state"]
        if state == want:
            return
        check(time.monotonic() < end, f"VM {name} is {state}, not {want}, after {limit} s")
        time.sleep(0.2)


@timeout(420)
def test_hvctl_vm_define_tcg():
    """vm create from KEY=VALUE and from JSON on stdin, hv's refusals as exit
    1 with its message (409 exists, 422 bad value), vm show with the
    definition, vm set, vm delete; disks, network and events tables."""
    require_file(HVCTL, "run `make test-build`")
    q, host = boot_hv()
    with q:
        out, _ = expect(hvctl("vm", "create", "web", "memory=16", "boot=guest:hello",
                              "autostart=no", host=host), 0, "vm create web")
        for pat in (r"^name\s+web$", r"^state\s+stopped$", r"^memory\s+16 MiB$",
                    r"^boot\s+guest:hello$", r"^autostart\s+false$", r"^disks\s+-$"):
            check(re.search(pat, out, re.M), f"vm create web: no /{pat}/ in {out!r}")
        out, _ = expect(hvctl("--json", "vm", "create", "web2", "boot=guest:spin",
                              "disk=VMS/a.img,readonly", "disk=VMS/b.img", host=host), 0,
                        "--json vm create web2")
        d = json.loads(out)["definition"]
        check(d["disks"] == [{"path": "VMS/a.img", "readonly": True},
                             {"path": "VMS/b.img", "readonly": False}], f"web2 disks: {d}")
        _, err = expect(hvctl("vm", "create", "web", "boot=guest:hello", host=host), 1,
                        "create web twice")
        check("VM web already exists (HTTP 409)" in err, f"create twice: {err!r}")
        _, err = expect(hvctl("vm", "create", "web3", "memory=1", "boot=guest:hello", host=host),
                        1, "memory=1")
        check("memory_mib: 2-65536 MiB expected" in err and "(HTTP 422)" in err, f"memory=1: {err!r}")
        p = subprocess.run([str(HVCTL), "--host", host, "vm", "create", "-"], capture_output=True,
                           text=True, timeout=30, env=hvctl_env(),
                           input='{"name":"fromjson","memory_mib":8,"boot":"guest:hello"}')
        check(p.returncode == 0 and re.search(r"^name\s+fromjson$", p.stdout, re.M),
              f"vm create - : exit {p.returncode}: {p.stdout!r} {p.stderr!r}")
        p = subprocess.run([str(HVCTL), "--host", host, "vm", "create", "-"], capture_output=True,
                           text=True, timeout=30, env=hvctl_env(), input='{"name":"x","colour":1}')
        check(p.returncode == 1 and 'unknown field "colour"' in p.stderr, f"create - bad: {p.stderr!r}")

        out, _ = expect(hvctl("vm", "set", "web", "memory=32", "autostart=yes", host=host), 0,
                        "vm set web")
        check(re.search(r"^memory\s+32 MiB$", out, re.M) and re.search(r"^autostart\s+true$", out, re.M),
              f"vm set web: {out!r}")
        out, _ = expect(hvctl("vm", "show", "web", host=host), 0, "vm show web")
        check(re.search(r"^memory\s+32 MiB$", out, re.M), f"vm show web after set: {out!r}")
        _, err = expect(hvctl("vm", "set", "nosuch", "memory=8", host=host), 1, "set nosuch")
        check("no such VM" in err, f"set nosuch: {err!r}")

        out, _ = expect(hvctl("vm", "delete", "web2", host=host), 0, "vm delete web2")
        check(out.strip() == "web2: deleted", f"vm delete printed {out!r}")
        _, err = expect(hvctl("vm", "delete", "web2", host=host), 1, "vm delete web2 again")
        check("no such VM: web2 (HTTP 404)" in err, f"delete twice: {err!r}")

        out, _ = expect(hvctl("disks", host=host), 0, "disks")
        check(re.search(r"^ata0\s+\d+\.\d MiB\s+(mbr|gpt)\s+QEMU HARDDISK$", out, re.M)
              and re.search(r"^  part 2\s+\d+\.\d MiB$", out, re.M), f"disks: {out!r}")
        out, _ = expect(hvctl("network", host=host), 0, "network")
        check(re.search(r"^e1000-0\s+52:54:00:12:34:56\s+up\s+10\.0\.2\.15\s+dhcp\s+bound$", out, re.M),
              f"network: {out!r}")
        out, _ = expect(hvctl("events", host=host), 0, "events")
        check(re.search(r"^\d+ \d+ ms web defined$", out, re.M) and
              re.search(r"^\d+ \d+ ms web2 deleted$", out, re.M) and
              re.search(r"^next \d+$", out, re.M), f"events: {out!r}")
        out, _ = expect(hvctl("--json", "events", "0", host=host), 0, "--json events")
        check(isinstance(json.loads(out)["events"], list), f"--json events: {out!r}")


@timeout(420)
def test_hvctl_vm_lifecycle_tcg():
    """vm start/pause/resume/reset/shutdown/stop print the new state and fail
    with hv's 409 message where the state does not allow it; vm console
    prints a stopped VM's output and returns; on a running VM it sends the
    typed lines (and keeps following until stopped)."""
    require_file(HVCTL, "run `make test-build`")
    q, host = boot_hv()
    with q:
        expect(hvctl("vm", "start", "hello", host=host), 0, "vm start hello")
        q.wait_for(r"vm hello: stopped \(guest powered off\)", 120)
        wait_vm_state(host, "hello", "stopped")
        out, err = expect(hvctl("vm", "console", "hello", host=host), 0, "vm console hello")
        check("hello from the guest" in out and "powering off" in out, f"console hello: {out!r}")
        check("VM hello is stopped" in err, f"console hello: stderr {err!r}")
        out, _ = expect(hvctl("--json", "vm", "console", "hello", host=host), 0, "--json console")
        first = json.loads(out.splitlines()[0])
        check("hello from the guest" in first["data"] and first["next"] > 0, f"--json console: {out!r}")
        _, err = expect(hvctl("vm", "console", "nosuch", host=host), 1, "console nosuch")
        check("no such VM" in err, f"console nosuch: {err!r}")

        for cmd, state in (("start", "running"), ("pause", "paused"), ("resume", "running"),
                           ("reset", "running")):
            out, _ = expect(hvctl("vm", cmd, "spin", host=host), 0, f"vm {cmd} spin")
            check(out.strip() == f"spin: {state}", f"vm {cmd} spin printed {out!r}")
        _, err = expect(hvctl("vm", "resume", "spin", host=host), 1, "resume a running VM")
        check("(HTTP 409)" in err and "running" in err, f"resume running: {err!r}")

        # typing: a line on stdin goes to the guest; hvctl keeps following until killed
        p = subprocess.Popen([str(HVCTL), "--host", host, "vm", "console", "spin"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=hvctl_env(), start_new_session=True)
        try:
            p.stdin.write("typed line\n")
            p.stdin.flush()
            end = time.monotonic() + 30
            audit = ""
            while "POST /api/v1/vms/spin/console -> 200" not in audit:
                check(time.monotonic() < end and p.poll() is None,
                      f"the typed line never reached hv (hvctl exit {p.poll()}); audit: {audit!r}")
                time.sleep(0.5)
                req = urllib.request.Request(f"http://{host}/api/v1/audit",
                                             headers={"Authorization": f"Bearer {token()}"})
                with urllib.request.urlopen(req, timeout=30) as r:
                    audit = r.read().decode()
        finally:
            p.kill()
            p.wait()

        out, _ = expect(hvctl("vm", "shutdown", "spin", host=host), 0, "vm shutdown spin")
        check(out.strip() in ("spin: running", "spin: stopping"), f"vm shutdown printed {out!r}")
        q.wait_for(r"vm spin: power button pressed", 10)
        out, _ = expect(hvctl("vm", "stop", "spin", host=host), 0, "vm stop spin")
        wait_vm_state(host, "spin", "stopped")
        _, err = expect(hvctl("vm", "pause", "spin", host=host), 1, "pause a stopped VM")
        check("(HTTP 409)" in err, f"pause stopped: {err!r}")


def token():
    with open(os.path.join(HOME, ".config", "hvctl", "token")) as f:
        return f.read().strip()
