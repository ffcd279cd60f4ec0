/*
 * kprintf and panic.  Formatting is plain C into a caller buffer; output
 * goes through console_print(), which takes the console lock, so lines from
 * different CPUs never interleave.
 */
#include "lib/kprintf.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "dev/console.h"
#include "lib/backtrace.h"
#include "lib/string.h"
#include <stdbool.h>
#include <stdint.h>

struct out {
    char *buf;
    size_t cap;                   /* buf size, NUL included */
    size_t len;                   /* chars produced, even those not stored */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->cap)
        o->buf[o->len] = c;
    o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left)
        while (fill-- > 0)
            put(o, pad);
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
    if (left)
        while (fill-- > 0)
            put(o, ' ');
}

static void put_number(struct out *o, uint64_t v, bool neg, unsigned base, bool upper,
                       int width, bool left, char pad)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (neg) {
        if (pad == '0') {         /* the sign goes before the zeros */
            put(o, '-');
            width--;
        } else {
            tmp[n++] = '-';
        }
    }
    char rev[24];
    for (int i = 0; i < n; i++)
        rev[i] = tmp[n - 1 - i];
    put_padded(o, rev, (size_t)n, width, left, pad);
}

int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    struct out o = { buf, n, 0 };
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        bool left = false;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                pad = '0';
            else
                break;
        }
        int width = 0;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int prec = -1;
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            }
            while (*fmt >= '0' && *fmt <= '9')
                prec = prec * 10 + (*fmt++ - '0');
        }
        int lng = 0;              /* 0 int, 1 long, 2 long long, 3 size_t */
        if (*fmt == 'l') {
            lng = 1;
            if (*++fmt == 'l') {
                lng = 2;
                fmt++;
            }
        } else if (*fmt == 'z') {
            lng = 3;
            fmt++;
        }
        if (left)
            pad = ' ';
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = lng == 0 ? va_arg(ap, int) : lng == 3 ? (int64_t)va_arg(ap, size_t)
                      : lng == 1 ? va_arg(ap, long) : va_arg(ap, long long);
            put_number(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = lng == 0 ? va_arg(ap, unsigned) : lng == 3 ? va_arg(ap, size_t)
                       : lng == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned long long);
            put_number(&o, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, left, pad);
            break;
        }
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_number(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), false, 16, false, 16, false, '0');
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            size_t len = 0;
            while ((prec < 0 || len < (size_t)prec) && s[len])
                len++;
            put_padded(&o, s, len, width, left, ' ');
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(&o, &c, 1, width, left, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--;                /* a lone '%' at the end */
            break;
        default:                  /* unknown: print it as written */
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (n)
        buf[o.len < n ? o.len : n - 1] = '\0';
    return (int)o.len;
}

int ksnprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = kvsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

void kprintf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int r = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    size_t len = (size_t)r < sizeof(buf) ? (size_t)r : sizeof(buf) - 1;
    console_print(buf, len);
}

/* CPU index + 1 of the CPU that is panicking; 0 while none is. */
static volatile uint32_t panic_cpu;

_Noreturn void panic(const char *fmt, ...)
{
    cpu_cli();
    uint32_t me = this_cpu()->index + 1, none = 0;
    if (!__atomic_compare_exchange_n(&panic_cpu, &none, me, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        if (none == me)           /* panicked while panicking: say so and stop */
            console_print("hv: panic: nested panic\n", 24);
        cpu_halt_forever();       /* else the first CPU reports and halts us */
    }
    console_panic();
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    kprintf("hv: panic: %s\n", msg);
    if (!backtrace_printed)
        backtrace_here();
    kprintf("hv: cpu %u: system halted\n", me - 1);
    smp_halt_others();
    cpu_halt_forever();
}
