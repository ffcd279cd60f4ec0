/* The 3-byte PS/2 packet: flags (Y overflow, X overflow, Y sign, X sign,
 * always 1, middle, right, left), then X and Y as 9-bit two's complement
 * with the sign in the flags.  PS/2 counts Y upward; the screen downward. */
#include "dev/mouse_packet.h"

#define F_LEFT_RIGHT_MID 0x07
#define F_ALWAYS1  0x08
#define F_XSIGN    0x10
#define F_YSIGN    0x20
#define F_XOVF     0x40
#define F_YOVF     0x80
#define ACK        0xFA

bool mouse_decode(struct mouse_decoder *d, uint8_t byte, struct mouse_motion *out)
{
    if (d->n == 0 && (!(byte & F_ALWAYS1) || byte == ACK))
        return false;
    if (d->n >= sizeof(d->buf))
        d->n = 0;
    d->buf[d->n++] = byte;
    if (d->n < 3)
        return false;
    d->n = 0;
    uint8_t f = d->buf[0];
    int dx = d->buf[1] - ((f & F_XSIGN) ? 256 : 0);
    int dy = d->buf[2] - ((f & F_YSIGN) ? 256 : 0);
    if (f & (F_XOVF | F_YOVF))
        dx = dy = 0;
    out->dx = dx;
    out->dy = -dy;
    out->buttons = f & F_LEFT_RIGHT_MID;
    return true;
}
