/* The MMIO test device (see testdev.h). */
#include "vmm/testdev.h"

static uint64_t td_read(void *dev, uint64_t addr, unsigned size)
{
    struct testdev *t = dev;
    uint64_t off = addr - TESTDEV_GPA, val = 0;
    if (off >= TESTDEV_COUNTERS) {
        val = ((uint64_t)t->reads << 32 | t->writes) >> ((off - TESTDEV_COUNTERS) * 8);
    } else {
        /* The bus guarantees [addr, addr+size) lies in the range. */
        for (unsigned i = size; i-- > 0;)
            val = val << 8 | t->mem[off + i];
    }
    t->reads++;
    return size == 8 ? val : val & ((1ull << (size * 8)) - 1);
}

static void td_write(void *dev, uint64_t addr, unsigned size, uint64_t value)
{
    struct testdev *t = dev;
    uint64_t off = addr - TESTDEV_GPA;
    t->writes++;
    for (unsigned i = 0; i < size && off + i < TESTDEV_COUNTERS; i++)
        t->mem[off + i] = (uint8_t)(value >> (i * 8));
}

static const struct iobus_ops td_ops = { td_read, td_write };

void testdev_init(struct testdev *t)
{
    for (unsigned i = 0; i < TESTDEV_SIZE; i++)
        t->mem[i] = TESTDEV_PATTERN(i);
    t->reads = t->writes = 0;
}

int testdev_attach(struct testdev *t, struct iobus *bus)
{
    return iobus_register(bus, IOBUS_MMIO, TESTDEV_GPA, TESTDEV_SIZE, &td_ops, t, 0, "hv-testdev");
}
