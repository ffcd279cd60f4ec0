/*
 * The emulated 8254.  A counter is never stepped: its value and OUT pin are
 * computed from d, the ticks elapsed since counting started, so the model
 * costs nothing while the guest is not looking and needs no host timer
 * except for IRQ0, whose next edge vpit_next_deadline() predicts.
 */
#include "vmm/dev/pit.h"
#include "lib/string.h"

#define PIT_PORT   0x40
#define PIT_CTRL   0x43
#define PORT_B     0x61

enum { RW_LATCH = 0, RW_LSB = 1, RW_MSB = 2, RW_WORD = 3, RW_WORD_HI = 4 };

#define NS_PER_3S 3000000000ull

uint64_t vpit_ns_to_ticks(uint64_t ns)
{
    /* ns * 3579545 / 3e9 without a 128-bit product (no libgcc here). */
    return (ns / NS_PER_3S) * VPIT_HZ_NUM + (ns % NS_PER_3S) * VPIT_HZ_NUM / NS_PER_3S;
}

uint64_t vpit_ticks_to_ns(uint64_t ticks)
{
    /* Rounded up, so the clock has reached the tick at the returned time. */
    uint64_t q = ticks / VPIT_HZ_NUM, r = ticks % VPIT_HZ_NUM;
    if (q > (UINT64_MAX - NS_PER_3S) / NS_PER_3S)
        return VDEV_NO_DEADLINE;
    return q * NS_PER_3S + (r * NS_PER_3S + VPIT_HZ_NUM - 1) / VPIT_HZ_NUM;
}

static uint64_t now_ticks(struct vpit *pit)
{
    return vpit_ns_to_ticks(vdev_now(&pit->clock));
}

void vpit_init(struct vpit *pit, struct vdev_clock clock, struct vdev_irq irq0)
{
    memset(pit, 0, sizeof *pit);
    pit->clock = clock;
    pit->irq0 = irq0;
    for (int i = 0; i < 3; i++) {
        struct vpit_channel *c = &pit->ch[i];
        c->count = 0x10000;
        c->rw = c->read_state = c->write_state = RW_WORD;
        c->gate = i != 2;     /* channels 0 and 1 have their gate tied high */
        c->mode = 3;
    }
}

static bool one_shot(const struct vpit_channel *c)
{
    return c->mode != 2 && c->mode != 3;
}

static uint64_t elapsed(const struct vpit_channel *c, uint64_t now)
{
    return c->running ? now - c->load : c->frozen;
}

static bool out_pin(const struct vpit_channel *c, uint64_t now)
{
    if (!c->armed)
        return c->mode != 0;
    uint64_t d = elapsed(c, now);
    switch (c->mode) {
    case 0: return d >= c->count;
    case 1: return !c->running || d >= c->count;
    case 2: return !c->running || c->count < 2 || d % c->count != c->count - 1;
    case 3: return !c->running || d % c->count < (c->count + 1) / 2;
    case 4: return d != c->count;
    default: return !c->running || d != c->count;
    }
}

/* Rising edges of OUT since counting started: what IRQ0 counts. */
static uint64_t edges(const struct vpit_channel *c, uint64_t now)
{
    if (!c->armed || (!c->running && c->mode != 0 && c->mode != 4))
        return 0;
    uint64_t d = elapsed(c, now);
    switch (c->mode) {
    case 0: case 1: return d >= c->count;
    case 2: case 3: return d / c->count;
    default: return d > c->count;
    }
}

static uint16_t counter_value(const struct vpit_channel *c, uint64_t now)
{
    uint32_t m = c->bcd ? 10000 : 0x10000;
    uint32_t v;
    bool paused = c->mode == 0 || c->mode == 4;
    if (!c->armed || (!c->running && !paused)) {
        v = c->count % m;                 /* not counting: reads the reload value */
    } else {
        uint64_t d = elapsed(c, now);
        if (c->mode == 2)
            v = c->count - (uint32_t)(d % c->count);
        else if (c->mode == 3)
            v = c->count - (uint32_t)((2 * d) % c->count);
        else
            v = (uint32_t)((c->count + m - d % m) % m);
        v %= m;
    }
    if (!c->bcd)
        return (uint16_t)v;
    return (uint16_t)((v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

void vpit_update(struct vpit *pit)
{
    uint64_t e = edges(&pit->ch[0], now_ticks(pit));
    if (e <= pit->irq_seen)
        return;
    pit->missed += e - pit->irq_seen - 1;
    pit->irq_seen = e;
    vdev_irq_set(&pit->irq0, true);
    vdev_irq_set(&pit->irq0, false);
}

uint64_t vpit_next_deadline(struct vpit *pit)
{
    const struct vpit_channel *c = &pit->ch[0];
    if (!c->armed || !c->running)
        return VDEV_NO_DEADLINE;
    uint64_t tick;
    if (!one_shot(c))
        tick = c->load + (pit->irq_seen + 1) * c->count;
    else if (pit->irq_seen == 0)
        tick = c->load + c->count + (c->mode >= 4);
    else
        return VDEV_NO_DEADLINE;
    return vpit_ticks_to_ns(tick);
}

bool vpit_out(struct vpit *pit, unsigned n)
{
    return n < 3 && out_pin(&pit->ch[n], now_ticks(pit));
}

/* The channel's counting restarts: after a count write or a gate trigger. */
static void start(struct vpit *pit, struct vpit_channel *c, uint64_t now)
{
    c->load = now;
    c->frozen = 0;
    c->running = c->gate;
    if (c == &pit->ch[0])
        pit->irq_seen = 0;
}

static void load_count(struct vpit *pit, struct vpit_channel *c, uint16_t raw, uint64_t now)
{
    uint32_t v = raw;
    if (c->bcd) {
        v = (raw >> 12) * 1000 + ((raw >> 8) & 15) * 100 + ((raw >> 4) & 15) * 10 + (raw & 15);
        v %= 10000;
    }
    c->count = v ? v : (c->bcd ? 10000 : 0x10000);
    c->armed = true;
    if (c->mode == 1 || c->mode == 5) {
        c->running = false;           /* waits for a rising gate */
        c->frozen = 0;
        if (c == &pit->ch[0])
            pit->irq_seen = 0;
        return;
    }
    c->null_count = false;
    start(pit, c, now);
}

static void set_gate(struct vpit *pit, struct vpit_channel *c, bool gate, uint64_t now)
{
    if (gate == c->gate)
        return;
    c->gate = gate;
    if (!c->armed)
        return;
    if (gate) {
        if (c->mode == 0 || c->mode == 4) {
            c->load = now - c->frozen;    /* resume where it paused */
            c->running = true;
        } else {
            c->null_count = false;
            start(pit, c, now);           /* 1, 5: trigger; 2, 3: reload */
        }
    } else if (c->mode == 0 || c->mode == 4) {
        c->frozen = now - c->load;
        c->running = false;
    } else if (c->mode == 2 || c->mode == 3) {
        c->running = false;               /* OUT goes high and stays */
        c->frozen = 0;
    }
}

static void latch_count(struct vpit_channel *c, uint64_t now)
{
    if (c->latch_state)
        return;                           /* the first latch holds until read */
    c->latch = counter_value(c, now);
    c->latch_state = c->rw;
}

static void latch_status(struct vpit_channel *c, uint64_t now)
{
    if (c->status_latched)
        return;
    c->status = (uint8_t)(out_pin(c, now) << 7 | c->null_count << 6 | c->rw << 4 |
                          c->mode << 1 | c->bcd);
    c->status_latched = true;
}

static void write_control(struct vpit *pit, uint8_t val, uint64_t now)
{
    unsigned sel = val >> 6;
    if (sel == 3) {                       /* read-back */
        for (unsigned i = 0; i < 3; i++) {
            if (!(val & (2u << i)))
                continue;
            if (!(val & 0x20))
                latch_count(&pit->ch[i], now);
            if (!(val & 0x10))
                latch_status(&pit->ch[i], now);
        }
        return;
    }
    struct vpit_channel *c = &pit->ch[sel];
    unsigned rw = (val >> 4) & 3;
    if (rw == RW_LATCH) {
        latch_count(c, now);
        return;
    }
    c->rw = c->read_state = c->write_state = (uint8_t)rw;
    c->mode = (val >> 1) & 7;
    if (c->mode > 5)
        c->mode -= 4;                     /* 6 and 7 are aliases of 2 and 3 */
    c->bcd = val & 1;
    c->armed = c->running = false;
    c->frozen = 0;
    c->null_count = true;
    if (c == &pit->ch[0])
        pit->irq_seen = 0;
}

static void write_counter(struct vpit *pit, struct vpit_channel *c, uint8_t val, uint64_t now)
{
    switch (c->write_state) {
    case RW_LSB: load_count(pit, c, val, now); break;
    case RW_MSB: load_count(pit, c, (uint16_t)(val << 8), now); break;
    case RW_WORD:
        c->write_lsb = val;
        c->write_state = RW_WORD_HI;
        if (c->mode == 0)
            c->armed = c->running = false;   /* mode 0 stops at the first byte */
        break;
    default:
        load_count(pit, c, (uint16_t)(c->write_lsb | val << 8), now);
        c->write_state = RW_WORD;
        break;
    }
}

static uint8_t read_counter(struct vpit_channel *c, uint64_t now)
{
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->latch_state) {
        switch (c->latch_state) {
        case RW_MSB: c->latch_state = 0; return (uint8_t)(c->latch >> 8);
        case RW_WORD: c->latch_state = RW_MSB; return (uint8_t)c->latch;
        default: c->latch_state = 0; return (uint8_t)c->latch;
        }
    }
    uint16_t v = counter_value(c, now);
    switch (c->read_state) {
    case RW_LSB: return (uint8_t)v;
    case RW_MSB: return (uint8_t)(v >> 8);
    case RW_WORD: c->read_state = RW_WORD_HI; return (uint8_t)v;
    default: c->read_state = RW_WORD; return (uint8_t)(v >> 8);
    }
}

static uint64_t pit_read(void *dev, uint64_t port, unsigned size)
{
    struct vpit *pit = dev;
    uint64_t ns = vdev_now(&pit->clock), now = vpit_ns_to_ticks(ns);
    (void)size;
    vpit_update(pit);
    if (port == PORT_B) {
        /* Bit 4 is the DRAM refresh request, toggling every 15.085 us. */
        const struct vpit_channel *c2 = &pit->ch[2];
        return (uint64_t)(c2->gate | pit->speaker << 1 | ((ns / 15085) & 1) << 4 |
                          out_pin(c2, now) << 5);
    }
    if (port == PIT_CTRL)
        return 0xFF;                      /* write-only on the 8254 */
    return read_counter(&pit->ch[port - PIT_PORT], now);
}

static void pit_write(void *dev, uint64_t port, unsigned size, uint64_t value)
{
    struct vpit *pit = dev;
    uint64_t now = now_ticks(pit);
    uint8_t val = (uint8_t)value;
    (void)size;
    vpit_update(pit);                     /* edges before the change still count */
    if (port == PORT_B) {
        pit->speaker = (val >> 1) & 1;
        set_gate(pit, &pit->ch[2], val & 1, now);
    } else if (port == PIT_CTRL) {
        write_control(pit, val, now);
    } else {
        write_counter(pit, &pit->ch[port - PIT_PORT], val, now);
    }
    vpit_update(pit);
}

static const struct iobus_ops vpit_ops = { .read = pit_read, .write = pit_write };

int vpit_attach(struct vpit *pit, struct iobus *bus)
{
    int rc = iobus_register(bus, IOBUS_PIO, PIT_PORT, 4, &vpit_ops, pit, 1, "pit");
    if (!rc)
        rc = iobus_register(bus, IOBUS_PIO, PORT_B, 1, &vpit_ops, pit, 1, "port61");
    return rc;
}
