/* The PS/2 keyboard behind the 8042.  The firmware already reset the
 * keyboard; hv only makes sure translation (set 1) and IRQ 1 are on, then
 * feeds every byte through kbd_translate into the console. */
#include "dev/kbd.h"
#include "dev/kbd_map.h"
#include "dev/console.h"
#include "dev/mouse.h"
#include "arch/x86_64/cpu.h"
#include "dev/i8042.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/trap.h"
#include "lib/kprintf.h"
#include "lib/hvcfg.h"
#include "lib/errno.h"

#define CMD_READ_CFG  0x20
#define CMD_WRITE_CFG 0x60
#define CMD_DIS_AUX   0xA7
#define CMD_DIS_KBD   0xAD
#define CMD_EN_KBD    0xAE
#define CFG_KBD_IRQ   0x01
#define CFG_KBD_CLOCK_OFF 0x10
#define CFG_TRANSLATE 0x40

_Static_assert((int)KBD_LAYOUT_US == (int)HVCFG_KBD_US &&
               (int)KBD_LAYOUT_BR_ABNT2 == (int)HVCFG_KBD_BR_ABNT2 &&
               (int)KBD_LAYOUT_COUNT == (int)HVCFG_KBD_COUNT, "HV.CFG's keyboard values are layouts");

static struct kbd_state state;      /* only the IRQ handler touches it (BSP) */
/* The layout kbd_set_layout asked for: the handler copies it into state
 * before each byte, so a switch needs no lock and lands between keys
 * (modifiers held and a pending dead key carry over). */
static unsigned want_layout = KBD_LAYOUT_US;

static void flush(void)
{
    for (int i = 0; i < 64 && (inb(I8042_STATUS) & I8042_OUT_FULL); i++)
        inb(I8042_DATA);
}

static void kbd_irq(struct trap_frame *tf)
{
    (void)tf;
    uint8_t st;
    while ((st = inb(I8042_STATUS)) & I8042_OUT_FULL) {
        uint8_t sc = inb(I8042_DATA);
        if (st & I8042_AUX) {
            mouse_aux_byte(sc);
            continue;
        }
        state.layout = (uint8_t)__atomic_load_n(&want_layout, __ATOMIC_RELAXED);
        char out[4];
        int n = kbd_translate(&state, sc, out);
        for (int i = 0; i < n; i++)
            console_input_push(out[i]);
    }
    lapic_eoi();
}

void kbd_init(void)
{
    if (inb(I8042_STATUS) == 0xFF) {
        kprintf("hv: kbd: no PS/2 controller, keyboard input only on COM1\n");
        return;
    }
    bool ok = i8042_cmd(CMD_DIS_KBD) && i8042_cmd(CMD_DIS_AUX);
    flush();
    uint8_t cfg = 0;
    ok = ok && i8042_cmd(CMD_READ_CFG) && i8042_wait_out_full();
    if (ok) {
        cfg = inb(I8042_DATA);
        cfg = (uint8_t)((cfg | CFG_KBD_IRQ | CFG_TRANSLATE) & ~CFG_KBD_CLOCK_OFF);
        ok = i8042_cmd(CMD_WRITE_CFG) && i8042_wait_in_empty();
    }
    if (ok) {
        outb(I8042_DATA, cfg);
        ok = i8042_cmd(CMD_EN_KBD);
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

int kbd_set_layout(unsigned layout)
{
    if (layout >= KBD_LAYOUT_COUNT)
        return -E_INVAL;
    if (__atomic_exchange_n(&want_layout, layout, __ATOMIC_RELAXED) != layout)
        kprintf("hv: keyboard: %s\n", hvcfg_keyboard_name(layout));
    return 0;
}

unsigned kbd_get_layout(void)
{
    return __atomic_load_n(&want_layout, __ATOMIC_RELAXED);
}
