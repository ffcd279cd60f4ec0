/* ACPI in the kernel: finds the RSDP, parses the tables once at boot (the
 * parsing itself is in acpi_tables.c) and keeps what the platform needs. */
#include <stdarg.h>
#include "dev/acpi.h"
#include "dev/acpi_tables.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/vm.h"
#include "mm/pmm.h"

static struct acpi_tables tables;   /* written once by acpi_init on the BSP */
static bool parsed;

void acpi_warn(const char *fmt, ...)
{
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    kprintf("hv: acpi: warning: %s\n", msg);
}

/* The direct map covers 0-4 GiB and all RAM; ACPI tables live in one of them. */
static const void *map_phys(uint64_t pa, size_t len, void *ctx)
{
    (void)ctx;
    uint64_t end = pa + len;
    if (pa == 0 || end < pa)
        return NULL;
    if (end > (4ull << 30) && end > pmm_max_phys())
        return NULL;
    return phys_to_virt(pa);
}

/* The boot loader normally hands us the RSDP; search where the BIOS puts it. */
static uint64_t find_rsdp(void)
{
    uint64_t ebda = (uint64_t)*(volatile uint16_t *)phys_to_virt(0x40E) << 4;
    if (ebda >= 0x80000 && ebda < 0xA0000) {
        long off = acpi_rsdp_scan(phys_to_virt(ebda), 1024);
        if (off >= 0)
            return ebda + (uint64_t)off;
    }
    long off = acpi_rsdp_scan(phys_to_virt(0xE0000), 0x20000);
    return off >= 0 ? 0xE0000 + (uint64_t)off : 0;
}

int acpi_init(uint64_t rsdp_phys)
{
    if (rsdp_phys == 0)
        rsdp_phys = find_rsdp();
    int rc = -1;
    if (rsdp_phys == 0) {
        acpi_warn("no RSDP found, assuming one cpu and a legacy PC");
        acpi_info_defaults(&tables.info);
    } else {
        rc = acpi_parse_all(rsdp_phys, map_phys, NULL, &tables);
    }
    parsed = true;
    const struct acpi_info *in = &tables.info;
    if (in->hpet_addr)
        kprintf("hv: acpi: %u cpus, ioapic at 0x%llx, hpet at 0x%llx\n", in->cpu_count,
                (unsigned long long)in->ioapic_addr, (unsigned long long)in->hpet_addr);
    else
        kprintf("hv: acpi: %u cpus, ioapic at 0x%llx, hpet none\n", in->cpu_count,
                (unsigned long long)in->ioapic_addr);
    return rc;
}

const struct acpi_info *acpi_get(void)
{
    if (!parsed)
        acpi_info_defaults(&tables.info);
    return &tables.info;
}

const struct acpi_tables *acpi_tables_get(void)
{
    return &tables;
}

void acpi_print_tables(void)
{
    const struct acpi_tables *t = &tables;
    kprintf("rsdp revision %u, %u tables\n", t->rsdp_revision, t->table_count);
    for (unsigned i = 0; i < t->table_count; i++) {
        const struct acpi_table_ref *r = &t->table[i];
        kprintf("  %-4s at 0x%08llx, %6u bytes, oem %-6s %s\n", r->sig, (unsigned long long)r->pa,
                r->len, r->oem, r->ok ? "ok" : "BAD (skipped)");
    }
    const struct acpi_info *in = &t->info;
    kprintf("  lapic 0x%llx, %u cpus enabled, %u online-capable, %u disabled\n",
            (unsigned long long)in->lapic_addr, in->cpu_count, t->cpu_online_capable, t->cpu_disabled);
    kprintf("  ioapic 0x%llx gsi base %u; hpet 0x%llx; \\_S5 %s\n", (unsigned long long)in->ioapic_addr,
            in->ioapic_gsi_base, (unsigned long long)in->hpet_addr, t->have_s5 ? "found" : "missing");
    for (unsigned irq = 0; irq < 16; irq++)
        if (in->isa_irq_to_gsi[irq] != irq || in->isa_irq_flags[irq])
            kprintf("  isa irq %u -> gsi %u flags 0x%x\n", irq, in->isa_irq_to_gsi[irq], in->isa_irq_flags[irq]);
}
