/*
 * COM1 (already 115200 8N1 from BM) and the 80x25 text screen, plus the
 * minimal printf BL needs: %s %c %u %d %x with a width and '0' flag.
 */
#include "bl/console.h"

#include <stdarg.h>

#include "bl/bios.h"
#include "bl/lib.h"
#include "hv/bootinfo.h"

#define COM1 0x3F8
#define TEXT_COLS 80
#define TEXT_ROWS 25
#define ATTR_NORMAL 0x07
#define ATTR_WARN 0x0E
#define ATTR_ERROR 0x0C

enum { TO_SERIAL = 1, TO_SCREEN = 2 };

static uint32_t fb_type = HV_FB_EGA_TEXT;   /* until told: hand-off unchecked */
static unsigned row, col;
static int cursor_known;

static void serial_putc(char c)
{
    /* Bounded: a missing UART reads 0xFF, a stuck one must not hang us. */
    for (unsigned i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
        ;
    outb(COM1, (uint8_t)c);
}

static void screen_cursor_from_bios(void)
{
    /* Continue below whatever BM printed: the BIOS keeps page 0's cursor
     * in the BIOS data area (column at 0x450, row at 0x451). */
    const volatile uint8_t *bda = phys(0x450);
    col = bda[0];
    row = bda[1];
    if (row >= TEXT_ROWS)
        row = TEXT_ROWS - 1;
    if (col) {
        col = 0;
        row++;
    }
    cursor_known = 1;
}

static void screen_scroll(void)
{
    volatile uint16_t *vga = phys(0xB8000);
    for (unsigned i = 0; i < (TEXT_ROWS - 1) * TEXT_COLS; i++)
        vga[i] = vga[i + TEXT_COLS];
    for (unsigned i = 0; i < TEXT_COLS; i++)
        vga[(TEXT_ROWS - 1) * TEXT_COLS + i] = ATTR_NORMAL << 8 | ' ';
    row = TEXT_ROWS - 1;
}

static void screen_putc(char c, uint8_t attr)
{
    volatile uint16_t *vga = phys(0xB8000);

    if (!cursor_known)
        screen_cursor_from_bios();
    if (row >= TEXT_ROWS)
        screen_scroll();
    if (c == '\n') {
        col = 0;
        row++;
        return;
    }
    vga[row * TEXT_COLS + col] = (uint16_t)(attr << 8 | (uint8_t)c);
    if (++col == TEXT_COLS) {
        col = 0;
        row++;
    }
}

static void screen_sync_cursor(void)
{
    unsigned r = row < TEXT_ROWS ? row : TEXT_ROWS - 1;
    uint16_t pos = (uint16_t)(r * TEXT_COLS + col);
    outb(0x3D4, 0x0F);
    outb(0x3D5, (uint8_t)pos);
    outb(0x3D4, 0x0E);
    outb(0x3D5, (uint8_t)(pos >> 8));
}

static void put(const char *s, unsigned to, uint8_t attr)
{
    for (; *s; s++) {
        char c = *s;
        /* Messages may quote file contents: keep them to plain ASCII. */
        if (c != '\n' && ((unsigned char)c < 0x20 || (unsigned char)c > 0x7E))
            c = '?';
        if (to & TO_SERIAL) {
            if (c == '\n')
                serial_putc('\r');
            serial_putc(c);
        }
        if (to & TO_SCREEN)
            screen_putc(c, attr);
    }
    if (to & TO_SCREEN)
        screen_sync_cursor();
}

struct out {
    char buf[256];
    unsigned len;
};

static void out_c(struct out *o, char c)
{
    if (o->len + 1 < sizeof o->buf)
        o->buf[o->len++] = c;
    o->buf[o->len] = 0;
}

static void out_num(struct out *o, uint32_t v, unsigned base, unsigned width, char pad)
{
    char tmp[12];
    unsigned n = 0;
    do {
        tmp[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (width > n) {
        out_c(o, pad);
        width--;
    }
    while (n)
        out_c(o, tmp[--n]);
}

static void vformat(struct out *o, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_c(o, *fmt);
            continue;
        }
        char pad = ' ';
        unsigned width = 0;
        fmt++;
        if (*fmt == '0')
            pad = '0';
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (unsigned)(*fmt++ - '0');
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            while (*s)
                out_c(o, *s++);
            break;
        }
        case 'c':
            out_c(o, (char)va_arg(ap, int));
            break;
        case 'u':
            out_num(o, va_arg(ap, uint32_t), 10, width, pad);
            break;
        case 'd': {
            int32_t v = va_arg(ap, int32_t);
            if (v < 0) {
                out_c(o, '-');
                out_num(o, -(uint32_t)v, 10, width, pad);
            } else {
                out_num(o, (uint32_t)v, 10, width, pad);
            }
            break;
        }
        case 'x':
            out_num(o, va_arg(ap, uint32_t), 16, width, pad);
            break;
        case '%':
            out_c(o, '%');
            break;
        default:            /* unknown or a trailing '%': show it, stop */
            out_c(o, '%');
            if (!*fmt)
                return;
            out_c(o, *fmt);
        }
    }
}

void con_init(uint32_t type)
{
    fb_type = type;
}

static unsigned text_screen(void)
{
    return fb_type == HV_FB_EGA_TEXT ? TO_SCREEN : 0;
}

void bl_info(const char *fmt, ...)
{
    struct out o = { .len = 0 };
    va_list ap;
    va_start(ap, fmt);
    vformat(&o, fmt, ap);
    va_end(ap);
    out_c(&o, '\n');
    put(o.buf, TO_SERIAL, ATTR_NORMAL);
}

void bl_warn(const char *fmt, ...)
{
    struct out o = { .len = 0 };
    va_list ap;
    va_start(ap, fmt);
    vformat(&o, fmt, ap);
    va_end(ap);
    out_c(&o, '\n');
    put("hv bl: warning: ", TO_SERIAL | text_screen(), ATTR_WARN);
    put(o.buf, TO_SERIAL | text_screen(), ATTR_WARN);
}

_Noreturn void bl_fatal(const char *fmt, ...)
{
    struct out o = { .len = 0 };
    va_list ap;
    va_start(ap, fmt);
    vformat(&o, fmt, ap);
    va_end(ap);
    out_c(&o, '\n');

    if (fb_type != HV_FB_EGA_TEXT && bios_have_gate()) {
        bios_text_mode();
        fb_type = HV_FB_EGA_TEXT;
        row = col = 0;
        cursor_known = 1;
    }
    put("hv bl: error: ", TO_SERIAL | TO_SCREEN, ATTR_ERROR);
    put(o.buf, TO_SERIAL | TO_SCREEN, ATTR_ERROR);
    put("hv bl: system halted\n", TO_SERIAL | TO_SCREEN, ATTR_ERROR);
    bl_halt();
}

_Noreturn void bl_halt(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}
