/* Scan code set 1 to console bytes, kept free of hardware so it can be
 * unit-tested.  Owner: platform (kbd.c). */
#ifndef HV_DEV_KBD_MAP_H
#define HV_DEV_KBD_MAP_H

#include <stdint.h>
#include <stdbool.h>

struct kbd_state {
    bool lshift, rshift, ctrl, caps;
    bool e0;                    /* the previous byte was the 0xE0 prefix */
    uint8_t skip;               /* bytes of a Pause sequence still to drop */
};

/* Feed one byte from the controller; writes 0-4 bytes to out, returns how many. */
int kbd_translate(struct kbd_state *st, uint8_t sc, char out[4]);

#endif
