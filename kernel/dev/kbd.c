/* The PS/2 keyboard behind the 8042.  The firmware already reset the
 * keyboard; hv only makes sure translation (set 1) and IRQ 1 are on, then
 * feeds every byte through kbd_translate into the console. */
#include "dev/kbd.h"
#include "dev/kbd_map.h"
#include "dev/console.h"
#include "dev/mouse.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/trap.h"
#include "lib/kprintf.h"

#define KBC_DATA    0x60
#define KBC_STATUS  0x64
#define KBC_CMD     0x64
#define ST_OUT_FULL 0x01
#define ST_IN_FULL  0x02
#define ST_AUX      0x20            /* the byte is from the mouse port */
#define CMD_READ_CFG  0x20
#define CMD_WRITE_CFG 0x60
#define CMD_DIS_AUX   0xA7
#define CMD_DIS_KBD   0xAD
#define CMD_EN_KBD    0xAE
#define CFG_KBD_IRQ   0x01
#define CFG_KBD_CLOCK_OFF 0x10
#define CFG_TRANSLATE 0x40
#define KBC_TIMEOUT   100000

static struct kbd_state state;      /* only the IRQ handler touches it (BSP) */

static bool wait_in_empty(void)
{
    for (int i = 0; i < KBC_TIMEOUT; i++)
        if (!(inb(KBC_STATUS) & ST_IN_FULL))
            return true;
    return false;
}

static bool wait_out_full(void)
{
    for (int i = 0; i < KBC_TIMEOUT; i++)
        if (inb(KBC_STATUS) & ST_OUT_FULL)
            return true;
    return false;
}

static bool kbc_cmd(uint8_t cmd)
{
    if (!wait_in_empty())
        return false;
    outb(KBC_CMD, cmd);
    return true;
}

static void flush(void)
{
    for (int i = 0; i < 64 && (inb(KBC_STATUS) & ST_OUT_FULL); i++)
        inb(KBC_DATA);
}

static void kbd_irq(struct trap_frame *tf)
{
    (void)tf;
    uint8_t st;
    while ((st = inb(KBC_STATUS)) & ST_OUT_FULL) {
        uint8_t sc = inb(KBC_DATA);
        if (st & ST_AUX) {
            mouse_aux_byte(sc);
            continue;
        }
        char out[4];
        int n = kbd_translate(&state, sc, out);
        for (int i = 0; i < n; i++)
            console_input_push(out[i]);
    }
    lapic_eoi();
}

void kbd_init(void)
{
    if (inb(KBC_STATUS) == 0xFF) {
        kprintf("hv: kbd: no PS/2 controller, keyboard input only on COM1\n");
        return;
    }
    bool ok = kbc_cmd(CMD_DIS_KBD) && kbc_cmd(CMD_DIS_AUX);
    flush();
    uint8_t cfg = 0;
    ok = ok && kbc_cmd(CMD_READ_CFG) && wait_out_full();
    if (ok) {
        cfg = inb(KBC_DATA);
        cfg = (uint8_t)((cfg | CFG_KBD_IRQ | CFG_TRANSLATE) & ~CFG_KBD_CLOCK_OFF);
        ok = kbc_cmd(CMD_WRITE_CFG) && wait_in_empty();
    }
    if (ok) {
        outb(KBC_DATA, cfg);
        ok = kbc_cmd(CMD_EN_KBD);
    }
    if (!ok) {
        kprintf("hv: kbd: warning: the 8042 does not answer, keyboard input only on COM1\n");
        return;
    }
    flush();
    uint8_t vec = ioapic_isa_vector(1);
    trap_set_handler(vec, kbd_irq);
    ioapic_route_isa(1, vec);
}
