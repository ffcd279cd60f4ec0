/* <string.h> for lwIP's sources and headers: the kernel's own string
 * functions (kernel/lib/string.h). Only on lwIP's include path. */
#ifndef HV_NET_LIBC_STRING_H
#define HV_NET_LIBC_STRING_H
#include "lib/string.h"
#endif
