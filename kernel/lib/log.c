/*
 * The kernel log: the last 64 KiB of console output, for `dmesg`-style
 * readers.  Positions are absolute byte counts since boot, so a reader can
 * tell how much the ring overwrote since it last looked.
 */
#include "lib/log.h"
#include "arch/x86_64/spinlock.h"

#define LOG_SIZE 65536u            /* a power of two: offsets wrap with a mask */

static char ring[LOG_SIZE];
static uint64_t head;              /* bytes ever appended; guarded by lock */
static spinlock_t lock = SPINLOCK_INIT;

void log_append(const char *s, size_t n)
{
    uint64_t f = spin_lock_irqsave(&lock);
    for (size_t i = 0; i < n; i++)
        ring[(head + i) & (LOG_SIZE - 1)] = s[i];
    head += n;
    spin_unlock_irqrestore(&lock, f);
}

size_t log_read(uint64_t *pos, char *buf, size_t n)
{
    uint64_t f = spin_lock_irqsave(&lock);
    uint64_t p = *pos;
    if (head > LOG_SIZE && p < head - LOG_SIZE)
        p = head - LOG_SIZE;
    if (p > head)
        p = head;
    size_t c = 0;
    for (; c < n && p < head; c++, p++)
        buf[c] = ring[p & (LOG_SIZE - 1)];
    *pos = p;
    spin_unlock_irqrestore(&lock, f);
    return c;
}
