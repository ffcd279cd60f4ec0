/* The emulated 8259A pair (master at 0x20, slave at 0xA0 cascaded on IR2)
 * with the PIIX edge/level control registers at 0x4D0/0x4D1.
 * See docs/vmm-devices.md.  Owner: vmm.
 *
 * Usage:
 *     vpic_init(&pic, notify, ctx);  vpic_attach(&pic, &bus);
 *     vpic_set_irq(&pic, 4, true);               a device raises IRQ4
 *     if (vpic_pending(&pic)) inject(vpic_ack(&pic));   at the VM entry
 */
#ifndef HV_VMM_DEV_PIC_H
#define HV_VMM_DEV_PIC_H

#include "vmm/dev/vdev.h"
#include "vmm/iobus.h"

struct vpic_chip {
    uint8_t irr;              /* requests waiting */
    uint8_t isr;              /* requests being serviced */
    uint8_t imr;              /* masked lines */
    uint8_t line;             /* current input levels, for edge detection */
    uint8_t elcr;             /* 1 = level-triggered (ELCR) */
    uint8_t elcr_mask;        /* ELCR bits the guest may set */
    uint8_t vector_base;      /* ICW2, low 3 bits zero */
    uint8_t lowest;           /* the line with the lowest priority (rotation) */
    uint8_t init_step;        /* 0 ready, 1..3 waiting for ICW2..ICW4 */
    bool need_icw4, single, auto_eoi, rotate_aeoi, sfnm;
    bool read_isr;            /* OCW3: port reads ISR instead of IRR */
    bool special_mask, poll;
};

struct vpic {
    struct vpic_chip chip[2]; /* [0] master, [1] slave */
    bool intr;                /* the INTR output to the CPU */
    void (*notify)(void *ctx, bool intr);   /* INTR changed; may be NULL */
    void *notify_ctx;
    uint64_t spurious;        /* acks with nothing to deliver */
};

void vpic_init(struct vpic *pic, void (*notify)(void *ctx, bool intr), void *ctx);

/* Registers 0x20-0x21, 0xA0-0xA1 and 0x4D0-0x4D1.  Returns 0 or the bus error. */
int vpic_attach(struct vpic *pic, struct iobus *bus);

/* Drives ISA line irq (0..15) to level.  Out-of-range lines are ignored. */
void vpic_set_irq(struct vpic *pic, unsigned irq, bool level);

/* The same with a void * first argument, for struct vdev_irq.set. */
void vpic_irq_cb(void *pic, unsigned irq, bool level);

/* Is INTR asserted, i.e. would the CPU take an interrupt if IF=1? */
bool vpic_pending(const struct vpic *pic);

/* The CPU's interrupt acknowledge: returns the vector to inject and moves the
 * request to in-service.  With nothing pending it returns the spurious
 * vector (IR7 of the chip), as the hardware does. */
uint8_t vpic_ack(struct vpic *pic);

#endif
