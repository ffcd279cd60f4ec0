/* Scan code set 1 to console bytes, kept free of hardware so it can be
 * unit-tested.  Owner: platform (kbd.c). */
#ifndef HV_DEV_KBD_MAP_H
#define HV_DEV_KBD_MAP_H

#include <stdint.h>
#include <stdbool.h>

/* Same numbers as enum hvcfg_keyboard (HV.CFG `keyboard`). */
enum kbd_layout {
    KBD_LAYOUT_US = 0,
    KBD_LAYOUT_BR_ABNT2,        /* Brazilian ABNT2: dead keys, c-cedilla, AltGr */
    KBD_LAYOUT_COUNT,
};

struct kbd_state {
    uint8_t layout;             /* enum kbd_layout; an unknown one reads as US */
    bool lshift, rshift, ctrl, caps;
    bool altgr;                 /* right Alt (E0 38) held */
    bool e0;                    /* the previous byte was the 0xE0 prefix */
    uint8_t dead;               /* pending dead key (kbd_map.c's code) or 0 */
    uint8_t skip;               /* bytes of a Pause sequence still to drop */
};

/* Feed one byte from the controller; writes 0-4 bytes to out, returns how
 * many.  Output is Latin-1: the layouts' non-ASCII characters (c-cedilla,
 * accented letters, superscripts...) are single bytes 0xA0-0xFF. */
int kbd_translate(struct kbd_state *st, uint8_t sc, char out[4]);

/* The other way, for a VM's keyboard: the set 1 make/break codes that type
 * byte c on a US keyboard (with left shift around it when needed; '\n'
 * types Enter).  Writes up to 4 bytes, returns how many; 0 for a byte no
 * key types.  Always US, whatever layout hv's own keyboard uses. */
int kbd_type(char c, uint8_t out[4]);

#endif
