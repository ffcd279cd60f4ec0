/* An emulated 16550A UART, normally COM1 (0x3F8, IRQ4).  Transmitted bytes
 * go to a callback at once (the line is infinitely fast); typed bytes wait in
 * an input queue and enter the 16-byte receive FIFO as room appears, so
 * console input is never lost to overruns.  See docs/vmm-devices.md.
 * Owner: vmm.
 *
 * Usage:
 *     vuart_init(&u, 0x3F8, irq4_line, tx, ctx);  vuart_attach(&u, &bus);
 *     vuart_input(&u, "ls\r", 3);                 the console typed
 */
#ifndef HV_VMM_DEV_UART16550_H
#define HV_VMM_DEV_UART16550_H

#include "vmm/dev/vdev.h"
#include "vmm/iobus.h"

#define VUART_FIFO   16
#define VUART_INPUT  256      /* typed bytes waiting for FIFO room */

struct vuart_fifo {
    uint8_t buf[VUART_FIFO];
    uint8_t head, count;
};

struct vuart {
    uint16_t base;            /* first port: 0x3F8 for COM1 */
    uint8_t ier, lcr, mcr, lsr, msr, scr;
    uint8_t fcr;              /* last FCR written (bit 0: FIFOs on, 6-7: trigger) */
    uint16_t divisor;         /* DLL | DLM << 8; 1 = 115200 baud */
    bool thr_irq;             /* "THR empty" interrupt pending until IIR read or THR write */
    bool irq_level;           /* what was last put on the line */
    struct vuart_fifo rx;     /* receive FIFO (depth 1 with FIFOs off) */
    uint8_t in[VUART_INPUT];  /* typed bytes not yet in rx */
    unsigned in_head, in_count;
    struct vdev_irq irq;
    void (*tx)(void *ctx, uint8_t byte);   /* each transmitted byte; may be NULL */
    void *tx_ctx;
    uint64_t tx_bytes, rx_overruns;
};

void vuart_init(struct vuart *u, uint16_t base, struct vdev_irq irq,
                void (*tx)(void *ctx, uint8_t byte), void *tx_ctx);

/* Registers base..base+7.  Returns 0 or the bus error. */
int vuart_attach(struct vuart *u, struct iobus *bus);

/* Queues typed bytes for the guest; returns how many fit. */
size_t vuart_input(struct vuart *u, const void *bytes, size_t n);

#endif
