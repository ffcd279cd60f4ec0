/* Stack traces by frame-pointer walk, with symbol names from the table the
 * build links into the kernel (build.mk: two link passes). Owner: kernel core. */
#ifndef HV_LIB_BACKTRACE_H
#define HV_LIB_BACKTRACE_H

#include <stdint.h>

/* Name of the kernel function containing addr and the offset into it;
 * NULL when addr is outside the kernel text. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);
/* Print "  #n <address> <symbol>+<offset>" lines, starting at rip, then
 * following the saved-RBP chain; stops at anything that does not look like
 * a kernel frame. */
void backtrace_print(uint64_t rip, uint64_t rbp);
/* Set by backtrace_print: panic() skips its own trace after a trap's. */
extern volatile int backtrace_printed;

/* The caller's own stack. */
void backtrace_here(void);

#endif
