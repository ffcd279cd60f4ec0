/* Host-test stand-in for kernel/arch/x86_64/percpu.h: the "CPU" is
 * whatever the test thread says it is. */
#ifndef HV_ARCH_PERCPU_H
#define HV_ARCH_PERCPU_H

#include <stdint.h>

struct percpu {
    uint32_t index;
};

extern _Thread_local struct percpu test_cpu;

static inline struct percpu *this_cpu(void) { return &test_cpu; }

#endif
