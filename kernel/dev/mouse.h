/* PS/2 mouse on the 8042's aux port, IRQ 12. Owner: gui. */
#ifndef HV_DEV_MOUSE_H
#define HV_DEV_MOUSE_H

#include <stdbool.h>
#include <stdint.h>
#include "dev/mouse_packet.h"

/* Enables the aux port and streaming, routes IRQ 12.  0, or a negative
 * code (no controller, no mouse answering) after printing why. */
int mouse_init(void);

/* The next decoded packet, false when none waits.  Any CPU. */
bool mouse_poll(struct mouse_motion *m);

/* kbd.c's IRQ 1 handler drains the shared output buffer and hands over
 * the aux bytes it finds. Interrupt context. */
void mouse_aux_byte(uint8_t b);

#endif
