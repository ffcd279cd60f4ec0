/* Finding the ACPI RSDP the BIOS way (ACPI spec 5.2.5.1). */
#ifndef HV_BL_ACPI_H
#define HV_BL_ACPI_H

#include <stdint.h>

/* Physical address of a valid RSDP, or 0. */
uint32_t acpi_find_rsdp(void);

#endif
