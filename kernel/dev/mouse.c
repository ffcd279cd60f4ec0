/*
 * The PS/2 mouse.  The 8042 has one output buffer for both ports: status
 * bit 5 says a byte is the mouse's.  IRQ 12 reads only mouse bytes and
 * leaves keyboard bytes for IRQ 1; kbd.c passes on mouse bytes it drains.
 * Packets are decoded at interrupt time into a small ring the GUI polls.
 */
#include "dev/mouse.h"
#include "arch/x86_64/cpu.h"
#include "dev/i8042.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/spinlock.h"
#include "arch/x86_64/trap.h"
#include "lib/errno.h"
#include "lib/kprintf.h"

#define CMD_READ_CFG  0x20
#define CMD_WRITE_CFG 0x60
#define CMD_EN_AUX    0xA8
#define CMD_TO_AUX    0xD4
#define CFG_AUX_IRQ   0x02
#define CFG_AUX_CLOCK_OFF 0x20
#define MOUSE_DEFAULTS 0xF6
#define MOUSE_STREAM  0xF4
#define MOUSE_ACK     0xFA
#define RING          64u

static spinlock_t lock = SPINLOCK_INIT;
static struct mouse_decoder dec;         /* guarded by lock */
static struct mouse_motion ring[RING];   /* guarded by lock */
static unsigned head, tail;
static bool up;                          /* init succeeded: bytes are packets */

/* A command to the mouse; true when it acknowledged. Interrupts off. */
static bool mouse_cmd(uint8_t c)
{
    if (!i8042_cmd(CMD_TO_AUX) || !i8042_wait_in_empty())
        return false;
    outb(I8042_DATA, c);
    for (int tries = 0; tries < 8; tries++) {
        int b = i8042_read();
        if (b < 0)
            return false;
        if (b == MOUSE_ACK)
            return true;
    }
    return false;
}

void mouse_aux_byte(uint8_t b)
{
    if (!up)
        return;
    uint64_t f = spin_lock_irqsave(&lock);
    struct mouse_motion m;
    if (mouse_decode(&dec, b, &m) && head - tail < RING)
        ring[head++ % RING] = m;
    spin_unlock_irqrestore(&lock, f);
}

static void mouse_irq(struct trap_frame *tf)
{
    (void)tf;
    uint8_t st;
    while (((st = inb(I8042_STATUS)) & (I8042_OUT_FULL | I8042_AUX)) == (I8042_OUT_FULL | I8042_AUX))
        mouse_aux_byte(inb(I8042_DATA));
    lapic_eoi();
}

bool mouse_poll(struct mouse_motion *m)
{
    uint64_t f = spin_lock_irqsave(&lock);
    bool got = tail != head;
    if (got)
        *m = ring[tail++ % RING];
    spin_unlock_irqrestore(&lock, f);
    return got;
}

int mouse_init(void)
{
    if (inb(I8042_STATUS) == 0xFF) {
        kprintf("hv: mouse: no PS/2 controller\n");
        return -E_IO;
    }
    /* Interrupts off: the keyboard IRQ would otherwise drain the ACKs. */
    uint64_t flags = cpu_save_flags();
    cpu_cli();
    bool ok = i8042_cmd(CMD_EN_AUX) && i8042_cmd(CMD_READ_CFG);
    int cfg = ok ? i8042_read() : -1;
    ok = cfg >= 0 && i8042_cmd(CMD_WRITE_CFG) && i8042_wait_in_empty();
    if (ok) {
        outb(I8042_DATA, (uint8_t)((cfg | CFG_AUX_IRQ) & ~CFG_AUX_CLOCK_OFF));
        ok = mouse_cmd(MOUSE_DEFAULTS) && mouse_cmd(MOUSE_STREAM);
    }
    if (ok) {
        dec = (struct mouse_decoder){ 0 };
        up = true;
    }
    cpu_restore_flags(flags);
    if (!ok) {
        kprintf("hv: mouse: no PS/2 mouse answers; keyboard only\n");
        return -E_IO;
    }
    uint8_t vec = ioapic_isa_vector(12);
    trap_set_handler(vec, mouse_irq);
    ioapic_route_isa(12, vec);
    kprintf("hv: mouse: PS/2 mouse on IRQ 12\n");
    return 0;
}
