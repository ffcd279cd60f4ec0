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

/* The other way, for a VM's keyboard: the set 1 make/break codes that type
 * byte c on a US keyboard (with left shift around it when needed; '\n'
 * types Enter).  Writes up to 4 bytes, returns how many; 0 for a byte no
 * key types. */
int kbd_type(char c, uint8_t out[4]);

#endif
