/* COM1, polled: 115200 8N1 out, non-blocking in. Owner: kernel core. */
#ifndef HV_DEV_SERIAL_H
#define HV_DEV_SERIAL_H

#include <stddef.h>

void serial_init(void);
void serial_write(const char *s, size_t n);   /* "\n" goes out as "\r\n" */
int serial_trygetc(void);                     /* -1 when no byte waits */

#endif
