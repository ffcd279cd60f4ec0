/* `pci` and `disks`: what the storage layer found. */
#include "shell/shell_cmds.h"
#include "dev/pci.h"
#include "dev/blk.h"
#include "lib/kprintf.h"

void cmd_pci(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (unsigned i = 0; i < pci_count(); i++) {
        const struct pci_dev *d = pci_get(i);
        kprintf("%02x:%02x.%u %04x:%04x %02x%02x %s\n", d->bus, d->dev, d->fn, d->vendor,
                d->device, d->class_code, d->subclass,
                pci_class_name(d->class_code, d->subclass, d->prog_if));
    }
    kprintf("%u devices (%s)\n", pci_count(), pci_access_method());
}

/* One line per disk; the partitions follow on the same line as
 * "<n>: <first LBA>+<sectors> <size>". */
void cmd_disks(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (blk_count() == 0) {
        kprintf("no disks\n");
        return;
    }
    for (unsigned i = 0; i < blk_count(); i++) {
        const struct blk_disk *d = blk_get(i);
        char size[24], line[320];
        blk_format_size(d->dev.sector_count * d->dev.sector_size, size, sizeof(size));
        int n = ksnprintf(line, sizeof(line), "%s: %s, %s, %u B sectors, %lu sectors, %s",
                          d->name, d->model, size, d->dev.sector_size,
                          (unsigned long)d->dev.sector_count, part_scheme_name(d->parts.scheme));
        for (unsigned k = 0; k < d->parts.count && n > 0 && (unsigned)n < sizeof(line); k++) {
            const struct part *p = &d->parts.part[k];
            blk_format_size(p->sectors * d->dev.sector_size, size, sizeof(size));
            n += ksnprintf(line + n, sizeof(line) - (unsigned)n, "%s %u: %lu+%lu %s",
                           k ? "," : ":", p->index, (unsigned long)p->first_lba,
                           (unsigned long)p->sectors, size);
        }
        kprintf("%s\n", line);
    }
}
