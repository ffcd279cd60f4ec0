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

from hvqemu import Qemu, artifacts_dir, boot_entry, check, require_image, timeout

SVM_CPU = "qemu64,+svm,+npt"
READY_IP_RE = r"hv: ready mode=hypervisor cpus=\d+ memory=\d+MiB ip=(\S+)\r?\n"
PASSWORD = "hv-admin"
BUILTIN_VMS = {"hello", "hostile", "triple", "spin", "timer", "cmos", "kbc", "mmio", "tick"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def image_with_config(text):
    """A copy of hv.vhd whose boot partition (at 1 MiB) holds this HV.CFG."""
    d = artifacts_dir()
    img = d / "hv-api.vhd"
    shutil.copyfile(require_image(), img)
    cfg = d / "HV.CFG"
    cfg.write_text(text)
    r = subprocess.run(["mcopy", "-o", "-i", f"{img}@@1M", str(cfg), "::/HV.CFG"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(r.returncode == 0, f"mcopy of HV.CFG into {img} failed: {r.stdout.decode().strip()}")
    return img


class Hv:
    def __init__(self, image=None, log_in=True):
        self.port = free_port()
        netdev = f"user,id=n0,hostfwd=tcp:127.0.0.1:{self.port}-:80"
        self.q = Qemu(image or require_image(), accel="tcg", smp=2, mem=512, cpu=SVM_CPU,
                      extra_args=("-netdev", netdev, "-device", "e1000,netdev=n0"))
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
        hv.q.wait_for(r"hv: mgmt: 5 wrong admin passwords within 60 s: logins refused for 30 s", 10)


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
        check(all(v["state"] == "stopped" for v in vms.values()), f"VMs not stopped at boot: {vms}")

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


@timeout(420)
def test_api_load_tcg():
    """50 concurrent connections each get their answer; a slowloris client
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

        threads = [threading.Thread(target=one, args=(i,)) for i in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        check(not errors and results.count(200) == 50,
              f"50 concurrent GETs: {results.count(200)} answered 200, others {results}, "
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
