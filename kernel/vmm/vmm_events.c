/* VM state changes as numbered events (vmm.h), for GET /events: a ring
 * of the last EVENTS, so a slow reader learns what it missed (-E_RANGE)
 * instead of blocking anyone. */
#include "vmm/vmm.h"
#include "arch/x86_64/spinlock.h"
#include "dev/timer.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "vmm/vmm_priv.h"

#define EVENTS 256

static struct vmm_event ring[EVENTS];
static uint64_t next_seq = 1;            /* 0 never names an event: "from the start" */
static spinlock_t lock = SPINLOCK_INIT;

void vmm_event(const char *vm, const char *what, const char *detail)
{
    uint64_t f = spin_lock_irqsave(&lock);
    struct vmm_event *e = &ring[next_seq % EVENTS];
    e->seq = next_seq++;
    e->time_ns = timer_now_ns();
    strlcpy(e->vm, vm, sizeof(e->vm));
    e->what = what;
    strlcpy(e->detail, detail ? detail : "", sizeof(e->detail));
    spin_unlock_irqrestore(&lock, f);
}

int vmm_event_get(uint64_t seq, struct vmm_event *out)
{
    uint64_t f = spin_lock_irqsave(&lock);
    int rc = 0;
    if (seq >= next_seq)
        rc = -E_NOENT;
    else if (seq == 0 || seq + EVENTS <= next_seq)
        rc = -E_RANGE;
    else
        *out = ring[seq % EVENTS];
    spin_unlock_irqrestore(&lock, f);
    return rc;
}

uint64_t vmm_event_next_seq(void)
{
    uint64_t f = spin_lock_irqsave(&lock);
    uint64_t s = next_seq;
    spin_unlock_irqrestore(&lock, f);
    return s;
}
