/* <stdio.h> for lwIP: nothing is used (diagnostics go through kprintf,
 * see arch/cc.h); present because some lwIP headers include it. */
#ifndef HV_NET_LIBC_STDIO_H
#define HV_NET_LIBC_STDIO_H
#endif
