/* Shell commands that stop the machine, or one CPU on purpose. */
#include "shell/shell_cmds.h"
#include "arch/x86_64/cpu.h"
#include "dev/acpi.h"
#include "lib/kprintf.h"
#include "mm/vm.h"

void cmd_reboot(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    acpi_reset();
}

void cmd_poweroff(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    acpi_poweroff();
}

/* Walks the live page tables: `fault` must hit a hole, whatever vm.c mapped. */
static bool is_mapped(uint64_t va)
{
    uint64_t table = read_cr3() & 0x000FFFFFFFFFF000ull;
    for (int level = 3; level >= 0; level--) {
        uint64_t e = ((const uint64_t *)phys_to_virt(table))[(va >> (12 + 9 * level)) & 511];
        if (!(e & 1))
            return false;
        if (level == 0 || (level < 3 && (e & 0x80)))
            return true;
        table = e & 0x000FFFFFFFFFF000ull;
    }
    return true;
}

void cmd_fault(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    /* Between the direct map and the MMIO window; a few spares in case. */
    static const uint64_t candidates[] = {
        0xFFFFA00000000000ull, 0xFFFFB00000DEA000ull, 0xFFFFFFFF7FFFF000ull,
    };
    for (unsigned i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++) {
        if (is_mapped(candidates[i]))
            continue;
        kprintf("fault: reading unmapped address 0x%llx; expect a page fault dump\n",
                (unsigned long long)candidates[i]);
        (void)*(volatile uint64_t *)candidates[i];
        kprintf("fault: no exception was raised\n");
        return;
    }
    kprintf("fault: no unmapped address found\n");
}
