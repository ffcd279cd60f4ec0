/* PS/2 mouse packets (the standard 3-byte protocol) to motion, kept free of
 * hardware so host unit tests cover it. Owner: gui (mouse.c). */
#ifndef HV_DEV_MOUSE_PACKET_H
#define HV_DEV_MOUSE_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#define MOUSE_LEFT   0x01
#define MOUSE_RIGHT  0x02
#define MOUSE_MIDDLE 0x04

struct mouse_decoder {
    uint8_t buf[3];             /* the packet so far */
    uint8_t n;                  /* bytes in buf */
};

struct mouse_motion {
    int dx, dy;                 /* screen direction: +x right, +y down */
    uint8_t buttons;            /* MOUSE_* held */
};

/* Feed one byte from the aux port; true (and *out filled) when it completed
 * a packet.  Bytes that cannot start a packet (bit 3 clear, an ACK) are
 * dropped, which resynchronizes after a lost byte; an overflowing packet
 * keeps its buttons and loses its motion. */
bool mouse_decode(struct mouse_decoder *d, uint8_t byte, struct mouse_motion *out);

#endif
