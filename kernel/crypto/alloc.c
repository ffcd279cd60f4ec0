/* mbed TLS's calloc and free on the kernel heap (see alloc.h). */
#include "crypto/alloc.h"
#include "mm/heap.h"

void *crypto_calloc(size_t n, size_t size)
{
    /* mbed TLS asks for calloc(0, x) in places; any unique pointer will do,
     * but NULL would read as out of memory. */
    if (n == 0 || size == 0)
        return kzalloc(1);
    if (n > (size_t)-1 / size)
        return NULL;
    return kzalloc(n * size);
}

void crypto_free(void *p)
{
    kfree(p);
}
