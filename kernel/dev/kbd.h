/* PS/2 keyboard (scan code set 1 via the 8042's translation). Owner: platform. */
#ifndef HV_DEV_KBD_H
#define HV_DEV_KBD_H

/* Routes IRQ 1; key presses become console input (arrows as ESC [ A..D,
 * the layout's non-ASCII characters as Latin-1 bytes). */
void kbd_init(void);

/* The layout (enum kbd_layout, the same numbers as HV.CFG's `keyboard`)
 * for the next key pressed; callable from any CPU, before or after
 * kbd_init.  0, or -E_INVAL for an unknown layout (the old one stays). */
int kbd_set_layout(unsigned layout);
unsigned kbd_get_layout(void);

#endif
