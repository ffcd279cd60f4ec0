/* The host's wall clock for the guests' virtual RTC.  hv has no RTC driver
 * (kernel/dev has none): the host CMOS clock is read once, the first time a
 * VM needs it, and the time goes on from there with timer_now_ns().  The
 * CMOS clock is taken as UTC (what QEMU gives by default).  Owner: vmm. */
#ifndef HV_VMM_HOST_RTC_H
#define HV_VMM_HOST_RTC_H

#include <stdint.h>

/* Nanoseconds since 1970-01-01 00:00 UTC. */
uint64_t host_wallclock_ns(void);

#endif
