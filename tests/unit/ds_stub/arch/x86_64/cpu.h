/* Host-test stand-in for kernel/arch/x86_64/cpu.h (tests/unit/datastore.mk
 * puts this directory first with -iquote): the interrupt flag is what the
 * test says it is. */
#ifndef HV_ARCH_CPU_H
#define HV_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

extern _Thread_local bool test_irqs_on;

static inline uint64_t cpu_save_flags(void) { return test_irqs_on ? 0x202 : 0x2; }
static inline void cpu_pause(void) {}

#endif
