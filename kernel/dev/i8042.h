/* The host's 8042 keyboard controller: the polled port handshakes the
 * keyboard (kbd.c) and mouse (mouse.c) drivers share.  Bounded waits: a
 * missing or stuck controller makes them fail, never hang.  Owner: platform. */
#ifndef HV_DEV_I8042_H
#define HV_DEV_I8042_H

#include <stdbool.h>
#include <stdint.h>

#define I8042_DATA        0x60
#define I8042_STATUS      0x64
#define I8042_CMD         0x64
#define I8042_OUT_FULL    0x01
#define I8042_IN_FULL     0x02
#define I8042_AUX         0x20      /* the byte in the output buffer is the mouse's */

bool i8042_wait_in_empty(void);     /* the controller can take a byte */
bool i8042_wait_out_full(void);     /* a byte waits in the output buffer */
bool i8042_cmd(uint8_t cmd);        /* a controller command to port 0x64 */
int i8042_read(void);               /* the next output byte, or -1 after the timeout */

#endif
