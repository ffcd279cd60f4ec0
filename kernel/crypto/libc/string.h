/* <string.h> for mbed TLS and the crypto subsystem: the kernel's own
 * string functions (kernel/lib/string.h). Only on their include path. */
#ifndef HV_CRYPTO_LIBC_STRING_H
#define HV_CRYPTO_LIBC_STRING_H
#include "lib/string.h"
#endif
