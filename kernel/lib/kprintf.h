/* Formatted output: %d %i %u %x %X %p %s %c %% with l/ll/z, width, '0', '-'.
 * Owner: kernel core. */
#ifndef HV_LIB_KPRINTF_H
#define HV_LIB_KPRINTF_H

#include <stdarg.h>
#include <stddef.h>

int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* To the console (serial + screen) and the kernel log; safe from any CPU. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
