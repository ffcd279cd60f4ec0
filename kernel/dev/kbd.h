/* PS/2 keyboard (scan code set 1 via the 8042's translation). Owner: platform. */
#ifndef HV_DEV_KBD_H
#define HV_DEV_KBD_H

/* Routes IRQ 1; key presses become console input (arrows as ESC [ A..D). */
void kbd_init(void);

#endif
