/* The allocator mbed TLS uses (mbedtls_config.h names it): the kernel heap,
 * with calloc's semantics. Owner: crypto. */
#ifndef HV_CRYPTO_ALLOC_H
#define HV_CRYPTO_ALLOC_H

#include <stddef.h>

/* n * size zeroed bytes; NULL when that overflows or the heap is full. */
void *crypto_calloc(size_t n, size_t size);
void crypto_free(void *p);

#endif
