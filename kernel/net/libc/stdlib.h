/* <stdlib.h> for lwIP: netif.c calls atoi (kernel/net/libc.c), nothing else
 * from here is used (no malloc: lwIP uses its own static pools). */
#ifndef HV_NET_LIBC_STDLIB_H
#define HV_NET_LIBC_STDLIB_H
#include <stddef.h>
int atoi(const char *s);
#endif
