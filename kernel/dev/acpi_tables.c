/* ACPI table parsing (see acpi_tables.h).  Tables come from firmware we do not
 * trust: every offset is checked against the table's validated length before
 * it is read, and fields are read bytewise because tables are unaligned. */
#include "dev/acpi_tables.h"
#include "lib/string.h"

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t rd32(const uint8_t *p) { return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static void read_gas(const uint8_t *p, struct acpi_gas *g)
{
    g->space = p[0];
    g->bit_width = p[1];
    g->bit_offset = p[2];
    g->access_size = p[3];
    g->addr = rd64(p + 4);
}

bool acpi_checksum_ok(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + b[i]);
    return sum == 0;
}

int acpi_rsdp_parse(const void *p, size_t avail, uint64_t *root_pa, bool *xsdt, uint8_t *revision)
{
    const uint8_t *r = p;
    if (avail < 20 || memcmp(r, "RSD PTR ", 8) != 0 || !acpi_checksum_ok(r, 20))
        return -1;
    *revision = r[15];
    *xsdt = false;
    *root_pa = rd32(r + 16);
    if (r[15] >= 2 && avail >= 36) {
        uint32_t len = rd32(r + 20);
        /* A v2 RSDP with a broken extended part still has a usable RSDT. */
        if (len >= 36 && len <= avail && acpi_checksum_ok(r, len) && rd64(r + 24) != 0) {
            *root_pa = rd64(r + 24);
            *xsdt = true;
        }
    }
    return *root_pa ? 0 : -1;
}

long acpi_rsdp_scan(const void *p, size_t len)
{
    const uint8_t *b = p;
    for (size_t off = 0; off + 20 <= len; off += 16) {
        uint64_t root;
        bool x;
        uint8_t rev;
        if (acpi_rsdp_parse(b + off, len - off, &root, &x, &rev) == 0)
            return (long)off;
    }
    return -1;
}

int acpi_sdt_check(const void *t, size_t avail, const char *what)
{
    const uint8_t *b = t;
    if (avail < ACPI_SDT_HEADER_LEN) {
        acpi_warn("%s: truncated header, skipped", what);
        return -1;
    }
    uint32_t len = rd32(b + 4);
    if (len < ACPI_SDT_HEADER_LEN || len > avail) {
        acpi_warn("%s: bad length %u, skipped", what, len);
        return -1;
    }
    if (!acpi_checksum_ok(b, len)) {
        acpi_warn("%s: bad checksum, skipped", what);
        return -1;
    }
    return 0;
}

void acpi_info_defaults(struct acpi_info *info)
{
    memset(info, 0, sizeof(*info));
    info->lapic_addr = 0xFEE00000u;
    for (unsigned i = 0; i < 16; i++)
        info->isa_irq_to_gsi[i] = (uint8_t)i;
}

static void madt_add_cpu(struct acpi_tables *out, uint32_t apic_id, uint32_t flags)
{
    struct acpi_info *info = &out->info;
    if (!(flags & 1)) {
        if (flags & 2)
            out->cpu_online_capable++;
        else
            out->cpu_disabled++;
        return;
    }
    for (unsigned i = 0; i < info->cpu_count; i++)
        if (info->cpu_apic_ids[i] == apic_id)
            return;             /* listed both as LAPIC and x2APIC */
    if (info->cpu_count == sizeof(info->cpu_apic_ids) / sizeof(info->cpu_apic_ids[0])) {
        acpi_warn("MADT: more than %u cpus, apic id %u ignored", info->cpu_count, apic_id);
        return;
    }
    info->cpu_apic_ids[info->cpu_count++] = apic_id;
}

static void madt_ioapic(struct acpi_info *info, uint64_t addr, uint32_t gsi_base)
{
    /* ISA IRQs live on the IOAPIC whose GSIs start at 0; keep that one. */
    if (info->ioapic_addr == 0 || (gsi_base == 0 && info->ioapic_gsi_base != 0)) {
        info->ioapic_addr = addr;
        info->ioapic_gsi_base = gsi_base;
    }
}

static void madt_override(struct acpi_info *info, const uint8_t *e)
{
    uint8_t bus = e[2], src = e[3];
    uint32_t gsi = rd32(e + 4);
    if (bus != 0 || src >= 16 || gsi > 255) {
        acpi_warn("MADT: odd interrupt override (bus %u irq %u gsi %u) ignored", bus, src, gsi);
        return;
    }
    info->isa_irq_to_gsi[src] = (uint8_t)gsi;
    info->isa_irq_flags[src] = rd16(e + 8);
}

int acpi_parse_madt(const uint8_t *t, uint32_t len, struct acpi_tables *out)
{
    struct acpi_info *info = &out->info;
    if (len < 44) {
        acpi_warn("MADT: too short (%u bytes), skipped", len);
        return -1;
    }
    info->lapic_addr = rd32(t + 36);
    for (uint32_t off = 44; off < len;) {
        const uint8_t *e = t + off;
        if (len - off < 2 || e[1] < 2 || e[1] > len - off) {
            acpi_warn("MADT: bad entry at offset %u, rest ignored", off);
            break;
        }
        uint8_t type = e[0], elen = e[1];
        off += elen;
        switch (type) {
        case 0: /* processor local APIC */
            if (elen >= 8)
                madt_add_cpu(out, e[3], rd32(e + 4));
            break;
        case 1: /* IOAPIC */
            if (elen >= 12)
                madt_ioapic(info, rd32(e + 4), rd32(e + 8));
            break;
        case 2: /* interrupt source override */
            if (elen >= 10)
                madt_override(info, e);
            break;
        case 5: /* local APIC address override */
            if (elen >= 12)
                info->lapic_addr = rd64(e + 4);
            break;
        case 9: /* processor local x2APIC */
            if (elen >= 16)
                madt_add_cpu(out, rd32(e + 4), rd32(e + 8));
            break;
        default:
            break;
        }
    }
    return 0;
}

int acpi_parse_fadt(const uint8_t *t, uint32_t len, struct acpi_fadt_info *out)
{
    memset(out, 0, sizeof(*out));
    if (len < 116) {
        acpi_warn("FADT: too short (%u bytes), skipped", len);
        return -1;
    }
    out->dsdt = rd32(t + 40);
    out->smi_cmd = rd32(t + 48);
    out->acpi_enable = t[52];
    out->pm1a_evt = rd32(t + 56);
    out->pm1_evt_len = t[88];
    if (out->pm1_evt_len < 4)
        out->pm1a_evt = 0;           /* too short to hold status and enable */
    out->pm1a_cnt = (struct acpi_gas){ ACPI_SPACE_IO, 16, 0, 2, rd32(t + 64) };
    out->pm1b_cnt = (struct acpi_gas){ ACPI_SPACE_IO, 16, 0, 2, rd32(t + 68) };
    uint32_t flags = rd32(t + 112);
    if (len >= 129 && (flags & (1u << 10))) {
        read_gas(t + 116, &out->reset_reg);
        out->reset_value = t[128];
        out->reset_supported = out->reset_reg.addr != 0;
    }
    if (len >= 148 && rd64(t + 140))
        out->dsdt = rd64(t + 140);
    /* The extended blocks win when present (ACPI 2.0+). */
    struct acpi_gas g;
    if (len >= 184) {
        read_gas(t + 172, &g);
        if (g.addr)
            out->pm1a_cnt = g;
    }
    if (len >= 196) {
        read_gas(t + 184, &g);
        if (g.addr)
            out->pm1b_cnt = g;
    }
    return 0;
}

int acpi_parse_hpet(const uint8_t *t, uint32_t len, uint64_t *hpet_pa)
{
    if (len < 56) {
        acpi_warn("HPET: too short (%u bytes), skipped", len);
        return -1;
    }
    struct acpi_gas g;
    read_gas(t + 40, &g);
    if (g.space != ACPI_SPACE_MEM || g.addr == 0) {
        acpi_warn("HPET: registers not in memory space, skipped");
        return -1;
    }
    *hpet_pa = g.addr;
    return 0;
}

/* One integer element of an AML package: ZeroOp, OneOp, or a byte/word/dword
 * constant.  Returns bytes consumed, 0 if the element is something else. */
static size_t aml_small_int(const uint8_t *p, size_t avail, uint8_t *v)
{
    if (avail < 1)
        return 0;
    switch (p[0]) {
    case 0x00: *v = 0; return 1;                /* ZeroOp */
    case 0x01: *v = 1; return 1;                /* OneOp */
    case 0x0A: if (avail < 2) return 0; *v = p[1]; return 2;   /* BytePrefix */
    case 0x0B: if (avail < 3) return 0; *v = p[1]; return 3;   /* WordPrefix */
    case 0x0C: if (avail < 5) return 0; *v = p[1]; return 5;   /* DWordPrefix */
    default: return 0;
    }
}

int acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
    for (size_t i = 1; i + 4 < len; i++) {
        if (memcmp(aml + i, "_S5_", 4) != 0)
            continue;
        /* NameOp "_S5_" or NameOp "\_S5_": a name declaration, not a use. */
        bool named = aml[i - 1] == 0x08 || (i >= 2 && aml[i - 1] == '\\' && aml[i - 2] == 0x08);
        size_t p = i + 4;
        if (!named || p >= len || aml[p] != 0x12)       /* PackageOp */
            continue;
        p++;
        if (p >= len)
            break;
        p += 1 + (aml[p] >> 6);                         /* PkgLength: lead byte + 0-3 more */
        if (p >= len)
            break;
        uint8_t count = aml[p++];
        if (count < 1)
            continue;
        uint8_t a, b = 0;
        size_t n = aml_small_int(aml + p, len - p, &a);
        if (n == 0)
            continue;
        p += n;
        if (count >= 2 && aml_small_int(aml + p, len - p, &b) == 0)
            continue;
        *slp_typa = a & 7;
        *slp_typb = b & 7;
        return 0;
    }
    return -1;
}

/* Map a whole table: header first, then its validated length. */
static const uint8_t *map_table(uint64_t pa, acpi_map_fn map, void *ctx, const char *what, uint32_t *len_out)
{
    if (pa == 0)
        return NULL;
    const uint8_t *h = map(pa, ACPI_SDT_HEADER_LEN, ctx);
    if (!h) {
        acpi_warn("%s at 0x%llx: not reachable, skipped", what, (unsigned long long)pa);
        return NULL;
    }
    uint32_t len = rd32(h + 4);
    if (len < ACPI_SDT_HEADER_LEN || len > ACPI_TABLE_MAX_LEN) {
        acpi_warn("%s at 0x%llx: bad length %u, skipped", what, (unsigned long long)pa, len);
        return NULL;
    }
    const uint8_t *t = map(pa, len, ctx);
    if (!t || acpi_sdt_check(t, len, what) != 0)
        return NULL;
    *len_out = len;
    return t;
}

static void note_table(struct acpi_tables *out, uint64_t pa, const uint8_t *h, uint32_t len, bool ok)
{
    if (out->table_count == ACPI_MAX_TABLES)
        return;
    struct acpi_table_ref *r = &out->table[out->table_count++];
    memset(r, 0, sizeof(*r));
    r->pa = pa;
    r->len = len;
    r->ok = ok;
    if (h) {
        memcpy(r->sig, h, 4);
        memcpy(r->oem, h + 10, 6);
        for (int i = 0; i < 6; i++)
            if (r->oem[i] < 0x20 || r->oem[i] > 0x7e)
                r->oem[i] = ' ';
        for (int i = 0; i < 4; i++)
            if (r->sig[i] < 0x20 || r->sig[i] > 0x7e)
                r->sig[i] = '?';
    } else {
        memcpy(r->sig, "????", 4);
    }
}

static void parse_one(uint64_t pa, acpi_map_fn map, void *ctx, struct acpi_tables *out)
{
    const uint8_t *h = pa ? map(pa, ACPI_SDT_HEADER_LEN, ctx) : NULL;
    char what[24] = "table";
    if (h) {
        memcpy(what, "table ", 6);
        for (int i = 0; i < 4; i++)
            what[6 + i] = (h[i] >= 0x20 && h[i] <= 0x7e) ? (char)h[i] : '?';
        what[10] = 0;
    }
    uint32_t len = 0;
    const uint8_t *t = map_table(pa, map, ctx, what, &len);
    note_table(out, pa, h, h ? rd32(h + 4) : 0, t != NULL);
    if (!t)
        return;
    if (memcmp(t, "APIC", 4) == 0 && out->info.cpu_count == 0)
        acpi_parse_madt(t, len, out);
    else if (memcmp(t, "FACP", 4) == 0 && !out->info.have_fadt)
        out->info.have_fadt = acpi_parse_fadt(t, len, &out->fadt) == 0;
    else if (memcmp(t, "HPET", 4) == 0 && out->info.hpet_addr == 0)
        acpi_parse_hpet(t, len, &out->info.hpet_addr);
}

static void parse_dsdt(acpi_map_fn map, void *ctx, struct acpi_tables *out)
{
    uint32_t len = 0;
    const uint8_t *t = map_table(out->fadt.dsdt, map, ctx, "table DSDT", &len);
    const uint8_t *h = out->fadt.dsdt ? map(out->fadt.dsdt, ACPI_SDT_HEADER_LEN, ctx) : NULL;
    note_table(out, out->fadt.dsdt, h, h ? rd32(h + 4) : 0, t != NULL);
    if (!t)
        return;
    if (acpi_find_s5(t + ACPI_SDT_HEADER_LEN, len - ACPI_SDT_HEADER_LEN, &out->slp_typa, &out->slp_typb) == 0)
        out->have_s5 = true;
    else
        acpi_warn("no \\_S5 in the DSDT, poweroff will not work");
}

int acpi_parse_all(uint64_t rsdp_pa, acpi_map_fn map, void *ctx, struct acpi_tables *out)
{
    memset(out, 0, sizeof(*out));
    acpi_info_defaults(&out->info);

    size_t avail = 36;
    const uint8_t *r = map(rsdp_pa, avail, ctx);
    if (!r)
        r = map(rsdp_pa, avail = 20, ctx);
    uint64_t root_pa;
    bool xsdt;
    if (!r || acpi_rsdp_parse(r, avail, &root_pa, &xsdt, &out->rsdp_revision) != 0) {
        acpi_warn("RSDP at 0x%llx is invalid", (unsigned long long)rsdp_pa);
        return -1;
    }
    uint32_t len = 0;
    const uint8_t *root = map_table(root_pa, map, ctx, xsdt ? "table XSDT" : "table RSDT", &len);
    if (!root && xsdt && rd32(r + 16)) {
        xsdt = false;     /* the RSDT may still be good */
        root = map_table(rd32(r + 16), map, ctx, "table RSDT", &len);
    }
    if (!root || memcmp(root, xsdt ? "XSDT" : "RSDT", 4) != 0) {
        if (root)
            acpi_warn("root table has signature %.4s, expected %s", (const char *)root, xsdt ? "XSDT" : "RSDT");
        return -1;
    }
    size_t esize = xsdt ? 8 : 4;
    for (size_t off = ACPI_SDT_HEADER_LEN; off + esize <= len; off += esize)
        parse_one(xsdt ? rd64(root + off) : rd32(root + off), map, ctx, out);
    if (out->info.have_fadt)
        parse_dsdt(map, ctx, out);
    if (out->info.cpu_count == 0)
        acpi_warn("no usable MADT, assuming one cpu");
    return 0;
}
