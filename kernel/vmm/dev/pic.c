/*
 * The emulated 8259A pair.  Each chip keeps IRR/ISR/IMR as on the part;
 * priorities rotate by remembering which line is currently the lowest.
 * The slave's INT output feeds the master's IR2 as a level, recomputed on
 * every change, so the master sees the cascade exactly while the slave has
 * something to deliver.
 */
#include "vmm/dev/pic.h"
#include "lib/string.h"

#define PIC_MASTER 0x20
#define PIC_SLAVE  0xA0
#define PIC_ELCR   0x4D0
#define CASCADE    2

static void chip_reset(struct vpic_chip *c)
{
    /* ICW1 clears the masks, the in-service bits and the edge requests;
     * level requests stay since their lines are still asserted. */
    c->irr &= c->elcr;
    c->isr = 0;
    c->imr = 0;
    c->lowest = 7;
    c->auto_eoi = c->rotate_aeoi = c->sfnm = false;
    c->read_isr = c->special_mask = c->poll = false;
}

void vpic_init(struct vpic *pic, void (*notify)(void *ctx, bool intr), void *ctx)
{
    memset(pic, 0, sizeof *pic);
    for (int i = 0; i < 2; i++)
        chip_reset(&pic->chip[i]);
    pic->chip[0].elcr_mask = 0xF8;   /* PIIX: IRQ0-2 are always edge */
    pic->chip[1].elcr_mask = 0xDE;   /* and IRQ8 and IRQ13 */
    pic->chip[0].vector_base = 0x08; /* the BIOS defaults */
    pic->chip[1].vector_base = 0x70;
    pic->notify = notify;
    pic->notify_ctx = ctx;
}

/* Priority level (0 = highest) of the best line in mask, 8 if none. */
static unsigned priority(const struct vpic_chip *c, uint8_t mask)
{
    for (unsigned p = 0; p < 8; p++)
        if (mask & (1u << ((c->lowest + 1 + p) & 7)))
            return p;
    return 8;
}

static unsigned line_of(const struct vpic_chip *c, unsigned prio)
{
    return (c->lowest + 1 + prio) & 7;
}

/* The line this chip would interrupt with, or -1. */
static int best_request(const struct vpic_chip *c, bool master)
{
    unsigned req = priority(c, c->irr & ~c->imr);
    if (req == 8)
        return -1;
    uint8_t busy = c->isr;
    /* Special fully nested mode lets the slave interrupt the master again
     * while IR2 is in service; special mask mode ignores masked ISR bits. */
    if (master && c->sfnm)
        busy &= ~(1u << CASCADE);
    if (c->special_mask)
        busy &= ~c->imr;
    return req < priority(c, busy) ? (int)line_of(c, req) : -1;
}

static void update(struct vpic *pic)
{
    struct vpic_chip *m = &pic->chip[0];
    if (!m->single) {
        if (best_request(&pic->chip[1], false) >= 0)
            m->irr |= 1u << CASCADE;
        else
            m->irr &= ~(1u << CASCADE);
    }
    bool intr = best_request(m, true) >= 0;
    if (intr != pic->intr) {
        pic->intr = intr;
        if (pic->notify)
            pic->notify(pic->notify_ctx, intr);
    }
}

static void chip_set_line(struct vpic_chip *c, unsigned bit, bool level)
{
    uint8_t mask = (uint8_t)(1u << bit);
    if (level) {
        /* Edge mode latches only a rising edge; level mode follows the line. */
        if ((c->elcr & mask) || !(c->line & mask))
            c->irr |= mask;
        c->line |= mask;
    } else {
        if (c->elcr & mask)
            c->irr &= ~mask;
        c->line &= ~mask;
    }
}

void vpic_set_irq(struct vpic *pic, unsigned irq, bool level)
{
    if (irq >= 16)
        return;
    chip_set_line(&pic->chip[irq >> 3], irq & 7, level);
    update(pic);
}

void vpic_irq_cb(void *pic, unsigned irq, bool level)
{
    vpic_set_irq(pic, irq, level);
}

bool vpic_pending(const struct vpic *pic)
{
    return pic->intr;
}

static void chip_ack(struct vpic_chip *c, unsigned line)
{
    uint8_t mask = (uint8_t)(1u << line);
    if (c->auto_eoi) {
        if (c->rotate_aeoi)
            c->lowest = (uint8_t)line;
    } else {
        c->isr |= mask;
    }
    if (!(c->elcr & mask))
        c->irr &= ~mask;
}

uint8_t vpic_ack(struct vpic *pic)
{
    struct vpic_chip *m = &pic->chip[0], *s = &pic->chip[1];
    int irq = best_request(m, true);
    uint8_t vector;
    if (irq < 0) {
        /* INTR went away between the check and the acknowledge. */
        pic->spurious++;
        vector = m->vector_base + 7;
    } else if (irq == CASCADE && !m->single) {
        int sirq = best_request(s, false);
        chip_ack(m, CASCADE);
        if (sirq < 0) {
            pic->spurious++;
            vector = s->vector_base + 7;
        } else {
            chip_ack(s, (unsigned)sirq);
            vector = s->vector_base + (uint8_t)sirq;
        }
    } else {
        chip_ack(m, (unsigned)irq);
        vector = m->vector_base + (uint8_t)irq;
    }
    update(pic);
    return vector;
}

static void write_ocw2(struct vpic_chip *c, uint8_t val)
{
    unsigned cmd = val >> 5, line = val & 7;
    switch (cmd) {
    case 0: c->rotate_aeoi = false; break;
    case 4: c->rotate_aeoi = true; break;
    case 1:   /* non-specific EOI */
    case 5: { /* ... and rotate */
        unsigned p = priority(c, c->isr);
        if (p == 8)
            break;
        line = line_of(c, p);
        c->isr &= (uint8_t)~(1u << line);
        if (cmd == 5)
            c->lowest = (uint8_t)line;
        break;
    }
    case 3: c->isr &= (uint8_t)~(1u << line); break;                       /* specific EOI */
    case 6: c->lowest = (uint8_t)line; break;                              /* set priority */
    case 7: c->isr &= (uint8_t)~(1u << line); c->lowest = (uint8_t)line; break;
    default: break;                                                        /* 2: no-op */
    }
}

static void write_cmd(struct vpic_chip *c, uint8_t val)
{
    if (val & 0x10) {                 /* ICW1 */
        chip_reset(c);
        c->need_icw4 = val & 1;
        c->single = val & 2;
        c->init_step = 1;
    } else if (val & 0x08) {          /* OCW3 */
        if (val & 0x04)
            c->poll = true;
        if (val & 0x02)
            c->read_isr = val & 1;
        if (val & 0x40)
            c->special_mask = (val >> 5) & 1;
    } else {
        write_ocw2(c, val);
    }
}

static void write_data(struct vpic_chip *c, uint8_t val)
{
    switch (c->init_step) {
    case 1:                           /* ICW2 */
        c->vector_base = val & 0xF8;
        c->init_step = c->single ? (c->need_icw4 ? 3 : 0) : 2;
        break;
    case 2:                           /* ICW3: the wiring is fixed, nothing to keep */
        c->init_step = c->need_icw4 ? 3 : 0;
        break;
    case 3:                           /* ICW4 */
        c->auto_eoi = val & 2;
        c->sfnm = val & 0x10;
        c->init_step = 0;
        break;
    default:                          /* OCW1 */
        c->imr = val;
        break;
    }
}

/* A poll read acknowledges like an INTA cycle and returns 0x80 | line, or 0. */
static uint8_t poll_read(struct vpic *pic, unsigned idx)
{
    struct vpic_chip *c = &pic->chip[idx];
    c->poll = false;
    int irq = best_request(c, idx == 0);
    if (irq < 0)
        return 0;
    chip_ack(c, (unsigned)irq);
    return (uint8_t)(0x80 | irq);
}

static uint64_t pic_read(void *dev, uint64_t port, unsigned size)
{
    struct vpic *pic = dev;
    (void)size;
    if (port == PIC_ELCR || port == PIC_ELCR + 1)
        return pic->chip[port - PIC_ELCR].elcr;
    unsigned idx = port >= PIC_SLAVE;
    struct vpic_chip *c = &pic->chip[idx];
    if (c->poll) {
        uint8_t v = poll_read(pic, idx);
        update(pic);
        return v;
    }
    if (port & 1)
        return c->imr;
    return c->read_isr ? c->isr : c->irr;
}

static void pic_write(void *dev, uint64_t port, unsigned size, uint64_t value)
{
    struct vpic *pic = dev;
    uint8_t val = (uint8_t)value;
    (void)size;
    if (port == PIC_ELCR || port == PIC_ELCR + 1) {
        struct vpic_chip *c = &pic->chip[port - PIC_ELCR];
        c->elcr = val & c->elcr_mask;
        /* Lines now level-triggered take their current level as request. */
        c->irr = (uint8_t)((c->irr & ~c->elcr) | (c->line & c->elcr));
    } else {
        struct vpic_chip *c = &pic->chip[port >= PIC_SLAVE];
        if (port & 1)
            write_data(c, val);
        else
            write_cmd(c, val);
    }
    update(pic);
}

static const struct iobus_ops vpic_ops = { .read = pic_read, .write = pic_write };

int vpic_attach(struct vpic *pic, struct iobus *bus)
{
    int rc = iobus_register(bus, IOBUS_PIO, PIC_MASTER, 2, &vpic_ops, pic, 1, "pic-master");
    if (!rc)
        rc = iobus_register(bus, IOBUS_PIO, PIC_SLAVE, 2, &vpic_ops, pic, 1, "pic-slave");
    if (!rc)
        rc = iobus_register(bus, IOBUS_PIO, PIC_ELCR, 2, &vpic_ops, pic, 1, "elcr");
    return rc;
}
