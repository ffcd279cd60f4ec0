#!/usr/bin/env python3
"""REST API benchmark: GET /api/v1/host under wrk through QEMU's user networking.

    python3 bench/api.py [--accel kvm,tcg] [-d SECONDS] [-c CONNECTIONS] [--image build/hv.vhd]

Boots hv (entry 1) with an e1000 on user networking and a host port forwarded
to hv's port 80, logs in as admin (the image's default password), then runs
`wrk -t2 -c<C> -d<D>s --latency` with the Bearer token against
/api/v1/host (keep-alive) and reports requests/s and the 50/90/99th latency
percentiles per accelerator.  Serial logs are kept under build/bench/.
Needs Debian's wrk (`make deps` installs it).
"""

import argparse
import json
import re
import shutil
import socket
import subprocess
import sys

from benchlib import SVM_CPU, hvqemu, prepare

PASSWORD = "hv-admin"
READY_IP_RE = r"hv: ready mode=hypervisor cpus=\d+ memory=\d+MiB ip=(\S+)\r?\n"



def login(port):
    body = json.dumps({"password": PASSWORD}).encode()
    raw = (f"POST /api/v1/session HTTP/1.1\r\nHost: hv\r\nConnection: close\r\n"
           f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(raw)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    m = re.search(rb'"token":"([0-9a-f]{64})"', data)
    if not m:
        raise RuntimeError(f"login failed: {data[:300]!r}")
    return m.group(1).decode()


def to_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    v = float(m.group(1))
    return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v


def one(image, accel, seconds, conns):
    port = hvqemu.free_port()
    netdev = f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:80"
    cpu = None if accel == "kvm" else SVM_CPU
    with hvqemu.Qemu(image, accel=accel, smp=2, mem=1024, cpu=cpu, tag=f"api-{accel}",
                     extra_args=("-netdev", netdev, "-device", "e1000,netdev=n0")) as q:
        hvqemu.boot_entry(q, 1)
        m = q.wait_for(READY_IP_RE, 240)
        if m.group(1) == "none":
            raise RuntimeError("hv got no IP address")
        token = login(port)
        r = subprocess.run(["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency",
                            "-H", f"Authorization: Bearer {token}",
                            f"http://127.0.0.1:{port}/api/v1/host"],
                           capture_output=True, text=True, timeout=seconds + 120)
        out = r.stdout
        rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
        lat = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", out, re.M))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        sock = re.search(r"Socket errors: (.*)", out)
        if not rps or not lat:
            raise RuntimeError(f"wrk said:\n{out}\n{r.stderr}")
        return {"rps": float(rps.group(1)), "p50": to_ms(lat["50"]), "p90": to_ms(lat["90"]),
                "p99": to_ms(lat["99"]), "non2xx": int(errors.group(1)) if errors else 0,
                "sockerr": sock.group(1) if sock else "none"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--accel", default="kvm,tcg")
    ap.add_argument("-d", type=int, default=10, help="seconds of load (default 10)")
    ap.add_argument("-c", type=int, default=8, help="connections (default 8)")
    ap.add_argument("--image", default=str(hvqemu.IMAGE))
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("bench: wrk is missing (apt-get install wrk, or `make deps`)", file=sys.stderr)
        return 1
    image = prepare(args.image, "make image")
    if not image:
        return 1
    failed = 0
    print(f"GET /api/v1/host, wrk -t2 -c{args.c} -d{args.d}s, keep-alive, QEMU user networking")
    print(f"{'accel':6} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}  non-2xx  socket errors")
    for accel in args.accel.split(","):
        if accel == "kvm" and not hvqemu.kvm_usable():
            print(f"{accel:6} (KVM not usable here)")
            continue
        try:
            r = one(image, accel, args.d, args.c)
        except Exception as e:  # noqa: BLE001 -- report and go on to the next accelerator
            print(f"{accel:6} failed: {e}")
            failed += 1
            continue
        print(f"{accel:6} {r['rps']:8.1f} {r['p50']:8.2f} {r['p90']:8.2f} {r['p99']:8.2f}  "
              f"{r['non2xx']:7d}  {r['sockerr']}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
