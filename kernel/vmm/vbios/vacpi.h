/* The ACPI tables hv's virtual BIOS gives a guest: RSDP, RSDT, FADT (PM1a
 * block and PM timer at the ports of vmm/dev/acpi_pm.h, SCI on IRQ 9, no
 * SMI port: ACPI mode from reset), FACS, a DSDT holding only \_S5, and a
 * MADT with one local APIC and the PC/AT 8259 flag (no I/O APIC: the VM
 * has none).  Pure code, so host tests parse the result with the kernel's
 * own ACPI parser.  See docs/vbios.md.  Owner: vbios.
 */
#ifndef HV_VMM_VBIOS_VACPI_H
#define HV_VMM_VBIOS_VACPI_H

#include <stddef.h>
#include <stdint.h>

#define VACPI_SIZE 0x600u     /* bytes vacpi_build writes */

/* Fills out[0..VACPI_SIZE) with the tables as they must sit at guest
 * physical address base (16-byte aligned; the RSDP is at base, inside the
 * BIOS search area when base is 0xE0000).  pm_port: the PM1a event block. */
void vacpi_build(uint8_t *out, uint32_t base, uint16_t pm_port);

#endif
