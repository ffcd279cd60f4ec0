/* The guest's ACPI tables (vacpi.h).  Offsets are from the ACPI spec's
 * table layouts (RSDP 1.0, FADT revision 1 = 116 bytes, MADT). */
#include "vmm/vbios/vacpi.h"
#include "lib/string.h"

#define OFF_RSDP 0x000
#define OFF_RSDT 0x040
#define OFF_FADT 0x100
#define OFF_DSDT 0x200
#define OFF_MADT 0x300
#define OFF_FACS 0x400       /* 64-byte aligned, as the spec wants */

static void w16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void w32(uint8_t *p, uint32_t v) { w16(p, (uint16_t)v); w16(p + 2, (uint16_t)(v >> 16)); }

static uint8_t checksum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return (uint8_t)-s;
}

/* The 36-byte header every table but the RSDP and FACS starts with. */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    w32(t + 4, len);
    t[8] = rev;
    memcpy(t + 10, "HV    ", 6);             /* OEM id */
    memcpy(t + 16, "HVVBIOS ", 8);           /* OEM table id */
    w32(t + 24, 1);                          /* OEM revision */
    memcpy(t + 28, "HV  ", 4);               /* creator id */
    w32(t + 32, 1);
}

static void seal(uint8_t *t, uint32_t len)
{
    t[9] = 0;
    t[9] = checksum(t, len);
}

void vacpi_build(uint8_t *out, uint32_t base, uint16_t pm_port)
{
    memset(out, 0, VACPI_SIZE);

    uint8_t *rsdp = out + OFF_RSDP;
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "HV    ", 6);
    rsdp[15] = 0;                            /* ACPI 1.0: an RSDT, no XSDT */
    w32(rsdp + 16, base + OFF_RSDT);
    rsdp[8] = checksum(rsdp, 20);

    uint8_t *rsdt = out + OFF_RSDT;
    header(rsdt, "RSDT", 36 + 8, 1);
    w32(rsdt + 36, base + OFF_FADT);
    w32(rsdt + 40, base + OFF_MADT);
    seal(rsdt, 44);

    uint8_t *fadt = out + OFF_FADT;
    header(fadt, "FACP", 116, 1);
    w32(fadt + 36, base + OFF_FACS);
    w32(fadt + 40, base + OFF_DSDT);
    fadt[45] = 4;                            /* preferred profile: enterprise server */
    w16(fadt + 46, 9);                       /* SCI_INT: IRQ 9 on the 8259 */
    w32(fadt + 48, 0);                       /* no SMI_CMD: always in ACPI mode */
    w32(fadt + 56, pm_port);                 /* PM1a_EVT_BLK: status, enable */
    w32(fadt + 64, pm_port + 4u);            /* PM1a_CNT_BLK */
    w32(fadt + 76, pm_port + 8u);            /* PM_TMR_BLK */
    fadt[88] = 4;                            /* PM1_EVT_LEN */
    fadt[89] = 2;                            /* PM1_CNT_LEN */
    fadt[91] = 4;                            /* PM_TMR_LEN */
    w16(fadt + 96, 0xFFFF);                  /* P_LVL2_LAT: no C2 */
    w16(fadt + 98, 0xFFFF);                  /* P_LVL3_LAT: no C3 */
    w32(fadt + 112, (1u << 0) | (1u << 5));  /* WBINVD works; no sleep button */
    seal(fadt, 116);

    /* DSDT: Name (\_S5, Package (4) { 5, 5, 0, 0 }) -- the sleep type
     * the PM block treats as "off". */
    static const uint8_t aml[] = {
        0x08, '\\', '_', 'S', '5', '_',      /* NameOp, \_S5_ */
        0x12, 0x08, 0x04,                    /* PackageOp, PkgLength 8, 4 elements */
        0x0A, 0x05, 0x0A, 0x05,              /* BytePrefix 5, BytePrefix 5 */
        0x00, 0x00,                          /* Zero, Zero */
    };
    uint8_t *dsdt = out + OFF_DSDT;
    header(dsdt, "DSDT", 36 + sizeof(aml), 1);
    memcpy(dsdt + 36, aml, sizeof(aml));
    seal(dsdt, 36 + sizeof(aml));

    uint8_t *madt = out + OFF_MADT;
    uint32_t madt_len = 44 + 8;
    header(madt, "APIC", madt_len, 1);
    w32(madt + 36, 0xFEE00000u);             /* local APIC address */
    w32(madt + 40, 1);                       /* PCAT_COMPAT: 8259s present */
    uint8_t *lapic = madt + 44;
    lapic[0] = 0;                            /* processor local APIC */
    lapic[1] = 8;
    lapic[2] = 0;                            /* ACPI processor id */
    lapic[3] = 0;                            /* APIC id */
    w32(lapic + 4, 1);                       /* enabled */
    seal(madt, madt_len);

    uint8_t *facs = out + OFF_FACS;
    memcpy(facs, "FACS", 4);
    w32(facs + 4, 64);
}
