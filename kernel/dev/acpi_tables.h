/* ACPI table parsing without touching hardware: every function takes bytes
 * (and a way to reach other tables by physical address), so the host unit
 * tests feed it crafted tables.  acpi.c wires it to the kernel. */
#ifndef HV_DEV_ACPI_TABLES_H
#define HV_DEV_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "dev/acpi.h"

#define ACPI_SDT_HEADER_LEN 36u
#define ACPI_TABLE_MAX_LEN  (4u << 20)  /* larger "tables" are corrupt pointers */
#define ACPI_MAX_TABLES     32

/* Generic Address Structure: where a register lives. */
struct acpi_gas {
    uint8_t  space;        /* ACPI_SPACE_* */
    uint8_t  bit_width;
    uint8_t  bit_offset;
    uint8_t  access_size;
    uint64_t addr;         /* 0 = register absent */
};
#define ACPI_SPACE_MEM 0
#define ACPI_SPACE_IO  1
#define ACPI_SPACE_PCI 2

/* What poweroff and reset need from the FADT. */
struct acpi_fadt_info {
    uint64_t dsdt;                   /* physical; X_DSDT preferred */
    struct acpi_gas pm1a_cnt, pm1b_cnt;
    struct acpi_gas reset_reg;       /* valid when reset_supported */
    uint8_t  reset_value;
    bool     reset_supported;
    uint32_t smi_cmd;                /* port to switch the chipset into ACPI mode, 0 = none */
    uint32_t pm1a_evt;               /* PM1a status/enable port (the power button), 0 = none */
    uint8_t  pm1_evt_len;            /* bytes: status is the first half, enable the second */
    uint8_t  acpi_enable;            /* value to write there */
};

/* One table seen through the XSDT/RSDT, for the shell's `acpi`. */
struct acpi_table_ref {
    char     sig[5];
    char     oem[7];
    uint64_t pa;
    uint32_t len;
    bool     ok;                     /* checksum and length valid */
};

/* Everything acpi_parse_all() learns. */
struct acpi_tables {
    struct acpi_info info;
    struct acpi_fadt_info fadt;
    struct acpi_table_ref table[ACPI_MAX_TABLES];
    unsigned table_count;
    unsigned cpu_disabled;            /* MADT processors neither enabled nor online-capable */
    unsigned cpu_online_capable;      /* hot-pluggable, not started */
    uint8_t  rsdp_revision;
    bool     have_s5;                 /* \_S5 found in a valid DSDT */
    uint8_t  slp_typa, slp_typb;
};

/* Returns a readable pointer to [pa, pa+len) or NULL when it cannot be reached. */
typedef const void *(*acpi_map_fn)(uint64_t pa, size_t len, void *ctx);

/* Printed as "hv: acpi: warning: <msg>"; supplied by acpi.c (or the tests). */
void acpi_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

bool acpi_checksum_ok(const void *p, size_t n);
/* Validate an RSDP (20 bytes for revision 0, its length field otherwise);
 * gives the root table address and whether it is an XSDT. 0 or -1. */
int acpi_rsdp_parse(const void *p, size_t avail, uint64_t *root_pa, bool *xsdt, uint8_t *revision);
/* Find a valid RSDP in [p, p+len) on 16-byte boundaries; offset or -1. */
long acpi_rsdp_scan(const void *p, size_t len);
/* Header sanity: length within [36, avail], checksum. 0 or -1 (warns). */
int acpi_sdt_check(const void *t, size_t avail, const char *what);

void acpi_info_defaults(struct acpi_info *info);
int acpi_parse_madt(const uint8_t *t, uint32_t len, struct acpi_tables *out);
int acpi_parse_fadt(const uint8_t *t, uint32_t len, struct acpi_fadt_info *out);
int acpi_parse_hpet(const uint8_t *t, uint32_t len, uint64_t *hpet_pa);
/* Find \_S5's package in AML; gives SLP_TYPa/b. 0 or -1. */
int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb);

/* RSDP → root table → MADT/FADT/HPET, skipping bad tables with a warning.
 * Returns 0 when a root table was read, -1 otherwise (out keeps defaults). */
int acpi_parse_all(uint64_t rsdp_pa, acpi_map_fn map, void *ctx, struct acpi_tables *out);

/* In the kernel: what acpi_init() parsed (power.c needs the FADT part). */
const struct acpi_tables *acpi_tables_get(void);

#endif
