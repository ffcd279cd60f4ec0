/* What kernel code that formats messages needs on the host: ksnprintf
 * (lib/kprintf.h) over the C library, and strlcpy (lib/string.h), which
 * Debian 12's glibc lacks. For host unit tests and fuzz targets that build
 * pure kernel files such as kernel/vmm/vmdef.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ksnprintf(char *buf, size_t n, const char *fmt, ...);
size_t strlcpy(char *d, const char *s, size_t n);

int ksnprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

size_t strlcpy(char *d, const char *s, size_t n)
{
    size_t len = strlen(s);
    if (n) {
        size_t k = len < n - 1 ? len : n - 1;
        memcpy(d, s, k);
        d[k] = 0;
    }
    return len;
}
