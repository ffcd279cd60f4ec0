/* <limits.h> for mbed TLS (check_config.h): gcc's own, told that no C
 * library's limits.h lies under it (else it looks for one and fails). */
#ifndef HV_CRYPTO_LIBC_LIMITS_H
#define HV_CRYPTO_LIBC_LIMITS_H
#define _LIBC_LIMITS_H_ 1
#include_next <limits.h>
#endif
