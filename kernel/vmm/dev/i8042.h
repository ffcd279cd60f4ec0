/* The emulated i8042 keyboard controller (data port 0x60, status/command
 * port 0x64) with a keyboard behind it and no mouse.  It is what guests use
 * to reset the machine (command 0xFE) and to gate A20, and it delivers the
 * VM console's keys as scan codes on IRQ1.  See docs/vmm-devices.md.
 * Owner: vmm.
 *
 * Usage:
 *     vkbc_init(&k, irq1, irq12, &hooks);  vkbc_attach(&k, &bus);
 *     vkbc_push_scancodes(&k, "\x1e\x9e", 2);   'a' pressed and released
 */
#ifndef HV_VMM_DEV_I8042_H
#define HV_VMM_DEV_I8042_H

#include "vmm/dev/vdev.h"
#include "vmm/iobus.h"

#define VKBC_QUEUE 64         /* bytes waiting for the output buffer */

/* Callbacks into the VMM; any may be NULL. */
struct vkbc_hooks {
    void (*reset)(void *ctx);               /* the guest pulsed the reset line */
    void (*a20)(void *ctx, bool enabled);   /* the A20 gate changed */
    void (*leds)(void *ctx, uint8_t leds);  /* bit 0 scroll, 1 num, 2 caps lock */
    void *ctx;
};

struct vkbc {
    uint8_t queue[VKBC_QUEUE];  /* bytes for port 0x60, oldest first */
    uint8_t aux[VKBC_QUEUE];    /* per byte: 1 if it comes from the aux port */
    unsigned head, count;
    uint8_t last;             /* last byte read from 0x60 (re-read when empty) */
    uint8_t cmd_byte;         /* controller RAM 0: IRQ enables, SYS, disables, translate */
    uint8_t ram[32];          /* controller RAM bytes, [0] unused (cmd_byte) */
    uint8_t outport;          /* output port: bit 0 reset (1 = run), bit 1 A20 */
    uint8_t pending_cmd;      /* controller command waiting for its data byte, or 0 */
    uint8_t kbd_cmd;          /* keyboard command waiting for its parameter, or 0 */
    bool last_was_cmd;        /* status bit 3: the last write went to 0x64 */
    bool scanning;            /* the keyboard sends keys (0xF4/0xF5) */
    uint8_t scan_set;         /* 1..3, as set by 0xF0 */
    uint8_t leds;
    bool irq1_level, irq12_level;
    struct vdev_irq irq1, irq12;
    struct vkbc_hooks hooks;
    uint64_t dropped;         /* console bytes lost to a full queue or disabled keyboard */
};

void vkbc_init(struct vkbc *k, struct vdev_irq irq1, struct vdev_irq irq12,
               const struct vkbc_hooks *hooks);

/* Registers 0x60 and 0x64.  Returns 0 or the bus error. */
int vkbc_attach(struct vkbc *k, struct iobus *bus);

/* Queues scan codes from the VM console, exactly as the guest will read them
 * (set 1, as seen through the default translation).  Returns how many were
 * taken: none while the keyboard is disabled, fewer when the queue is full. */
size_t vkbc_push_scancodes(struct vkbc *k, const void *bytes, size_t n);

/* Whether the guest has A20 enabled. */
bool vkbc_a20(const struct vkbc *k);

#endif
