/*
 * The emulated i8042 and its keyboard.  Everything the guest can read from
 * port 0x60 (controller replies, keyboard replies, scan codes) goes through
 * one queue, oldest first, as on the real part where they share the output
 * buffer.  There is no mouse: bytes sent to it are answered with 0xFE so a
 * guest's probe fails fast instead of waiting for a timeout.
 */
#include "vmm/dev/i8042.h"
#include "lib/string.h"

#define KBC_DATA   0x60
#define KBC_CMD    0x64

#define ST_OBF     0x01
#define ST_SYS     0x04
#define ST_CMD     0x08
#define ST_UNLOCK  0x10
#define ST_AUXOBF  0x20

#define CB_KBD_IRQ 0x01
#define CB_AUX_IRQ 0x02
#define CB_SYS     0x04
#define CB_KBD_OFF 0x10
#define CB_AUX_OFF 0x20
#define CB_XLATE   0x40

#define OP_RESET   0x01      /* output port: 0 holds the CPU in reset */
#define OP_A20     0x02

#define KBD_ACK    0xFA
#define KBD_RESEND 0xFE

void vkbc_init(struct vkbc *k, struct vdev_irq irq1, struct vdev_irq irq12,
               const struct vkbc_hooks *hooks)
{
    memset(k, 0, sizeof *k);
    k->irq1 = irq1;
    k->irq12 = irq12;
    if (hooks)
        k->hooks = *hooks;
    /* The state a BIOS leaves: keyboard IRQ on, translation on, A20 on. */
    k->cmd_byte = CB_KBD_IRQ | CB_SYS | CB_XLATE;
    k->outport = OP_RESET | OP_A20;
    k->scanning = true;
    k->scan_set = 2;
}

static void update_irq(struct vkbc *k, bool new_byte)
{
    bool aux = k->count && k->aux[k->head];
    bool l1 = k->count && !aux && (k->cmd_byte & CB_KBD_IRQ);
    bool l12 = aux && (k->cmd_byte & CB_AUX_IRQ);
    /* The next byte after a read is a new interrupt: show the PIC an edge. */
    if (new_byte && k->irq1_level && l1)
        vdev_irq_set(&k->irq1, false);
    if (new_byte && k->irq12_level && l12)
        vdev_irq_set(&k->irq12, false);
    if (l1 != k->irq1_level || (new_byte && l1))
        vdev_irq_set(&k->irq1, l1);
    if (l12 != k->irq12_level || (new_byte && l12))
        vdev_irq_set(&k->irq12, l12);
    k->irq1_level = l1;
    k->irq12_level = l12;
}

static bool enqueue(struct vkbc *k, uint8_t byte, bool aux)
{
    if (k->count == VKBC_QUEUE)
        return false;
    unsigned i = (k->head + k->count) % VKBC_QUEUE;
    k->queue[i] = byte;
    k->aux[i] = aux;
    k->count++;
    return true;
}

static void set_outport(struct vkbc *k, uint8_t val)
{
    uint8_t old = k->outport;
    k->outport = val | OP_RESET;      /* the reset line springs back */
    if (((old ^ val) & OP_A20) && k->hooks.a20)
        k->hooks.a20(k->hooks.ctx, val & OP_A20);
    if (!(val & OP_RESET) && k->hooks.reset)
        k->hooks.reset(k->hooks.ctx);
}

/* With translation on, the controller turns set-2 replies into set 1. */
static uint8_t scan_set_reply(const struct vkbc *k)
{
    static const uint8_t xlat[4] = { 0, 0x43, 0x41, 0x3F };
    return (k->cmd_byte & CB_XLATE) ? xlat[k->scan_set & 3] : k->scan_set;
}

static void kbd_param(struct vkbc *k, uint8_t val)
{
    uint8_t cmd = k->kbd_cmd;
    k->kbd_cmd = 0;
    if (cmd == 0xED) {
        k->leds = val & 7;
        if (k->hooks.leds)
            k->hooks.leds(k->hooks.ctx, k->leds);
    } else if (cmd == 0xF0) {
        if (val > 3) {
            enqueue(k, KBD_RESEND, false);
            return;
        }
        enqueue(k, KBD_ACK, false);
        if (val == 0)
            enqueue(k, scan_set_reply(k), false);
        else
            k->scan_set = val;
        return;
    }
    enqueue(k, KBD_ACK, false);
}

static void kbd_write(struct vkbc *k, uint8_t val)
{
    if (k->kbd_cmd) {
        kbd_param(k, val);
        return;
    }
    switch (val) {
    case 0xED: case 0xF0: case 0xF3:  /* commands with a parameter byte */
        k->kbd_cmd = val;
        enqueue(k, KBD_ACK, false);
        break;
    case 0xEE: enqueue(k, 0xEE, false); break;   /* echo */
    case 0xF2:                                   /* identify: MF2 keyboard */
        enqueue(k, KBD_ACK, false);
        enqueue(k, 0xAB, false);
        enqueue(k, (k->cmd_byte & CB_XLATE) ? 0x41 : 0x83, false);
        break;
    case 0xF4: k->scanning = true; enqueue(k, KBD_ACK, false); break;
    case 0xF5: k->scanning = false; enqueue(k, KBD_ACK, false); break;
    case 0xF6: k->scanning = true; k->scan_set = 2; enqueue(k, KBD_ACK, false); break;
    case 0xFE: enqueue(k, k->last, false); break;
    case 0xFF:                                   /* reset and self-test */
        k->count = 0;
        k->scanning = true;
        k->scan_set = 2;
        k->leds = 0;
        enqueue(k, KBD_ACK, false);
        enqueue(k, 0xAA, false);
        break;
    default:
        enqueue(k, val >= 0xF7 ? KBD_ACK : KBD_RESEND, false);
        break;
    }
}

static void data_write(struct vkbc *k, uint8_t val)
{
    uint8_t cmd = k->pending_cmd;
    k->pending_cmd = 0;
    if (cmd >= 0x60 && cmd <= 0x7F) {
        if (cmd == 0x60)
            k->cmd_byte = val;
        else
            k->ram[cmd - 0x60] = val;
    } else if (cmd == 0xD1) {
        set_outport(k, val);
    } else if (cmd == 0xD2) {
        enqueue(k, val, false);
    } else if (cmd == 0xD3) {
        enqueue(k, val, true);
    } else if (cmd == 0xD4) {
        enqueue(k, KBD_RESEND, true); /* no mouse */
    } else {
        kbd_write(k, val);
    }
}

static void ctrl_cmd(struct vkbc *k, uint8_t val)
{
    k->pending_cmd = 0;
    if (val >= 0x20 && val <= 0x3F) {
        enqueue(k, val == 0x20 ? k->cmd_byte : k->ram[val - 0x20], false);
        return;
    }
    if ((val >= 0x60 && val <= 0x7F) || (val >= 0xD1 && val <= 0xD4)) {
        k->pending_cmd = val;
        return;
    }
    if (val >= 0xF0) {                /* pulse output port bits 0-3 low */
        if (!(val & 1) && k->hooks.reset)
            k->hooks.reset(k->hooks.ctx);
        return;
    }
    switch (val) {
    case 0xA7: k->cmd_byte |= CB_AUX_OFF; break;
    case 0xA8: k->cmd_byte &= (uint8_t)~CB_AUX_OFF; break;
    case 0xA9: enqueue(k, 0x00, false); break;   /* aux interface test: lines fine */
    case 0xAA: k->cmd_byte |= CB_SYS; enqueue(k, 0x55, false); break;
    case 0xAB: enqueue(k, 0x00, false); break;
    case 0xAD: k->cmd_byte |= CB_KBD_OFF; break;
    case 0xAE: k->cmd_byte &= (uint8_t)~CB_KBD_OFF; break;
    case 0xC0: enqueue(k, 0x80, false); break;   /* input port: not inhibited */
    case 0xD0: enqueue(k, k->outport, false); break;
    case 0xDD: set_outport(k, k->outport & (uint8_t)~OP_A20); break;
    case 0xDF: set_outport(k, k->outport | OP_A20); break;
    case 0xE0: enqueue(k, 0x00, false); break;
    default: break;                   /* unknown commands are ignored, as the part does */
    }
}

static uint64_t kbc_read(void *dev, uint64_t port, unsigned size)
{
    struct vkbc *k = dev;
    (void)size;
    if (port == KBC_CMD) {
        uint8_t st = ST_UNLOCK | (k->cmd_byte & CB_SYS) | (k->last_was_cmd ? ST_CMD : 0);
        if (k->count)
            st |= ST_OBF | (k->aux[k->head] ? ST_AUXOBF : 0);
        return st;
    }
    if (!k->count)
        return k->last;               /* an empty buffer reads the old byte */
    k->last = k->queue[k->head];
    k->head = (k->head + 1) % VKBC_QUEUE;
    k->count--;
    update_irq(k, true);
    return k->last;
}

static void kbc_write(void *dev, uint64_t port, unsigned size, uint64_t value)
{
    struct vkbc *k = dev;
    bool was_empty = k->count == 0;
    (void)size;
    k->last_was_cmd = port == KBC_CMD;
    if (port == KBC_CMD)
        ctrl_cmd(k, (uint8_t)value);
    else
        data_write(k, (uint8_t)value);
    update_irq(k, was_empty && k->count);
}

static const struct iobus_ops vkbc_ops = { .read = kbc_read, .write = kbc_write };

int vkbc_attach(struct vkbc *k, struct iobus *bus)
{
    int rc = iobus_register(bus, IOBUS_PIO, KBC_DATA, 1, &vkbc_ops, k, 1, "i8042-data");
    if (!rc)
        rc = iobus_register(bus, IOBUS_PIO, KBC_CMD, 1, &vkbc_ops, k, 1, "i8042-cmd");
    return rc;
}

size_t vkbc_push_scancodes(struct vkbc *k, const void *bytes, size_t n)
{
    const uint8_t *b = bytes;
    size_t done = 0;
    bool was_empty = k->count == 0;
    if (k->scanning && !(k->cmd_byte & CB_KBD_OFF))
        while (done < n && enqueue(k, b[done], false))
            done++;
    k->dropped += n - done;
    update_irq(k, was_empty && k->count);
    return done;
}

bool vkbc_a20(const struct vkbc *k)
{
    return k->outport & OP_A20;
}
