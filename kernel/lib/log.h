/* The kernel log: a ring buffer of everything kprintf printed. Owner: kernel core. */
#ifndef HV_LIB_LOG_H
#define HV_LIB_LOG_H

#include <stddef.h>
#include <stdint.h>

void log_append(const char *s, size_t n);
/* Copy up to n bytes starting at absolute offset *pos into buf; advances
 * *pos (skipping what the ring already overwrote). Returns bytes copied. */
size_t log_read(uint64_t *pos, char *buf, size_t n);

#endif
