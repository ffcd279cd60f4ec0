/*
 * The RSDP sits on a 16-byte boundary in the first KiB of the EBDA or in
 * the BIOS area 0xE0000-0xFFFFF.  A match of the signature alone is not
 * enough (the string also occurs in option ROM code), so the checksums
 * decide.
 */
#include "bl/acpi.h"

#include "bl/lib.h"

#define RSDP_V1_LEN 20u
#define RSDP_V2_MIN 36u
#define RSDP_V2_MAX 4096u       /* anything larger is garbage, not a table */

static uint8_t sum(const uint8_t *p, uint32_t n)
{
    uint8_t s = 0;
    while (n--)
        s = (uint8_t)(s + *p++);
    return s;
}

static int rsdp_valid(const uint8_t *p, uint32_t room)
{
    if (memcmp(p, "RSD PTR ", 8) != 0 || sum(p, RSDP_V1_LEN) != 0)
        return 0;
    if (p[15] < 2)              /* ACPI 1.0: the 20-byte form only */
        return 1;
    uint32_t len = p[20] | p[21] << 8 | p[22] << 16 | (uint32_t)p[23] << 24;
    return len >= RSDP_V2_MIN && len <= RSDP_V2_MAX && len <= room && sum(p, len) == 0;
}

/* Candidates start in [start, end); a table may run on up to limit. */
static uint32_t scan(uint32_t start, uint32_t end, uint32_t limit)
{
    for (uint32_t a = start; a < end && a + RSDP_V1_LEN <= limit; a += 16)
        if (rsdp_valid(phys(a), limit - a))
            return a;
    return 0;
}

uint32_t acpi_find_rsdp(void)
{
    uint32_t ebda = (uint32_t)*(const volatile uint16_t *)phys(0x40E) << 4;
    uint32_t found = 0;

    /* Only trust an EBDA pointer that points where an EBDA can be. */
    if (ebda >= 0x80000 && ebda < 0xA0000)
        found = scan(ebda, ebda + 1024, 0xA0000);
    if (!found)
        found = scan(0xE0000, 0x100000, 0x100000);
    return found;
}
