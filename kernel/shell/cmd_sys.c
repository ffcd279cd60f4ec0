/* Shell commands that show the state of the machine. */
#include "shell/shell_cmds.h"
#include "arch/x86_64/percpu.h"
#include "dev/acpi.h"
#include "dev/console.h"
#include "dev/timer.h"
#include "lib/kprintf.h"
#include "lib/log.h"
#include "mm/heap.h"
#include "mm/pmm.h"

void cmd_mem(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint64_t usable = pmm_usable_bytes(), free = pmm_free_bytes();
    kprintf("usable %llu KiB, free %llu KiB, kernel %llu KiB (heap %llu KiB used)\n",
            (unsigned long long)(usable / 1024), (unsigned long long)(free / 1024),
            (unsigned long long)((usable - free) / 1024), (unsigned long long)(heap_used_bytes() / 1024));
}

void cmd_cpus(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct percpu *pc;
    for (unsigned i = 0; (pc = percpu_get(i)) != NULL; i++)
        kprintf("cpu %u: apic %u, %s, %llu ticks\n", pc->index, pc->apic_id,
                pc->online ? "online" : "offline", (unsigned long long)pc->ticks);
    kprintf("%u online\n", cpu_count());
}

void cmd_uptime(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint64_t ms = timer_now_ns() / 1000000;
    kprintf("up %llu.%03llu s (clock calibrated against %s)\n", (unsigned long long)(ms / 1000),
            (unsigned long long)(ms % 1000), timer_source());
}

/* Straight to the console: through kprintf the log would grow while read. */
void cmd_log(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    char buf[256];
    uint64_t pos = 0;
    size_t n;
    while ((n = log_read(&pos, buf, sizeof(buf))) > 0)
        console_write(buf, n);
}

void cmd_acpi(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    acpi_print_tables();
}
