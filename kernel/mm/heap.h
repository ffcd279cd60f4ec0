/* Kernel heap. Owner: kernel core. Thread-safe. */
#ifndef HV_MM_HEAP_H
#define HV_MM_HEAP_H

#include <stddef.h>

void heap_init(void);
void *kmalloc(size_t n);          /* 16-byte aligned; NULL when out of memory */
void *kzalloc(size_t n);
void kfree(void *p);
size_t heap_used_bytes(void);     /* live allocations, headers included */
size_t heap_reserved_bytes(void); /* pages the heap holds from the pmm */

#endif
