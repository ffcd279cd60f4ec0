/*
 * The emulated 16550A.  Transmission takes no time, so THR/TSR are always
 * empty (LSR.THRE and TEMT stay set) and the "THR empty" interrupt is a
 * flag raised after every byte and by enabling it, cleared by reading IIR or
 * writing THR, as on the part.  Reception has the 16-byte FIFO (one byte
 * with FIFOs off); a byte arriving at a full FIFO is lost and sets LSR.OE.
 */
#include "vmm/dev/uart16550.h"
#include "lib/string.h"

enum { RBR = 0, IER = 1, IIR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define LCR_DLAB      0x80
#define MCR_OUT2      0x08
#define MCR_LOOP      0x10
#define LSR_DR        0x01
#define LSR_OE        0x02
#define LSR_ERRORS    0x1E   /* OE, PE, FE, BI: cleared by reading LSR */
#define LSR_TX_EMPTY  0x60   /* THRE and TEMT */
#define MSR_CONNECTED 0xB0   /* DCD, DSR, CTS: a terminal is attached */
#define IIR_NONE      0x01

void vuart_init(struct vuart *u, uint16_t base, struct vdev_irq irq,
                void (*tx)(void *ctx, uint8_t byte), void *tx_ctx)
{
    memset(u, 0, sizeof *u);
    u->base = base;
    u->irq = irq;
    u->tx = tx;
    u->tx_ctx = tx_ctx;
    u->msr = MSR_CONNECTED;
    u->divisor = 12;                  /* 9600 baud until the guest says otherwise */
}

static bool fifo_on(const struct vuart *u)
{
    return u->fcr & 1;
}

static unsigned rx_capacity(const struct vuart *u)
{
    return fifo_on(u) ? VUART_FIFO : 1;
}

static unsigned rx_trigger(const struct vuart *u)
{
    static const uint8_t level[4] = { 1, 4, 8, 14 };
    return fifo_on(u) ? level[u->fcr >> 6] : 1;
}

static void receive(struct vuart *u, uint8_t byte)
{
    if (u->rx.count == rx_capacity(u)) {
        u->lsr |= LSR_OE;
        u->rx_overruns++;
        return;
    }
    u->rx.buf[(u->rx.head + u->rx.count) % VUART_FIFO] = byte;
    u->rx.count++;
}

/* Typed bytes enter the FIFO only while it has room: no overruns from the
 * console.  In loopback the receiver hears only the transmitter. */
static void refill(struct vuart *u)
{
    while (u->in_count && u->rx.count < rx_capacity(u) && !(u->mcr & MCR_LOOP)) {
        receive(u, u->in[u->in_head]);
        u->in_head = (u->in_head + 1) % VUART_INPUT;
        u->in_count--;
    }
}

/* The highest-priority pending cause, as IIR bits 3-0. */
static uint8_t cause(const struct vuart *u)
{
    if ((u->ier & 0x04) && (u->lsr & LSR_ERRORS))
        return 0x06;
    if ((u->ier & 0x01) && u->rx.count)
        /* No character timer: data below the trigger level reports as a
         * timeout at once, which drivers treat like "data available". */
        return u->rx.count >= rx_trigger(u) ? 0x04 : 0x0C;
    if ((u->ier & 0x02) && u->thr_irq)
        return 0x02;
    if ((u->ier & 0x08) && (u->msr & 0x0F))
        return 0x00;
    return IIR_NONE;
}

static void update_irq(struct vuart *u)
{
    /* On a PC, OUT2 gates the UART's interrupt onto the ISA bus; loopback
     * forces OUT2 inactive. */
    bool level = cause(u) != IIR_NONE && (u->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;
    if (level != u->irq_level) {
        u->irq_level = level;
        vdev_irq_set(&u->irq, level);
    }
}

static void update_msr(struct vuart *u)
{
    uint8_t m = u->mcr, now = MSR_CONNECTED;
    if (m & MCR_LOOP)   /* RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD */
        now = (uint8_t)((m & 2) << 3 | (m & 1) << 5 | (m & 4) << 4 | (m & 8) << 4);
    uint8_t old = u->msr & 0xF0, chg = old ^ now;
    uint8_t delta = (uint8_t)((chg & 0x10 ? 1 : 0) | (chg & 0x20 ? 2 : 0) |
                              ((old & 0x40) && !(now & 0x40) ? 4 : 0) | (chg & 0x80 ? 8 : 0));
    u->msr = (uint8_t)(now | (u->msr & 0x0F) | delta);
}

static void transmit(struct vuart *u, uint8_t byte)
{
    if (u->mcr & MCR_LOOP) {
        receive(u, byte);
    } else {
        u->tx_bytes++;
        if (u->tx)
            u->tx(u->tx_ctx, byte);
    }
    u->thr_irq = true;                /* the byte left at once: THR is empty */
}

static void write_fcr(struct vuart *u, uint8_t val)
{
    bool was_on = fifo_on(u);
    u->fcr = (val & 1) ? (val & 0xC9) : 0;
    if ((val & 2) || was_on != fifo_on(u))
        u->rx.count = u->rx.head = 0;
}

static uint64_t uart_read(void *dev, uint64_t port, unsigned size)
{
    struct vuart *u = dev;
    uint8_t v = 0;
    (void)size;
    switch (port - u->base) {
    case RBR:
        if (u->lcr & LCR_DLAB) {
            v = (uint8_t)u->divisor;
        } else if (u->rx.count) {
            v = u->rx.buf[u->rx.head];
            u->rx.head = (u->rx.head + 1) % VUART_FIFO;
            u->rx.count--;
            refill(u);
        }
        break;
    case IER: v = (u->lcr & LCR_DLAB) ? (uint8_t)(u->divisor >> 8) : u->ier; break;
    case IIR:
        v = cause(u);
        if (v == 0x02)
            u->thr_irq = false;
        v |= fifo_on(u) ? 0xC0 : 0;
        break;
    case LCR: v = u->lcr; break;
    case MCR: v = u->mcr; break;
    case LSR:
        v = (uint8_t)(u->lsr | LSR_TX_EMPTY | (u->rx.count ? LSR_DR : 0));
        u->lsr &= (uint8_t)~LSR_ERRORS;
        break;
    case MSR:
        v = u->msr;
        u->msr &= 0xF0;
        break;
    default: v = u->scr; break;
    }
    update_irq(u);
    return v;
}

static void uart_write(void *dev, uint64_t port, unsigned size, uint64_t value)
{
    struct vuart *u = dev;
    uint8_t val = (uint8_t)value;
    (void)size;
    switch (port - u->base) {
    case RBR:
        if (u->lcr & LCR_DLAB)
            u->divisor = (uint16_t)((u->divisor & 0xFF00) | val);
        else
            transmit(u, val);
        break;
    case IER:
        if (u->lcr & LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0x00FF) | val << 8);
        } else {
            if ((val & 0x02) && !(u->ier & 0x02))
                u->thr_irq = true;    /* enabling it with THR empty interrupts */
            u->ier = val & 0x0F;
        }
        break;
    case IIR: write_fcr(u, val); refill(u); break;
    case LCR: u->lcr = val; break;
    case MCR:
        u->mcr = val & 0x1F;
        update_msr(u);
        refill(u);
        break;
    case LSR: case MSR: break;        /* factory test registers: ignored */
    default: u->scr = val; break;
    }
    update_irq(u);
}

static const struct iobus_ops vuart_ops = { .read = uart_read, .write = uart_write };

int vuart_attach(struct vuart *u, struct iobus *bus)
{
    return iobus_register(bus, IOBUS_PIO, u->base, 8, &vuart_ops, u, 1, "uart16550");
}

size_t vuart_input(struct vuart *u, const void *bytes, size_t n)
{
    const uint8_t *b = bytes;
    size_t done = 0;
    while (done < n && u->in_count < VUART_INPUT) {
        u->in[(u->in_head + u->in_count) % VUART_INPUT] = b[done++];
        u->in_count++;
    }
    refill(u);
    update_irq(u);
    return done;
}
