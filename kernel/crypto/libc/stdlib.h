/* <stdlib.h> for mbed TLS: mbedtls/threading.h includes it, but nothing
 * from it is used (memory comes from crypto/alloc.h, see the config). */
#ifndef HV_CRYPTO_LIBC_STDLIB_H
#define HV_CRYPTO_LIBC_STDLIB_H
#include <stddef.h>
#endif
