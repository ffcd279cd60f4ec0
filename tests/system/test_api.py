"""The management HTTP/1.1 server and REST API (docs/api.md) on port 80,
reached through QEMU's user networking with a forwarded host port, in
hypervisor mode (boot entry 1) on AMD-V under TCG (`-cpu qemu64,+svm,+npt`)
so the built-in VMs exist.  Raw sockets throughout: what goes over the wire
is what is tested.  The image's HV.CFG sets the default admin password
(hv-admin), so each test logs in first and sends the token (docs/api.md
"Authentication")."""

import json
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

from hvqemu import (free_port, Qemu, artifacts_dir, boot_entry, check, exclusive,
                    require_manual_image, timeout)

SVM_CPU = "qemu64,+svm,+npt"
READY_IP_RE = r"hv: ready mode=hypervisor cpus=\d+ memory=\d+MiB ip=(\S+)\r?\n"
PASSWORD = "hv-admin"
BUILTIN_VMS = {"hello", "hostile", "triple", "spin", "timer", "cmos", "kbc", "mmio", "tick"}



def image_with_config(text):
    """A copy of hv.vhd whose boot partition (at 1 MiB) holds this HV.CFG."""
    d = artifacts_dir()
    img = d / "hv-api.vhd"
    shutil.copyfile(require_manual_image(), img)
    cfg = d / "HV.CFG"
    cfg.write_text(text)
    r = subprocess.run(["mcopy", "-o", "-i", f"{img}@@1M", str(cfg), "::/HV.CFG"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(r.returncode == 0, f"mcopy of HV.CFG into {img} failed: {r.stdout.decode().strip()}")
    return img


# The VM tests' image: autostart off, so the first OS's boot (and its
# console output) does not run beside the load and timing of these tests.
class Hv:
    def __init__(self, image=None, log_in=True, writable=False):
        self.port = free_port()
        netdev = f"user,id=n0,hostfwd=tcp:127.0.0.1:{self.port}-:80"
        self.q = Qemu(image or require_manual_image(), accel="tcg", smp=2, mem=512, cpu=SVM_CPU,
                      extra_args=("-netdev", netdev, "-device", "e1000,netdev=n0"),
                      writable=writable)
        try:
            boot_entry(self.q, 1)
            m = self.q.wait_for(READY_IP_RE, 120)
            check(m.group(1) != "none", "hv got no IP address (ready line says ip=none)")
            self.token = None
            if log_in:
                self.token = login(self)
        except BaseException:
            self.q.kill()
            raise

    def auth(self):
        """The Authorization header line for raw requests."""
        return f"Authorization: Bearer {self.token}\r\n"

    def connect(self, limit=30):
        return socket.create_connection(("127.0.0.1", self.port), timeout=limit)


class Response:
    def __init__(self, version, status, headers, body):
        self.version, self.status, self.headers, self.body = version, status, headers, body

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            raise AssertionError(f"not JSON: {self.body!r}")

    def __repr__(self):
        return f"<{self.status} {self.headers} {self.body[:300]!r}>"


def read_response(f, head_only=False):
    """One response from the file f (socket.makefile('rb')); None at EOF."""
    line = f.readline()
    if not line:
        return None
    m = re.match(rb"(HTTP/1\.[01]) (\d{3}) [^\r\n]*\r\n$", line)
    check(m, f"malformed status line {line!r}")
    headers = {}
    while True:
        h = f.readline()
        check(h.endswith(b"\r\n"), f"header line without CRLF: {h!r}")
        if h == b"\r\n":
            break
        k, v = h.decode().split(":", 1)
        headers[k.strip().lower()] = v.strip()
    n = 0 if head_only else int(headers.get("content-length", "0"))
    body = f.read(n) if n else b""
    return Response(m.group(1).decode(), int(m.group(2)), headers, body.decode(errors="replace"))


def exchange(hv, raw, limit=30):
    """Send raw bytes on a new connection; the first response."""
    with hv.connect(limit) as s:
        s.sendall(raw)
        return read_response(s.makefile("rb"))


def request(hv, method, path, body=b"", headers="", token=True):
    """token: True sends hv's token, a string sends that one, None none."""
    if token is True:
        token = hv.token
    if token is not None:
        headers += f"Authorization: Bearer {token}\r\n"
    raw = (f"{method} {path} HTTP/1.1\r\nHost: hv\r\nConnection: close\r\n{headers}"
           f"Content-Length: {len(body)}\r\n\r\n").encode() + body
    r = exchange(hv, raw)
    check(r is not None, f"{method} {path}: connection closed without a response")
    return r


def try_login(hv, password):
    body = json.dumps({"password": password}).encode()
    return request(hv, "POST", "/api/v1/session", body,
                   "Content-Type: application/json\r\n", token=None)


def login(hv, password=PASSWORD):
    r = try_login(hv, password)
    check(r.status == 201, f"login with {password!r}: {r!r}")
    tok = r.json().get("token")
    check(isinstance(tok, str) and re.fullmatch(r"[0-9a-f]{64}", tok),
          f"login: token is not 64 hex digits: {r.body!r}")
    return tok


def check_error(r, status, what):
    check(r.status == status, f"{what}: status {r.status}, expected {status}: {r!r}")
    check(r.headers.get("content-type") == "application/json",
          f"{what}: error is not application/json: {r!r}")
    e = r.json().get("error", {})
    check(e.get("code") == status and isinstance(e.get("message"), str) and e["message"],
          f"{what}: error body is not {{\"error\":{{\"code\":{status},\"message\":...}}}}: {r.body!r}")
    return e["message"]


def vm_state(hv, name):
    r = request(hv, "GET", f"/api/v1/vms/{name}")
    check(r.status == 200, f"GET /api/v1/vms/{name}: {r!r}")
    return r.json()["state"]


def wait_state(hv, name, want, limit=30):
    """Polls the VM until it is in state want (the log line of a stop comes
    just before the state settles)."""
    end = time.monotonic() + limit
    while (state := vm_state(hv, name)) != want:
        check(time.monotonic() < end, f"VM {name} is {state}, not {want}, after {limit} s")
        time.sleep(0.2)


@timeout(420)
def test_api_endpoints_tcg():
    """GET / and /api/v1/host, errors in the JSON format (400, 404, 405, 411,
    413, 431, 505), keep-alive with 3 requests on one connection, pipelining,
    HEAD."""
    hv = Hv()
    with hv.q:
        r = request(hv, "GET", "/")
        check(r.status == 200 and re.fullmatch(r"hv \S+ on hv\n", r.body),
              f"GET / is not 200 'hv <version> on hv': {r!r}")

        r = request(hv, "GET", "/api/v1/host")
        check(r.status == 200, f"GET /api/v1/host: {r!r}")
        h = r.json()
        for key, kind in (("version", str), ("hostname", str), ("uptime_s", int), ("cpus", int),
                          ("memory", dict)):
            check(isinstance(h.get(key), kind), f"/api/v1/host: {key} missing or not {kind}: {h}")
        check(h["hostname"] == "hv" and h["cpus"] == 2, f"/api/v1/host: {h}")
        check(h["backend"] == "svm", f"/api/v1/host: backend {h.get('backend')!r}, expected svm")
        mem = h["memory"]
        check(400 < mem.get("total_mib", 0) <= 512 and 0 < mem.get("free_mib", 0) <= mem["total_mib"],
              f"/api/v1/host: memory {mem} for a 512 MiB machine")

        check_error(request(hv, "GET", "/api/v1/nope"), 404, "unknown path")
        r = request(hv, "DELETE", "/api/v1/host")
        check_error(r, 405, "DELETE /api/v1/host")
        check(r.headers.get("allow") == "GET, HEAD", f"405 without 'Allow: GET, HEAD': {r!r}")
        check_error(exchange(hv, b"GET /api/v1/host HTTTP/1.1\r\nHost: hv\r\n\r\n"), 400,
                    "malformed request line")
        check_error(exchange(hv, b"GET  /api/v1/host HTTP/1.1\r\nHost: hv\r\n\r\n"), 400,
                    "two spaces in the request line")
        check_error(exchange(hv, b"GET / HTTP/1.1\r\n\r\n"), 400, "no Host header")
        check_error(exchange(hv, b"GET / HTTP/2.0\r\nHost: hv\r\n\r\n"), 505, "HTTP/2.0")
        check_error(exchange(hv, b"POST /api/v1/vms/hello/start HTTP/1.1\r\nHost: hv\r\n"
                                 b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 411, "chunked body")
        msg = check_error(exchange(hv, b"POST /api/v1/vms/hello/start HTTP/1.1\r\nHost: hv\r\n"
                                       b"Content-Length: 2000000\r\n\r\n"), 413, "oversized body")
        check("1048576" in msg, f"413 does not name the limit: {msg!r}")
        big = b"X-Big: " + b"a" * 17000 + b"\r\n"
        check_error(exchange(hv, b"GET / HTTP/1.1\r\nHost: hv\r\n" + big + b"\r\n"), 431,
                    "17 KB header")

        # keep-alive: three requests, one connection, answered in order
        with hv.connect() as s:
            f = s.makefile("rb")
            for path in ("/api/v1/host", "/", "/api/v1/nope"):
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: hv\r\n{hv.auth()}\r\n".encode())
                r = read_response(f)
                check(r is not None, f"keep-alive: connection closed before the answer to {path}")
                check(r.headers.get("connection") == "keep-alive",
                      f"keep-alive: {path} answered with Connection: {r.headers.get('connection')}")
            check(r.status == 404, f"keep-alive: third answer {r!r}")
            # pipelined: two requests in one send, the second closes
            s.sendall(f"HEAD /api/v1/host HTTP/1.1\r\nHost: hv\r\n{hv.auth()}\r\n".encode() +
                      b"GET / HTTP/1.1\r\nHost: hv\r\nConnection: close\r\n\r\n")
            r = read_response(f, head_only=True)
            check(r.status == 200 and int(r.headers["content-length"]) > 0,
                  f"pipelined HEAD: {r!r}")
            r = read_response(f)
            check(r.status == 200 and r.body.startswith("hv "), f"pipelined GET: {r!r}")
            check(f.read() == b"", "the server did not close after Connection: close")

        # a body of exactly the limit is read in full; the connection goes on
        with hv.connect(120) as s:
            f = s.makefile("rb")
            s.sendall(b"POST /api/v1/nope HTTP/1.1\r\nHost: hv\r\nContent-Length: 1048576\r\n"
                      b"Expect: 100-continue\r\n\r\n")
            r = read_response(f)
            check(r.status == 100, f"Expect: 100-continue answered {r!r}")
            s.sendall(bytes(1 << 20))
            r = read_response(f)
            check_error(r, 404, "POST with a 1 MiB body to an unknown path")
            s.sendall(b"GET / HTTP/1.1\r\nHost: hv\r\n\r\n")
            r = read_response(f)
            check(r is not None and r.status == 200, f"GET after the 1 MiB body: {r!r}")


@timeout(420)
def test_api_auth_tcg():
    """GET / is open; without a token, with a bad one, or after logout: 401
    with WWW-Authenticate: Bearer; a wrong password: 401; the sixth wrong
    password in a row: 429 (even the right one then), while a token from
    before keeps working; login then the VM list works."""
    hv = Hv()
    with hv.q:
        check("hv: mgmt: warning: the admin password is the default one" in hv.q.text(),
              "no boot warning about the default admin password")
        r = request(hv, "GET", "/", token=None)
        check(r.status == 200 and r.body.startswith("hv "), f"GET / without a token: {r!r}")

        for path in ("/api/v1/vms", "/api/v1/host", "/api/v1/vms/hello"):
            r = request(hv, "GET", path, token=None)
            msg = check_error(r, 401, f"GET {path} without a token")
            check(r.headers.get("www-authenticate", "").startswith("Bearer"),
                  f"401 without WWW-Authenticate: Bearer: {r!r}")
            check("/api/v1/session" in msg, f"401 does not say how to log in: {msg!r}")
        check_error(request(hv, "POST", "/api/v1/vms/spin/start", token=None), 401,
                    "start without a token")
        r = request(hv, "GET", "/api/v1/vms", token="0" * 64)
        check_error(r, 401, "a made-up token")
        check('invalid_token' in r.headers.get("www-authenticate", ""),
              f"bad token: WWW-Authenticate lacks error=invalid_token: {r!r}")
        check_error(request(hv, "GET", "/api/v1/vms", token="xyz"), 401, "a malformed token")
        check_error(request(hv, "GET", "/api/v1/vms", headers="Authorization: Basic YTpi\r\n",
                            token=None), 401, "Basic instead of Bearer")

        check_error(request(hv, "POST", "/api/v1/session", b"password=hv-admin", token=None),
                    400, "login with a form body")
        check_error(request(hv, "POST", "/api/v1/session", b'{"pass":"hv-admin"}', token=None),
                    400, "login without a password member")

        tok = login(hv)
        check(tok != hv.token, "two logins gave the same token")
        r = request(hv, "GET", "/api/v1/vms", token=tok)
        check(r.status == 200 and BUILTIN_VMS <= {v["name"] for v in r.json()["vms"]},
              f"GET /api/v1/vms after login: {r!r}")
        r = request(hv, "DELETE", "/api/v1/session", token=tok)
        check(r.status == 204, f"logout: {r!r}")
        check_error(request(hv, "GET", "/api/v1/vms", token=tok), 401, "a token after logout")

        for i in range(5):
            r = try_login(hv, f"wrong-{i}")
            check_error(r, 401, f"wrong password #{i + 1}")
        r = try_login(hv, "wrong-5")
        msg = check_error(r, 429, "the sixth wrong password")
        check(r.headers.get("retry-after", "").isdigit(), f"429 without Retry-After: {r!r}")
        check_error(try_login(hv, PASSWORD), 429, "the right password during the lockout")
        r = request(hv, "GET", "/api/v1/host")
        check(r.status == 200, f"a token from before the lockout stopped working: {r!r}")
        hv.q.wait_for(r"hv: mgmt: 5 wrong admin passwords within 60 s from 10\.0\.2\.2: its logins "
                      r"refused for 30 s", 10)


@timeout(420)
def test_api_no_password_tcg():
    """HV.CFG without admin.password: a boot warning, GET / still works and
    every /api/v1 request (the login included) answers 503 naming the key
    and the tool; a malformed admin.password is reported the same way."""
    hv = Hv(image_with_config("hostname = hv\nadmin.password = sha1$1$00$00\n"), log_in=False)
    with hv.q:
        check(re.search(r"hv: mgmt: warning: admin\.password in HV\.CFG is not valid: it does not "
                        r"start with pbkdf2-sha256\$", hv.q.text()),
              "no boot warning about the malformed admin.password")
        r = request(hv, "GET", "/", token=None)
        check(r.status == 200, f"GET / without a password configured: {r!r}")
        want = "no admin password configured: set admin.password in HV.CFG (tools/hvpasswd.py)"
        for method, path, body in (("GET", "/api/v1/vms", b""), ("GET", "/api/v1/host", b""),
                                   ("POST", "/api/v1/session", b'{"password":"hv-admin"}')):
            msg = check_error(request(hv, method, path, body, token=None), 503, f"{method} {path}")
            check(msg == want, f"{method} {path}: 503 says {msg!r}, expected {want!r}")
    hv = Hv(image_with_config("hostname = hv\n"), log_in=False)
    with hv.q:
        check("hv: mgmt: warning: " + want in hv.q.text(),
              "no boot warning about the missing admin.password")
        msg = check_error(request(hv, "GET", "/api/v1/vms", token=None), 503, "no password")
        check(msg == want, f"no password: 503 says {msg!r}")


@timeout(420)
def test_api_vms_tcg():
    """GET /api/v1/vms lists the built-in VMs; start of spin -> 200 and
    running, again -> 409, stop -> 200, stop again -> 409; unknown VM -> 404."""
    hv = Hv()
    with hv.q:
        r = request(hv, "GET", "/api/v1/vms")
        check(r.status == 200, f"GET /api/v1/vms: {r!r}")
        vms = {v["name"]: v for v in r.json()["vms"]}
        check(BUILTIN_VMS <= set(vms), f"built-in VMs missing from the list: {sorted(vms)}")
        check(all(vms[n]["state"] == "stopped" for n in BUILTIN_VMS),
              f"built-in VMs not stopped at boot: {vms}")

        check_error(request(hv, "GET", "/api/v1/vms/nosuchvm"), 404, "unknown VM")
        check_error(request(hv, "POST", "/api/v1/vms/nosuchvm/start"), 404, "start of an unknown VM")
        check_error(request(hv, "POST", "/api/v1/vms/nosuchvm/stop"), 404, "stop of an unknown VM")
        check_error(request(hv, "GET", "/api/v1/vms/hello/start"), 405, "GET on start")

        r = request(hv, "POST", "/api/v1/vms/hello/start")
        check(r.status == 200 and r.json()["name"] == "hello", f"start hello: {r!r}")
        hv.q.wait_for(r"vm hello: stopped \(guest powered off\)", 120)
        check(vm_state(hv, "hello") == "stopped", "hello not stopped after powering off")

        r = request(hv, "POST", "/api/v1/vms/spin/start")
        check(r.status == 200 and r.json()["state"] == "running", f"start spin: {r!r}")
        check(vm_state(hv, "spin") == "running", "spin is not running after start")
        msg = check_error(request(hv, "POST", "/api/v1/vms/spin/start"), 409, "second start of spin")
        check("running" in msg, f"409 does not say why: {msg!r}")
        r = request(hv, "POST", "/api/v1/vms/spin/stop")
        check(r.status == 200 and r.json()["state"] in ("stopping", "stopped"), f"stop spin: {r!r}")
        hv.q.wait_for(r"vm spin: stopped \(", 30)
        check(vm_state(hv, "spin") == "stopped", "spin not stopped after stop")
        check_error(request(hv, "POST", "/api/v1/vms/spin/stop"), 409, "stop of a stopped VM")


@exclusive            # the slowloris and idle cut-offs are timed in wall-clock seconds
@timeout(420)
def test_api_load_tcg():
    """100 concurrent connections each get their answer; a slowloris client
    (1 header byte a second) is cut off after the 10 s head timeout while
    others are still served; a connection that says nothing is closed after
    the 30 s idle timeout."""
    hv = Hv()
    with hv.q:
        results, errors = [], []

        def one(i):
            try:
                r = exchange(hv, f"GET /api/v1/host HTTP/1.1\r\nHost: c{i}\r\n{hv.auth()}"
                                 f"Connection: close\r\n\r\n".encode(), limit=90)
                results.append(r.status if r else None)
            except OSError as e:
                errors.append(f"{i}: {e}")

        threads = [threading.Thread(target=one, args=(i,)) for i in range(100)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        check(not errors and results.count(200) == 100,
              f"100 concurrent GETs: {results.count(200)} answered 200, others {results}, "
              f"errors {errors[:5]}")

        idle = hv.connect(60)
        idle_t0 = time.monotonic()

        # slowloris
        s = hv.connect(60)
        head = b"GET /api/v1/host HTTP/1.1\r\nHost: hv\r\nX-Slow: " + b"a" * 40
        t0 = time.monotonic()
        cut = None
        served = 0
        try:
            for b in head:
                s.sendall(bytes([b]))
                time.sleep(1)
                if exchange(hv, b"GET / HTTP/1.1\r\nHost: hv\r\nConnection: close\r\n\r\n").status == 200:
                    served += 1
                s.setblocking(False)
                try:
                    got = s.recv(4096)
                    cut = got
                    break
                except BlockingIOError:
                    pass
                finally:
                    s.setblocking(True)
        except OSError as e:
            cut = f"{e}".encode()
        elapsed = time.monotonic() - t0
        s.close()
        check(cut is not None, f"slowloris client still connected after {elapsed:.0f} s")
        check(9 <= elapsed <= 16, f"slowloris cut off after {elapsed:.1f} s, expected ~10-12 s")
        check(cut == b"" or b" 408 " in cut, f"slowloris got {cut!r}, expected 408 or a close")
        check(served >= 8, f"only {served} other requests were served during the slowloris")

        idle.settimeout(60)
        try:
            got = idle.recv(4096)
        except OSError as e:
            got = f"{e}".encode()
        idle_s = time.monotonic() - idle_t0
        idle.close()
        check(got == b"", f"idle connection got {got!r} instead of a plain close")
        check(29 <= idle_s <= 36, f"idle connection closed after {idle_s:.1f} s, expected ~30-32 s")


# --- VM definitions, life cycle, console, events (docs/api.md) -------------

def jreq(hv, method, path, obj=None, raw=None, token=True):
    """A request with a JSON body (obj) or raw bytes."""
    body = raw if raw is not None else (json.dumps(obj).encode() if obj is not None else b"")
    return request(hv, method, path, body, "Content-Type: application/json\r\n", token=token)


def ok(r, status, what):
    check(r.status == status, f"{what}: status {r.status}, expected {status}: {r!r}")
    return r.json() if r.body else None


def shell(q, cmd, limit=60):
    """Type cmd on hv's serial shell; what it printed up to the next prompt."""
    end = time.monotonic() + 120
    while not re.search(r"(?m)^hv: shell ready", q.text()):
        check(time.monotonic() < end and q.alive(), "hv's shell did not come up")
        time.sleep(0.2)
    q.mark()
    start = q.cursor
    q.send_slow(cmd + "\r", gap=0.01)
    end = q.wait_for(r"hv# ", limit).start()
    out = q.text()[start:end]
    return out.split(cmd, 1)[1] if cmd in out else out


@timeout(420)
def test_api_vm_define_tcg():
    """POST /api/v1/vms creates a persistent VM from JSON (201, Location, the
    definition echoed); every kind of bad body is refused with its status and
    a message naming the problem (400 malformed, 413 too large, 422 unknown
    field / wrong type / bad value / missing name, 409 exists, 401 no token);
    PATCH changes a stopped VM (422 for a bad field or a new name, 409 while
    it runs, 404 unknown); DELETE removes it (204, then 404)."""
    hv = Hv()
    with hv.q:
        d = ok(jreq(hv, "POST", "/api/v1/vms", {"name": "web", "memory_mib": 16,
                                                 "boot": "guest:hello", "autostart": False}),
               201, "create web")
        check(d["name"] == "web" and d["state"] == "stopped" and d["memory_mib"] == 16, f"{d}")
        check(d["definition"] == {"name": "web", "memory_mib": 16, "vcpus": 1,
                                  "boot": "guest:hello", "disks": [], "autostart": False},
              f"create web: definition {d.get('definition')}")
        hv.q.wait_for(r"vm web: defined", 10)
        r = jreq(hv, "POST", "/api/v1/vms", {"name": "web2", "boot": "guest:spin"})
        check(r.status == 201 and r.headers.get("location") == "/api/v1/vms/web2",
              f"create web2: no Location header: {r!r}")
        r = request(hv, "GET", "/api/v1/vms")
        check({"web", "web2"} <= {v["name"] for v in r.json()["vms"]}, f"list after create: {r!r}")
        check(ok(request(hv, "GET", "/api/v1/vms/web"), 200, "GET web")["definition"]["boot"]
              == "guest:hello", "GET web: definition")

        cases = (
            (b'{"name":"x",', 400, "malformed JSON at byte 0: unterminated object"),
            (b'{"name":"x",}', 400, "malformed JSON at byte 12"),
            (b"[1,2]", 400, "expected a JSON object"),
            (b'{"name":"x","memory":16}', 422, 'unknown field "memory"'),
            (b'{"name":"x","memory_mib":"16"}', 422, "memory_mib: an integer expected, got string"),
            (b'{"name":"x","memory_mib":1.5}', 422, "memory_mib: an integer expected"),
            (b'{"name":"x","memory_mib":1,"boot":"guest:hello"}', 422, "memory_mib: 2-65536 MiB"),
            (b'{"name":"Bad Name","boot":"guest:hello"}', 422, "name:"),
            (b'{"memory_mib":16}', 422, "name: missing"),
            (b'{"name":"x","name":"y"}', 422, 'field "name" given twice'),
            (b'{"name":"x","boot":"disk"}', 422, "boot = disk needs a disk"),
            (b'{"name":"x","disks":[7]}', 422, "disks[]"),
            (b'{"name":"web","boot":"guest:hello"}', 409, "VM web already exists"),
            (b'{"name":"x","pad":"' + b"a" * 9000 + b'"}', 413, "larger than 8192 bytes"),
        )
        for body, status, want in cases:
            msg = check_error(jreq(hv, "POST", "/api/v1/vms", raw=body), status, f"POST {body[:40]!r}")
            check(want in msg, f"POST {body[:40]!r}: message {msg!r} lacks {want!r}")
        check_error(jreq(hv, "POST", "/api/v1/vms", {"name": "z"}, token=None), 401, "create without a token")
        check_error(request(hv, "GET", "/api/v1/vms/x"), 404, "a refused VM was created anyway")

        d = ok(jreq(hv, "PATCH", "/api/v1/vms/web", {"memory_mib": 32, "autostart": True}), 200,
               "PATCH web")
        check(d["definition"]["memory_mib"] == 32 and d["definition"]["autostart"] is True,
              f"PATCH web: {d}")
        for body, status, want in (
                ({"colour": "red"}, 422, 'unknown field "colour"'),
                ({"name": "other"}, 422, "name: cannot be changed"),
                ({"memory_mib": 0}, 422, "memory_mib:"),
                ({"vcpus": 2}, 422, "vcpus:")):
            msg = check_error(jreq(hv, "PATCH", "/api/v1/vms/web", body), status, f"PATCH {body}")
            check(want in msg, f"PATCH {body}: {msg!r} lacks {want!r}")
        check(ok(request(hv, "GET", "/api/v1/vms/web"), 200, "GET web")["definition"]["memory_mib"]
              == 32, "a refused PATCH changed the definition")
        check_error(jreq(hv, "PATCH", "/api/v1/vms/nosuch", {"memory_mib": 8}), 404, "PATCH unknown")
        ok(request(hv, "POST", "/api/v1/vms/web2/start"), 200, "start web2 (spin)")
        msg = check_error(jreq(hv, "PATCH", "/api/v1/vms/web2", {"memory_mib": 8}), 409,
                          "PATCH a running VM")
        check("stop it first" in msg, f"PATCH running: {msg!r}")
        check_error(request(hv, "DELETE", "/api/v1/vms/web2"), 409, "DELETE a running VM")
        ok(request(hv, "POST", "/api/v1/vms/web2/stop"), 200, "stop web2")
        hv.q.wait_for(r"vm web2: stopped \(", 30)

        check(request(hv, "DELETE", "/api/v1/vms/web2").status == 204, "DELETE web2")
        check_error(request(hv, "GET", "/api/v1/vms/web2"), 404, "GET after DELETE")
        check_error(request(hv, "DELETE", "/api/v1/vms/web2"), 404, "second DELETE")
        out = shell(hv.q, "cat VMS/web.vm")
        check("memory = 32" in out and "boot = guest:hello" in out, f"VMS/web.vm: {out!r}")


@timeout(420)
def test_api_vm_lifecycle_tcg():
    """start/pause/resume/reset/shutdown/stop of the spin guest with the
    state after each and 409 where the state does not allow it; the hello
    guest's console output by offset (GET .../console), typing into a VM
    (POST .../console) and its errors; GET /api/v1/events lists the state
    changes in order and follows with ?since=next."""
    hv = Hv()
    with hv.q:
        ev0 = ok(request(hv, "GET", "/api/v1/events"), 200, "events")["next"]
        ok(request(hv, "POST", "/api/v1/vms/hello/start"), 200, "start hello")
        hv.q.wait_for(r"vm hello: stopped \(guest powered off\)", 120)
        c = ok(request(hv, "GET", "/api/v1/vms/hello/console?offset=0"), 200, "console hello")
        check("hello from the guest" in c["data"] and c["next"] >= len(c["data"].encode()) > 0
              and c["state"] == "stopped", f"console hello: {c}")
        c2 = ok(request(hv, "GET", f"/api/v1/vms/hello/console?offset={c['next']}"), 200,
                "console hello at the end")
        check(c2["data"] == "" and c2["next"] == c["next"], f"console at the end: {c2}")
        c3 = ok(request(hv, "GET", "/api/v1/vms/hello/console?offset=6&max=5"), 200, "console slice")
        check(c3["data"] == c["data"][6:11] and c3["next"] == 11, f"offset=6&max=5: {c3}")
        check_error(request(hv, "GET", "/api/v1/vms/hello/console?offset=abc"), 400, "offset=abc")
        check_error(request(hv, "GET", "/api/v1/vms/nosuch/console"), 404, "console of nosuch")
        # Long-poll: a stopped VM answers at once, whatever the wait.
        c4 = ok(request(hv, "GET", f"/api/v1/vms/hello/console?offset={c['next']}&wait=30"), 200,
                "long-poll on a stopped VM")
        check(c4["data"] == "" and c4["state"] == "stopped", f"long-poll, stopped VM: {c4}")
        check_error(request(hv, "GET", "/api/v1/vms/hello/console?wait=61"), 422, "wait=61")
        # A running VM: the answer waits for new output (tick prints "alive N"
        # once a second), other clients are served meanwhile.
        ok(request(hv, "POST", "/api/v1/vms/tick/start"), 200, "start tick")
        hv.q.wait_for(r"\[vm:tick\] alive", 60)
        end = ok(request(hv, "GET", "/api/v1/vms/tick/console?offset=0"), 200, "console tick")["next"]
        polled = []
        t = threading.Thread(target=lambda: polled.append(request(
            hv, "GET", f"/api/v1/vms/tick/console?offset={end}&wait=60")))
        t.start()
        ok(request(hv, "GET", "/api/v1/host"), 200, "host while a long-poll waits")
        t.join(90)
        check(polled and polled[0].status == 200, f"the long-poll did not answer: {polled}")
        lp = polled[0].json()
        check(lp["offset"] == end and "alive" in lp["data"] and lp["next"] > end,
              f"long-poll from offset {end}: {lp}")
        ok(request(hv, "POST", "/api/v1/vms/tick/stop"), 200, "stop tick")

        check_error(request(hv, "POST", "/api/v1/vms/spin/pause"), 409, "pause a stopped VM")
        ok(request(hv, "POST", "/api/v1/vms/spin/start"), 200, "start spin")
        check(ok(request(hv, "POST", "/api/v1/vms/spin/pause"), 200, "pause")["state"] == "paused",
              "pause: not paused")
        check(vm_state(hv, "spin") == "paused", "spin not paused")
        check_error(request(hv, "POST", "/api/v1/vms/spin/pause"), 409, "pause twice")
        check(ok(request(hv, "POST", "/api/v1/vms/spin/resume"), 200, "resume")["state"] == "running",
              "resume: not running")
        check_error(request(hv, "POST", "/api/v1/vms/spin/resume"), 409, "resume a running VM")
        ok(request(hv, "POST", "/api/v1/vms/spin/reset"), 200, "reset")
        hv.q.wait_for(r"vm spin: reset", 10)
        check(vm_state(hv, "spin") == "running", "spin not running after reset")

        w = ok(jreq(hv, "POST", "/api/v1/vms/spin/console", {"data": "abc\n"}), 200, "type")
        check(w == {"written": 4, "length": 4}, f"typing: {w}")
        w = ok(jreq(hv, "POST", "/api/v1/vms/spin/console", {"keys": "ab\n"}), 200, "keys")
        check(w == {"written": 3, "length": 3}, f"typing on the keyboard: {w}")
        check_error(jreq(hv, "POST", "/api/v1/vms/hello/console", {"keys": "x"}), 409,
                    "keys to a stopped VM")
        check_error(jreq(hv, "POST", "/api/v1/vms/spin/console", {"data": "a", "keys": "b"}), 422,
                    "data and keys at once")
        for body, status in ((b'{"data":', 400), (b'{"data":5}', 422), (b'{"text":"x"}', 422),
                             (b'{"data":"' + b"a" * 1100 + b'"}', 413)):
            check_error(jreq(hv, "POST", "/api/v1/vms/spin/console", raw=body), status,
                        f"console input {body[:20]!r}")

        ok(request(hv, "POST", "/api/v1/vms/spin/shutdown?grace_ms=2000"), 200, "shutdown")
        hv.q.wait_for(r"vm spin: power button pressed", 10)
        hv.q.wait_for(r"vm spin: stopped \(", 30)
        wait_state(hv, "spin", "stopped")
        check_error(request(hv, "POST", "/api/v1/vms/spin/shutdown?grace_ms=x"), 400, "grace_ms=x")
        check_error(request(hv, "POST", "/api/v1/vms/spin/reset"), 409, "reset a stopped VM")
        check_error(request(hv, "POST", "/api/v1/vms/nosuch/reset"), 404, "reset nosuch")

        e = ok(request(hv, "GET", f"/api/v1/events?since={ev0}"), 200, "events since")
        seen = [(x["vm"], x["what"]) for x in e["events"]]
        want = [("hello", "started"), ("hello", "stopped"), ("spin", "started"), ("spin", "paused"),
                ("spin", "resumed"), ("spin", "reset"), ("spin", "stopped")]
        it = iter(seen)
        check(all(w in it for w in want), f"events {seen} do not hold {want} in order")
        seqs = [x["seq"] for x in e["events"]]
        check(seqs == list(range(ev0, ev0 + len(seqs))) and e["next"] == ev0 + len(seqs),
              f"event numbers: {seqs}, next {e['next']}")
        e2 = ok(request(hv, "GET", f"/api/v1/events?since={e['next']}"), 200, "events at the end")
        check(e2["events"] == [] and e2["next"] == e["next"], f"events at the end: {e2}")
        check_error(request(hv, "GET", "/api/v1/events?since=-1"), 400, "since=-1")


@timeout(600)
def test_api_observe_tcg():
    """GET /api/v1/disks, /api/v1/network and /metrics (Prometheus text) with
    what the machine has; every change is in the audit log, in GET
    /api/v1/audit and in AUDIT.LOG on the datastore, which keeps the entries
    of an earlier boot; per-client login throttle message."""
    d = artifacts_dir()
    img = d / "hv-audit.vhd"
    shutil.copyfile(require_manual_image(), img)
    hv = Hv(img, writable=True)
    with hv.q:
        disks = ok(request(hv, "GET", "/api/v1/disks"), 200, "disks")["disks"]
        check(disks and disks[0]["name"] == "ata0" and disks[0]["size_bytes"] > 100 << 20
              and disks[0]["partition_table"] in ("mbr", "gpt")
              and 2 in [p["index"] for p in disks[0]["partitions"]], f"disks: {disks}")
        net = ok(request(hv, "GET", "/api/v1/network"), 200, "network")
        nic = net["interfaces"][0]
        check(net["hostname"] == "hv" and nic["name"] == "e1000-0" and nic["link_up"] is True
              and nic["address"] == "10.0.2.15" and nic["config"] == "dhcp"
              and nic["mac"] == "52:54:00:12:34:56" and nic["counters"]["rx_packets"] > 0,
              f"network: {net}")
        check(all(set(a) == {"address", "state"} for a in nic["ipv6"])
              and any(a["address"].startswith("fe80::") for a in nic["ipv6"]),
              f"network: no IPv6 link-local address: {nic['ipv6']}")
        check_error(request(hv, "GET", "/metrics", token=None), 401, "metrics without a token")
        r = request(hv, "GET", "/metrics")
        check(r.status == 200 and r.headers["content-type"].startswith("text/plain; version=0.0.4"),
              f"metrics: {r!r}")
        m = r.body
        for pat in (r"^# TYPE hv_uptime_seconds gauge$", r"^hv_uptime_seconds \d+\.\d{3}$",
                    r"^hv_cpus 2$", r"^hv_memory_free_bytes \d+$",
                    r'^hv_vm_state\{vm="spin",state="stopped"\} 1$',
                    r'^hv_vm_state\{vm="spin",state="running"\} 0$',
                    r'^hv_vm_starts_total\{vm="hello"\} 0$',
                    r'^hv_disk_size_bytes\{disk="ata0"\} \d+$',
                    r'^hv_nic_rx_packets_total\{nic="e1000-0"\} [1-9]\d*$'):
            check(re.search(pat, m, re.M), f"metrics lack {pat}:\n{m[:3000]}")
        for line in m.splitlines():
            check(line.startswith("#") or re.fullmatch(r'[a-z_]+(\{[^}]*\})? \d+(\.\d+)?', line),
                  f"metrics: not exposition format: {line!r}")

        ok(request(hv, "POST", "/api/v1/vms/spin/start"), 200, "start spin")
        ok(request(hv, "POST", "/api/v1/vms/spin/stop"), 200, "stop spin")
        check_error(request(hv, "POST", "/api/v1/vms/nosuch/start"), 404, "start nosuch")
        check_error(request(hv, "POST", "/api/v1/vms/spin/start", token="0" * 64), 401, "bad token")
        check_error(try_login(hv, "wrong"), 401, "wrong password")
        hv.q.wait_for(r"vm spin: stopped \(", 30)
        m = request(hv, "GET", "/metrics").body
        for pat in (r'^hv_vm_exits_total\{vm="spin",kind="intr"\} [1-9]\d*$',
                    r'^hv_vm_cpu_seconds_total\{vm="spin"\} \d+\.\d{9}$'):
            check(re.search(pat, m, re.M), f"metrics after a spin run lack {pat}:\n{m[:3000]}")
        a = ok(request(hv, "GET", "/api/v1/audit"), 200, "audit")
        check(a["file"] == "AUDIT.LOG", f"audit: {a}")
        ent = a["entries"]
        want = (r"^t=\d+\.\d{3} session=1 peer=10\.0\.2\.2:\d+ POST /api/v1/session -> 201$",
                r"session=1 peer=10\.0\.2\.2:\d+ POST /api/v1/vms/spin/start -> 200$",
                r"session=1 peer=\S+ POST /api/v1/vms/spin/stop -> 200$",
                r"session=1 peer=\S+ POST /api/v1/vms/nosuch/start -> 404 no such VM: nosuch$",
                r"session=- peer=\S+ POST /api/v1/vms/spin/start -> 401 invalid or expired token",
                r"session=- peer=\S+ POST /api/v1/session -> 401 wrong password$")
        for pat in want:
            check(any(re.search(pat, e) for e in ent), f"audit lacks {pat}: {ent}")
        check(not any(" GET " in e for e in ent), f"GETs in the audit log: {ent}")
        out = shell(hv.q, "cat AUDIT.LOG")
        check("POST /api/v1/vms/nosuch/start -> 404" in out and "wrong password" in out,
              f"AUDIT.LOG on the datastore: {out!r}")
        hv.q.kill()

    hv = Hv(img, writable=True)
    with hv.q:
        check_error(request(hv, "POST", "/api/v1/vms/again/start"), 404, "after reboot")
        ent = ok(request(hv, "GET", "/api/v1/audit"), 200, "audit after reboot")["entries"]
        check(any("POST /api/v1/vms/nosuch/start -> 404" in e for e in ent)
              and any("POST /api/v1/vms/again/start -> 404" in e for e in ent)
              and [i for i, e in enumerate(ent) if "nosuch" in e][0]
              < [i for i, e in enumerate(ent) if "again" in e][0],
              f"the audit log lost the first boot's entries or their order: {ent}")
        out = shell(hv.q, "cat AUDIT.LOG")
        check("nosuch/start -> 404" in out and "again/start -> 404" in out,
              f"AUDIT.LOG after the reboot: {out!r}")


def test_api_yaml_in_step():
    """docs/api.yaml describes exactly the routes of kernel/mgmt/http_server.c
    (no QEMU: the two files are compared)."""
    root = Path(__file__).resolve().parent.parent.parent
    src = (root / "kernel/mgmt/http_server.c").read_text()
    table = src[src.index("static const struct route routes[]"):]
    table = table[:table.index("};")]
    code = set(re.findall(r'\{ "([A-Z]+)", "([^"]+)",', table))
    doc, path = set(), None
    for line in (root / "docs/api.yaml").read_text().splitlines():
        m = re.match(r"^  (/\S*):$", line)
        if m:
            path = m.group(1)
            continue
        if re.match(r"^\S", line):
            path = None
        m = re.match(r"^    (get|post|put|patch|delete):$", line)
        if m and path:
            doc.add((m.group(1).upper(), path))
    check(code == doc, f"routes only in the code: {sorted(code - doc)}; "
                       f"only in docs/api.yaml: {sorted(doc - code)}")
