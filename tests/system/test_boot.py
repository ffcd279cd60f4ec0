"""What the kernel reports once booted: CPUs, memory, its own size, the screen."""

import time

from hvqemu import Qemu, check, require_image, variants, wait_ready

KERNEL_MEM_RE = r"hv: memory: .*kernel uses (\d+) KiB"


def _boot(accel, smp=1, mem=512, entry="1"):
    q = Qemu(require_image(), accel=accel, smp=smp, mem=mem)
    try:
        q.wait_for(r"Select 1-4")
        q.send(entry)
    except BaseException:
        q.kill()
        raise
    return q


def _cpus(accel, smp):
    """cpus= in the ready line is QEMU's -smp."""
    with _boot(accel, smp=smp) as q:
        mode, cpus, _mem = wait_ready(q)
        check(cpus == smp, f"ready line says cpus={cpus}, QEMU has -smp {smp}")
        check(mode == "hypervisor", f"entry 1: mode={mode}")


for _smp in (1, 2, 4):
    variants(globals(), f"cpus_{_smp}", _cpus, ("kvm",), _smp)
variants(globals(), "cpus_2", _cpus, ("tcg",), 2)
variants(globals(), "cpus_4", _cpus, ("tcg",), 4)
del _smp


def _memory(accel, mib, low, high):
    """memory= in the ready line is the usable RAM, including RAM above 4 GiB."""
    with _boot(accel, mem=mib) as q:
        _mode, _cpus, mem = wait_ready(q)
        check(low <= mem <= high,
              f"-m {mib}: ready line says memory={mem}MiB, want {low}..{high}")


variants(globals(), "memory_512", _memory, ("tcg",), 512, 480, 512)
# QEMU's pc machine puts 1 GiB of this above 4 GiB.
variants(globals(), "memory_4096", _memory, ("kvm", "tcg"), 4096, 3900, 4096)
# 3 GiB below the PCI hole, 3 GiB above 4 GiB: both must be counted.
variants(globals(), "memory_6144", _memory, ("tcg",), 6144, 5000, 6144)


def _kernel_memory(accel):
    """The kernel tells how much memory it uses itself, and it is under 16 MiB."""
    with _boot(accel) as q:
        wait_ready(q)
        q.cursor = 0    # the line may come before or after the ready line
        n = int(q.wait_for(KERNEL_MEM_RE, 10).group(1))
        check(0 < n < 16384, f"kernel uses {n} KiB, want under 16384")


variants(globals(), "kernel_memory_use", _kernel_memory, ("tcg",))


def _framebuffer(accel, smp):
    """After boot the screen is the 1024x768 VBE mode with the kernel's text on it."""
    with _boot(accel, smp=smp) as q:
        _mode, cpus, _mem = wait_ready(q)
        check(cpus == smp, f"ready line says cpus={cpus}, QEMU has -smp {smp}")
        time.sleep(1.0)
        s = q.screendump("ready")
        check((s.width, s.height) == (1024, 768),
              f"screen after boot is {s.width}x{s.height}, want the VBE mode 1024x768")
        s.assert_text("kernel console on the framebuffer", min_rows=8, y0=0, y1=200)


variants(globals(), "framebuffer", _framebuffer, ("kvm",), 1)
variants(globals(), "framebuffer", _framebuffer, ("tcg",), 2)


def _timer_source(accel, hpet):
    """The LAPIC timer is calibrated against the HPET, or the PIT when the
    machine has no HPET; the tick then runs on every CPU."""
    extra = () if hpet else ("-machine", "pc,hpet=off")
    q = Qemu(require_image(), accel=accel, smp=2, extra_args=extra)
    with q:
        q.wait_for(r"Select 1-4")
        q.send("4")
        wait_ready(q)
        q.cursor = 0
        src = q.wait_for(r"hv: timer: lapic calibrated against (\w+): (\d+) kHz", 10)
        want = "hpet" if hpet else "pit"
        check(src.group(1) == want, f"timer calibrated against {src.group(1)}, want {want}")
        check(int(src.group(2)) > 1000, f"implausible LAPIC frequency {src.group(2)} kHz")
        q.wait_for(r"hv# ")
        q.send("uptime\r")
        m1 = q.wait_for(r"up (\d+\.\d+) s", 10)
        time.sleep(1.5)
        q.send("uptime\r")
        m2 = q.wait_for(r"up (\d+\.\d+) s", 10)
        dt = float(m2.group(1)) - float(m1.group(1))
        check(1.0 <= dt <= 30.0, f"monotonic clock advanced {dt:.3f} s over ~1.5 s")
        q.send("cpus\r")
        t = q.wait_for(r"cpu 1: apic \d+, online, (\d+) ticks", 10)
        check(int(t.group(1)) > 10, f"cpu 1 took only {t.group(1)} timer ticks")


variants(globals(), "timer_hpet", _timer_source, ("tcg",), True)
variants(globals(), "timer_pit", _timer_source, ("tcg",), False)


def _virt_report(accel, cpu, want):
    """In hypervisor mode hv says plainly whether it can run VMs on this CPU."""
    q = Qemu(require_image(), accel=accel, smp=1, cpu=cpu)
    with q:
        q.wait_for(r"Select 1-4")
        q.send("1")
        wait_ready(q)
        q.cursor = 0
        line = q.wait_for(r"hv: cpu: .*svm=(yes|no) npt=(yes|no)", 10)
        check(line is not None, "no cpu feature line")
        q.wait_for(want, 10)
        q.wait_for(r"hv# ", 10)


variants(globals(), "virt_report_none", _virt_report, ("tcg",), "qemu64,-svm",
         r"no hardware virtualization \(SVM\+NPT or VMX\+EPT\) on this CPU; VMs will be refused")
variants(globals(), "virt_report_svm", _virt_report, ("tcg",), "qemu64,+svm,+npt",
         r"virtualization backend svm")
