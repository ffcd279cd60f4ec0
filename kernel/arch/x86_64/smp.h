/* Start every CPU of the MADT (INIT-SIPI-SIPI). Owner: platform. */
#ifndef HV_ARCH_SMP_H
#define HV_ARCH_SMP_H

void smp_init(void);      /* returns when all APs are online or timed out */
void smp_halt_others(void);

#endif
