/*
 * The per-VM I/O bus.  Ranges live in a sorted array per address space, so
 * a lookup is a binary search over at most IOBUS_MAX_RANGES entries and
 * registration is an insertion that keeps the order (and refuses overlap,
 * which would make dispatch ambiguous).
 */
#include "vmm/iobus.h"
#include "lib/errno.h"
#include "lib/string.h"

void iobus_init(struct iobus *bus)
{
    memset(bus, 0, sizeof *bus);
}

static struct iobus_space_tab *tab_of(struct iobus *bus, enum iobus_space space)
{
    if ((unsigned)space >= IOBUS_NSPACES)
        return NULL;
    return &bus->space[space];
}

/* Index of the first range whose base is > addr (0..n). */
static unsigned upper_bound(const struct iobus_space_tab *t, uint64_t addr)
{
    unsigned lo = 0, hi = t->n;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (t->r[mid].base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static struct iobus_range *find(struct iobus_space_tab *t, uint64_t addr)
{
    unsigned i = upper_bound(t, addr);
    if (i == 0)
        return NULL;
    struct iobus_range *r = &t->r[i - 1];
    return addr - r->base < r->len ? r : NULL;
}

const struct iobus_range *iobus_find(const struct iobus *bus, enum iobus_space space,
                                     uint64_t addr)
{
    if ((unsigned)space >= IOBUS_NSPACES)
        return NULL;
    return find((struct iobus_space_tab *)&bus->space[space], addr);
}

int iobus_register(struct iobus *bus, enum iobus_space space, uint64_t base, uint64_t len,
                   const struct iobus_ops *ops, void *dev, unsigned width, const char *name)
{
    struct iobus_space_tab *t = tab_of(bus, space);
    if (!t || len == 0 || base + (len - 1) < base || !ops || !ops->read || !ops->write ||
        width > 1)
        return -E_INVAL;
    if (space == IOBUS_PIO && (base > 0xFFFF || len > 0x10000 - base))
        return -E_INVAL;
    unsigned i = upper_bound(t, base);
    /* Sorted and disjoint, so only the neighbours can overlap.  Compare
     * last bytes, not ends, so a range reaching the top of the space works. */
    if (i > 0 && t->r[i - 1].base + (t->r[i - 1].len - 1) >= base)
        return -E_EXIST;
    if (i < t->n && t->r[i].base <= base + (len - 1))
        return -E_EXIST;
    if (t->n == IOBUS_MAX_RANGES)
        return -E_NOSPC;
    memmove(&t->r[i + 1], &t->r[i], (t->n - i) * sizeof t->r[0]);
    t->r[i] = (struct iobus_range){
        .base = base, .len = len, .ops = ops, .dev = dev, .width = (uint8_t)width,
        .name = name ? name : "?",
    };
    t->n++;
    return 0;
}

int iobus_unregister(struct iobus *bus, enum iobus_space space, uint64_t base)
{
    struct iobus_space_tab *t = tab_of(bus, space);
    if (!t)
        return -E_NOENT;
    unsigned i = upper_bound(t, base);
    if (i == 0 || t->r[i - 1].base != base)
        return -E_NOENT;
    i--;
    memmove(&t->r[i], &t->r[i + 1], (t->n - i - 1) * sizeof t->r[0]);
    t->n--;
    return 0;
}

static int check_access(enum iobus_space space, uint64_t addr, unsigned size)
{
    if ((unsigned)space >= IOBUS_NSPACES)
        return -E_INVAL;
    if (size != 1 && size != 2 && size != 4 && (size != 8 || space != IOBUS_MMIO))
        return -E_INVAL;
    if (addr + size - 1 < addr)
        return -E_INVAL;
    if (space == IOBUS_PIO && addr + size - 1 > 0xFFFF)
        return -E_INVAL;
    return 0;
}

static uint64_t ones(unsigned size)
{
    return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/*
 * Decides how an access is delivered: WHOLE to r (a range that contains it
 * and takes any size), BYTES (every byte lies in a byte-wide range or in no
 * range), or NONE (some byte lies in a range that takes only whole accesses
 * but not all of the access does: refusing beats handing a device an access
 * that runs off its end).
 */
enum route { ROUTE_NONE, ROUTE_WHOLE, ROUTE_BYTES };

static enum route route(struct iobus_space_tab *t, uint64_t addr, unsigned size,
                        struct iobus_range **whole)
{
    struct iobus_range *r = find(t, addr);
    if (r && r->width == 0 && addr - r->base + size <= r->len) {
        *whole = r;
        return ROUTE_WHOLE;
    }
    if (size == 1)
        return r ? (*whole = r, ROUTE_WHOLE) : ROUTE_NONE;
    bool any = false;
    for (unsigned k = 0; k < size; k++) {
        struct iobus_range *b = find(t, addr + k);
        if (b && b->width == 0)
            return ROUTE_NONE;
        any |= b != NULL;
    }
    return any ? ROUTE_BYTES : ROUTE_NONE;
}

int iobus_read(struct iobus *bus, enum iobus_space space, uint64_t addr, unsigned size,
               uint64_t *value)
{
    int rc = check_access(space, addr, size);
    *value = ~0ull;
    if (rc)
        return rc;
    *value = ones(size);
    struct iobus_space_tab *t = &bus->space[space];
    struct iobus_range *r = NULL;
    switch (route(t, addr, size, &r)) {
    case ROUTE_WHOLE:
        r->accesses++;
        *value = r->ops->read(r->dev, addr, size) & ones(size);
        return 0;
    case ROUTE_BYTES: {
        uint64_t v = 0;
        for (unsigned k = 0; k < size; k++) {
            struct iobus_range *b = find(t, addr + k);
            uint64_t byte = 0xFF;
            if (b) {
                b->accesses++;
                byte = b->ops->read(b->dev, addr + k, 1) & 0xFF;
            }
            v |= byte << (8 * k);
        }
        *value = v;
        return 0;
    }
    default:
        t->unclaimed++;
        return -E_NOENT;
    }
}

int iobus_write(struct iobus *bus, enum iobus_space space, uint64_t addr, unsigned size,
                uint64_t value)
{
    int rc = check_access(space, addr, size);
    if (rc)
        return rc;
    struct iobus_space_tab *t = &bus->space[space];
    struct iobus_range *r = NULL;
    value &= ones(size);
    switch (route(t, addr, size, &r)) {
    case ROUTE_WHOLE:
        r->accesses++;
        r->ops->write(r->dev, addr, size, value);
        return 0;
    case ROUTE_BYTES:
        for (unsigned k = 0; k < size; k++) {
            struct iobus_range *b = find(t, addr + k);
            if (b) {
                b->accesses++;
                b->ops->write(b->dev, addr + k, 1, (value >> (8 * k)) & 0xFF);
            }
        }
        return 0;
    default:
        t->unclaimed++;
        return -E_NOENT;
    }
}
