"""The network stack: NIC drivers, lwIP, DHCP and static configuration, the
TCP echo service (port 7) and the minimal HTTP answer (port 80), reached
from the host through QEMU's user networking with forwarded ports on
127.0.0.1 only.  TCG only: it is the faster accelerator on this machine and
the drivers do not care."""

import re
import shutil
import socket
import subprocess
import threading
import time

from hvqemu import (free_port, Qemu, artifacts_dir, boot_entry, check, require_image,
                    variants)

PROMPT = r"hv# "
READY_IP_RE = r"hv: ready mode=\w+ cpus=\d+ memory=\d+MiB ip=(\S+)\r?\n"
QEMU_MAC = "52:54:00:12:34:56"
VERSION_RE = r"hv \S+ on "



def image_with_config(text):
    """A copy of hv.vhd whose boot partition (at 1 MiB) holds this HV.CFG."""
    d = artifacts_dir()
    img = d / "hv-net.vhd"
    shutil.copyfile(require_image(), img)
    cfg = d / "HV.CFG"
    cfg.write_text(text)
    r = subprocess.run(["mcopy", "-o", "-i", f"{img}@@1M", str(cfg), "::/HV.CFG"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(r.returncode == 0, f"mcopy of HV.CFG into {img} failed: {r.stdout.decode().strip()}")
    return img


class Booted:
    def __init__(self, q, ip, http_port, echo_port):
        self.q, self.ip, self.http_port, self.echo_port = q, ip, http_port, echo_port


def boot(accel, device, image=None, guest_ip=""):
    """Boot the recovery shell with one NIC of this model on user networking;
    returns once the shell prompt is there."""
    http, echo = free_port(), free_port()
    netdev = (f"user,id=n0,hostfwd=tcp:127.0.0.1:{http}-{guest_ip}:80,"
              f"hostfwd=tcp:127.0.0.1:{echo}-{guest_ip}:7")
    q = Qemu(image or require_image(), accel=accel, smp=2, mem=512,
             extra_args=("-netdev", netdev, "-device", f"{device},netdev=n0"))
    try:
        boot_entry(q, 4)
        m = q.wait_for(READY_IP_RE)
        q.wait_for(PROMPT, 60)
    except BaseException:
        q.kill()
        raise
    return Booted(q, m.group(1), http, echo)


def run(q, cmd, limit=60):
    start = q.cursor
    q.send_slow(cmd + "\r", gap=0.02)
    end = q.wait_for(PROMPT, limit).start()
    out = q.text()[start:end]
    return out.split(cmd, 1)[1] if cmd in out else out


def echo_roundtrip(port, data, limit=60):
    """Send data to the echo service while reading back; returns what came back."""
    got = bytearray()
    with socket.create_connection(("127.0.0.1", port), timeout=limit) as s:
        def reader():
            try:
                while len(got) < len(data):
                    b = s.recv(65536)
                    if not b:
                        break
                    got.extend(b)
            except OSError:
                pass
        t = threading.Thread(target=reader, daemon=True)
        t.start()
        s.sendall(data)
        t.join(limit)
    return bytes(got)


def http_get(port, path="/", limit=30):
    with socket.create_connection(("127.0.0.1", port), timeout=limit) as s:
        s.sendall(f"GET {path} HTTP/1.0\r\nHost: hv\r\n\r\n".encode())
        reply = b""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            b = s.recv(4096)
            if not b:
                break
            reply += b
    return reply.decode(errors="replace")


def check_services(b, hostname="hv"):
    small = b"hello, hv\n"
    got = echo_roundtrip(b.echo_port, small)
    check(got == small, f"echo on port 7 returned {got!r} for {small!r}")

    big = bytes((i * 7 + (i >> 8)) & 0xFF for i in range(1 << 20))
    t0 = time.monotonic()
    got = echo_roundtrip(b.echo_port, big, limit=120)
    check(got == big, f"1 MiB through echo: got {len(got)} bytes back"
                      f"{', different content' if len(got) == len(big) else ''}")
    (artifacts_dir() / "echo-1mib-seconds.txt").write_text(f"{time.monotonic() - t0:.2f}\n")

    reply = http_get(b.http_port)
    check(re.match(r"HTTP/1\.[01] 200 ", reply) is not None, f"GET / did not answer 200: {reply[:200]!r}")
    check(re.search(VERSION_RE + re.escape(hostname) + r"\n", reply),
          f"GET / body is not 'hv <version> on {hostname}': {reply!r}")
    reply = http_get(b.http_port, "/nope")
    check(re.match(r"HTTP/1\.[01] 404 ", reply) is not None, f"GET /nope did not answer 404: {reply[:200]!r}")


def check_net_command(b, name, how, address):
    out = run(b.q, "net")
    check(re.search(rf"^{re.escape(name)}: .*mac {QEMU_MAC}, link up", out, re.M),
          f"`net` does not show {name} with MAC {QEMU_MAC} and link up: {out!r}")
    rx = re.search(r"rx (\d+) packets (\d+) bytes (\d+) errors", out)
    tx = re.search(r"tx (\d+) packets (\d+) bytes (\d+) errors", out)
    check(rx and tx, f"`net` shows no rx/tx counters: {out!r}")
    check(int(rx.group(1)) > 0 and int(tx.group(1)) > 0 and int(rx.group(2)) > 0,
          f"`net` counters did not move: {out!r}")
    check(re.search(rf"ipv4 {re.escape(address)} netmask 255\.255\.255\.0 gateway 10\.0\.2\.2 "
                    rf"\({how}", out),
          f"`net` does not show {address}/24 via 10.0.2.2 ({how}): {out!r}")
    check(re.search(r"^dns 10\.0\.2\.3", out, re.M), f"`net` shows no DNS 10.0.2.3: {out!r}")
    return out


def _dhcp(accel, device, name):
    """DHCP from QEMU's user network; echo (small and 1 MiB) and GET /."""
    b = boot(accel, device)
    with b.q:
        check(b.ip == "10.0.2.15", f"ready line has ip={b.ip}, expected 10.0.2.15")
        check(re.search(r"hv: net: ip 10\.0\.2\.15 \(dhcp\)", b.q.text()),
              "no 'hv: net: ip 10.0.2.15 (dhcp)' line")
        check_services(b)
        check_net_command(b, name, "dhcp", "10.0.2.15")
        check_ipv6(b)


def check_ipv6(b, limit=30):
    """IPv6: a link-local address from the MAC (EUI-64), and a SLAAC one in
    the prefix QEMU's user network advertises (fec0::/64), both preferred
    once duplicate address detection is over."""
    eui = "5054:ff:fe12:3456"              # QEMU_MAC 52:54:00:12:34:56 as an interface id
    end = time.monotonic() + limit
    while True:
        out = run(b.q, "net")
        ll = re.search(rf"^  ipv6 fe80::{eui} \(preferred\)$", out, re.M)
        slaac = re.search(rf"^  ipv6 fec0::{eui} \(preferred\)$", out, re.M)
        if ll and slaac:
            return
        check(time.monotonic() < end, f"`net` lacks a preferred link-local and SLAAC address "
                                      f"after {limit} s: {out!r}")
        time.sleep(1)


variants(globals(), "net_e1000", _dhcp, ("tcg",), "e1000", "e1000-0")
variants(globals(), "net_virtio", _dhcp, ("tcg",), "virtio-net-pci", "vnet-0")
variants(globals(), "net_e1000e", _dhcp, ("tcg",), "e1000e", "e1000-0")


def _static(accel):
    """net.mode = static from HV.CFG: the address, gateway, DNS and hostname."""
    img = image_with_config("net.mode = static\nnet.address = 10.0.2.20/24\n"
                            "net.gateway = 10.0.2.2\nnet.dns = 10.0.2.3\nhostname = hvnet\n")
    b = boot(accel, "e1000", image=img, guest_ip="10.0.2.20")
    with b.q:
        check(b.ip == "10.0.2.20", f"ready line has ip={b.ip}, expected 10.0.2.20")
        check(re.search(r"hv: net: ip 10\.0\.2\.20 \(static\)", b.q.text()),
              "no 'hv: net: ip 10.0.2.20 (static)' line")
        check_services(b, hostname="hvnet")
        out = check_net_command(b, "e1000-0", "static", "10.0.2.20")
        check(re.search(r"^hostname hvnet", out, re.M), f"`net` does not show hostname hvnet: {out!r}")


variants(globals(), "net_static", _static, ("tcg",))


def _bad_address(accel):
    """A malformed net.address is reported with its line; DHCP is used."""
    img = image_with_config("# static, but the address is wrong\nnet.mode = static\n"
                            "net.address = 10.0.2.300/24\n")
    b = boot(accel, "e1000", image=img)
    with b.q:
        text = b.q.text()
        check(re.search(r'hv: warning: HV.CFG line 3: bad value "10\.0\.2\.300/24" for net\.address',
                        text),
              "no kernel warning naming line 3 and the bad net.address")
        check(re.search(r"hv: net: warning: net\.mode = static without a valid net\.address; "
                        r"using DHCP", text),
              "no warning that DHCP is used instead")
        check(b.ip == "10.0.2.15", f"ready line has ip={b.ip}, expected the DHCP 10.0.2.15")


variants(globals(), "net_bad_address", _bad_address, ("tcg",))


def _late_lease(accel):
    """The cable is out at boot: the ready line waits ~3 s and says ip=none;
    plugged in later, the lease arrives and is logged, and echo works."""
    echo = free_port()
    q = Qemu(require_image(), accel=accel, smp=2, mem=512,
             extra_args=("-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{echo}-:7",
                         "-device", "e1000,netdev=n0,id=nic0"))
    with q:
        q.qmp("set_link", name="nic0", up=False)
        boot_entry(q, 4)
        m = q.wait_for(READY_IP_RE)
        check(m.group(1) == "none", f"ready line has ip={m.group(1)} with the link down")
        check(re.search(r"hv: net: e1000-0: .*link down", q.text()),
              "the NIC was not reported with its link down")
        q.wait_for(PROMPT, 60)
        q.qmp("set_link", name="nic0", up=True)
        q.wait_for(r"hv: net: e1000-0: link up", 30)
        q.wait_for(r"hv: net: ip 10\.0\.2\.15 \(dhcp\)", 60)
        got = echo_roundtrip(echo, b"late\n")
        check(got == b"late\n", f"echo after the late lease returned {got!r}")


variants(globals(), "net_late_lease", _late_lease, ("tcg",))


def _no_nic(accel):
    """Without a NIC the ready line says ip=none at once and `net` says so."""
    q = Qemu(require_image(), accel=accel, smp=1, mem=256)
    with q:
        boot_entry(q, 4)
        m = q.wait_for(READY_IP_RE)
        check(m.group(1) == "none", f"ready line has ip={m.group(1)} without a NIC")
        q.wait_for(PROMPT, 60)
        out = run(q, "net")
        check("no network interfaces" in out, f"`net` without a NIC printed {out!r}")


variants(globals(), "net_no_nic", _no_nic, ("tcg",))
