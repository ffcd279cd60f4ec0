/* ACPI table parsing, fed with tables built in a fake physical memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "dev/acpi_tables.h"

static uint8_t mem[0x10000];       /* "physical" 0..64 KiB */
static int warnings;
static char all_warnings[2048];

void acpi_warn(const char *fmt, ...)
{
    size_t used = strlen(all_warnings);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(all_warnings + used, sizeof(all_warnings) - used, fmt, ap);
    va_end(ap);
    strncat(all_warnings, "\n", sizeof(all_warnings) - strlen(all_warnings) - 1);
    warnings++;
}

static const void *map_mem(uint64_t pa, size_t len, void *ctx)
{
    (void)ctx;
    if (pa == 0 || pa + len > sizeof(mem))
        return NULL;
    return mem + pa;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static void fix_sum(uint8_t *p, size_t n, size_t at)
{
    p[at] = 0;
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    p[at] = (uint8_t)-s;
}

static void header(uint64_t pa, const char *sig, uint32_t len)
{
    uint8_t *t = mem + pa;
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = 1;
    memcpy(t + 10, "HVTEST", 6);
}

static void seal(uint64_t pa) { uint32_t len; memcpy(&len, mem + pa + 4, 4); fix_sum(mem + pa, len, 9); }

enum { RSDP = 0x100, XSDT = 0x200, MADT = 0x400, FADT = 0x800, DSDT = 0xA00, HPET = 0xC00, BAD = 0xE00 };

static const uint8_t dsdt_aml[] = {
    0x10, 0x05, '_', 'S', 'B', '_', 0x00,                 /* some scope first */
    0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0x0A, 0x02, 0x0A, 0x02, 0x00, 0x00,
    0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0A, 0x05, 0x0A, 0x07, 0x00, 0x00,
};

static void build_tables(void)
{
    memset(mem, 0, sizeof(mem));
    warnings = 0;
    all_warnings[0] = 0;
    uint8_t *r = mem + RSDP;
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "HVTEST", 6);
    r[15] = 2;
    put32(r + 16, 0);
    put32(r + 20, 36);
    put64(r + 24, XSDT);
    fix_sum(r, 20, 8);
    fix_sum(r, 36, 32);

    header(XSDT, "XSDT", 36 + 5 * 8);
    put64(mem + XSDT + 36, MADT);
    put64(mem + XSDT + 44, BAD);
    put64(mem + XSDT + 52, FADT);
    put64(mem + XSDT + 60, HPET);
    put64(mem + XSDT + 68, 0x123456789ull);     /* unreachable */
    seal(XSDT);

    uint8_t *m = mem + MADT;
    uint32_t off = 44;
    put32(m + 36, 0xFEE00000u);
    /* cpu 0, 1 enabled; 2 online-capable; 3 disabled */
    for (int i = 0; i < 4; i++, off += 8) {
        m[off] = 0; m[off + 1] = 8; m[off + 2] = (uint8_t)i; m[off + 3] = (uint8_t)(i * 2);
        put32(m + off + 4, i < 2 ? 1 : i == 2 ? 2 : 0);
    }
    m[off] = 9; m[off + 1] = 16; put32(m + off + 4, 2); put32(m + off + 8, 1); off += 16;   /* dup of apic 2 */
    m[off] = 9; m[off + 1] = 16; put32(m + off + 4, 300); put32(m + off + 8, 1); off += 16; /* x2apic cpu */
    m[off] = 1; m[off + 1] = 12; m[off + 2] = 5; put32(m + off + 4, 0xFEC01000u); put32(m + off + 8, 24); off += 12;
    m[off] = 1; m[off + 1] = 12; m[off + 2] = 6; put32(m + off + 4, 0xFEC00000u); put32(m + off + 8, 0); off += 12;
    m[off] = 2; m[off + 1] = 10; m[off + 3] = 0; put32(m + off + 4, 2); put16(m + off + 8, 0); off += 10;
    m[off] = 2; m[off + 1] = 10; m[off + 3] = 9; put32(m + off + 4, 9); put16(m + off + 8, 0xF); off += 10;
    m[off] = 5; m[off + 1] = 12; put64(m + off + 4, 0xFEE10000ull); off += 12;
    header(MADT, "APIC", off);
    seal(MADT);

    header(BAD, "SSDT", 40);
    seal(BAD);
    mem[BAD + 20] ^= 1;                 /* breaks the checksum */

    uint8_t *f = mem + FADT;
    header(FADT, "FACP", 244);
    put32(f + 40, DSDT);
    put32(f + 48, 0xB2);
    f[52] = 0xF1;
    put32(f + 64, 0x604);
    put32(f + 112, 1u << 10);
    f[116] = 1; f[117] = 8; put64(f + 120, 0xCF9);
    f[128] = 6;
    put64(f + 140, DSDT);
    seal(FADT);

    header(DSDT, "DSDT", 36 + sizeof(dsdt_aml));
    memcpy(mem + DSDT + 36, dsdt_aml, sizeof(dsdt_aml));
    seal(DSDT);

    header(HPET, "HPET", 56);
    mem[HPET + 40] = 0; mem[HPET + 41] = 64;
    put64(mem + HPET + 44, 0xFED00000ull);
    seal(HPET);
}

static void test_full_walk(void **state)
{
    (void)state;
    static struct acpi_tables t;
    build_tables();
    assert_int_equal(acpi_parse_all(RSDP, map_mem, NULL, &t), 0);
    assert_int_equal(t.rsdp_revision, 2);
    assert_int_equal(t.info.cpu_count, 3);
    assert_int_equal(t.info.cpu_apic_ids[0], 0);
    assert_int_equal(t.info.cpu_apic_ids[1], 2);
    assert_int_equal(t.info.cpu_apic_ids[2], 300);
    assert_int_equal(t.cpu_online_capable, 1);
    assert_int_equal(t.cpu_disabled, 1);
    assert_int_equal(t.info.lapic_addr, 0xFEE10000ull);
    assert_int_equal(t.info.ioapic_addr, 0xFEC00000ull);
    assert_int_equal(t.info.ioapic_gsi_base, 0);
    assert_int_equal(t.info.isa_irq_to_gsi[0], 2);
    assert_int_equal(t.info.isa_irq_to_gsi[1], 1);
    assert_int_equal(t.info.isa_irq_flags[9], 0xF);
    assert_int_equal(t.info.hpet_addr, 0xFED00000ull);
    assert_true(t.info.have_fadt);
    assert_int_equal(t.fadt.dsdt, DSDT);
    assert_int_equal(t.fadt.pm1a_cnt.addr, 0x604);
    assert_int_equal(t.fadt.pm1b_cnt.addr, 0);
    assert_true(t.fadt.reset_supported);
    assert_int_equal(t.fadt.reset_reg.addr, 0xCF9);
    assert_int_equal(t.fadt.reset_value, 6);
    assert_int_equal(t.fadt.smi_cmd, 0xB2);
    assert_true(t.have_s5);
    assert_int_equal(t.slp_typa, 5);
    assert_int_equal(t.slp_typb, 7);
    /* MADT, bad SSDT, FADT, HPET, unreachable, DSDT */
    assert_int_equal(t.table_count, 6);
    assert_false(t.table[1].ok);
    assert_string_equal(t.table[1].sig, "SSDT");
    assert_false(t.table[4].ok);
    assert_true(t.table[5].ok);
    assert_string_equal(t.table[5].sig, "DSDT");
    assert_int_equal(warnings, 2);      /* the bad SSDT and the unreachable entry */
}

static void test_bad_rsdp(void **state)
{
    (void)state;
    static struct acpi_tables t;
    build_tables();
    mem[RSDP + 3] ^= 0xff;
    assert_int_equal(acpi_parse_all(RSDP, map_mem, NULL, &t), -1);
    assert_int_equal(t.info.cpu_count, 0);
    assert_int_equal(t.info.isa_irq_to_gsi[5], 5);
    assert_int_equal(warnings, 1);
}

static void test_bad_xsdt_falls_back_to_rsdt(void **state)
{
    (void)state;
    static struct acpi_tables t;
    build_tables();
    mem[XSDT + 36] ^= 1;                       /* XSDT checksum now wrong */
    header(0x300, "RSDT", 40);
    put32(mem + 0x300 + 36, MADT);
    seal(0x300);
    put32(mem + RSDP + 16, 0x300);
    fix_sum(mem + RSDP, 20, 8);
    fix_sum(mem + RSDP, 36, 32);
    assert_int_equal(acpi_parse_all(RSDP, map_mem, NULL, &t), 0);
    assert_int_equal(t.info.cpu_count, 3);
    assert_false(t.info.have_fadt);
    assert_int_equal(t.info.hpet_addr, 0);
}

static void test_bad_madt_entry(void **state)
{
    (void)state;
    static struct acpi_tables t;
    build_tables();
    mem[MADT + 44 + 8 + 1] = 0;                 /* second entry has length 0 */
    seal(MADT);
    assert_int_equal(acpi_parse_all(RSDP, map_mem, NULL, &t), 0);
    assert_int_equal(t.info.cpu_count, 1);     /* only the first entry */
    assert_non_null(strstr(all_warnings, "MADT: bad entry at offset 52"));
    /* A table whose length runs past the end of memory. */
    put32(mem + MADT + 4, 0x20000);
    assert_int_equal(acpi_parse_all(RSDP, map_mem, NULL, &t), 0);
    assert_int_equal(t.info.cpu_count, 0);
}

static void test_rsdp_scan(void **state)
{
    (void)state;
    build_tables();
    assert_int_equal(acpi_rsdp_scan(mem, 0x1000), RSDP);
    assert_int_equal(acpi_rsdp_scan(mem + 0x200, 0x1000), -1);
    /* Revision 0: only the first 20 bytes count. */
    mem[RSDP + 15] = 0;
    fix_sum(mem + RSDP, 20, 8);
    uint64_t root;
    bool x;
    uint8_t rev;
    put32(mem + RSDP + 16, 0x300);
    fix_sum(mem + RSDP, 20, 8);
    assert_int_equal(acpi_rsdp_parse(mem + RSDP, 20, &root, &x, &rev), 0);
    assert_false(x);
    assert_int_equal(root, 0x300);
}

static void test_s5_forms(void **state)
{
    (void)state;
    uint8_t a = 0xff, b = 0xff;
    static const uint8_t zero_ops[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00 };
    assert_int_equal(acpi_find_s5(zero_ops, sizeof(zero_ops), &a, &b), 0);
    assert_int_equal(a, 0);
    assert_int_equal(b, 0);
    static const uint8_t one_elem[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0A, 0x07 };
    assert_int_equal(acpi_find_s5(one_elem, sizeof(one_elem), &a, &b), 0);
    assert_int_equal(a, 7);
    assert_int_equal(b, 0);
    /* A reference to _S5_ (no NameOp) is not the declaration. */
    static const uint8_t use_only[] = { 0x70, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0A, 0x07 };
    assert_int_equal(acpi_find_s5(use_only, sizeof(use_only), &a, &b), -1);
    /* Truncated after the package length. */
    static const uint8_t cut[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x46 };
    assert_int_equal(acpi_find_s5(cut, sizeof(cut), &a, &b), -1);
    /* Two-byte PkgLength, word constants. */
    static const uint8_t wide[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x40, 0x01, 0x02, 0x0B, 0x03, 0x00, 0x0B, 0x04, 0x00 };
    assert_int_equal(acpi_find_s5(wide, sizeof(wide), &a, &b), 0);
    assert_int_equal(a, 3);
    assert_int_equal(b, 4);
}

static void test_short_tables(void **state)
{
    (void)state;
    uint8_t buf[64] = { 0 };
    struct acpi_fadt_info f;
    uint64_t h;
    static struct acpi_tables t;
    assert_int_equal(acpi_parse_fadt(buf, 100, &f), -1);
    assert_int_equal(acpi_parse_hpet(buf, 50, &h), -1);
    memset(&t, 0, sizeof(t));
    assert_int_equal(acpi_parse_madt(buf, 40, &t), -1);
    assert_int_equal(acpi_sdt_check(buf, 10, "x"), -1);
    put32(buf + 4, 36);
    fix_sum(buf, 36, 9);
    assert_int_equal(acpi_sdt_check(buf, 64, "x"), 0);
    put32(buf + 4, 100);
    assert_int_equal(acpi_sdt_check(buf, 64, "x"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_walk),
        cmocka_unit_test(test_bad_rsdp),
        cmocka_unit_test(test_bad_xsdt_falls_back_to_rsdt),
        cmocka_unit_test(test_bad_madt_entry),
        cmocka_unit_test(test_rsdp_scan),
        cmocka_unit_test(test_s5_forms),
        cmocka_unit_test(test_short_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
