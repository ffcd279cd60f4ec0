/*
 * The console: every byte goes to COM1 and to the screen (framebuffer or VGA
 * text), input comes from the keyboard driver's pushes and from polling
 * COM1.  One lock serializes output, so kprintf lines from different CPUs
 * do not interleave; it tolerates re-entry on the same CPU (a fault while
 * printing) and is ignored by a panicking CPU, so a panic always gets out.
 */
#include "dev/console.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/spinlock.h"
#include "dev/fbcon.h"
#include "dev/font.h"
#include "dev/serial.h"
#include "dev/vgatext.h"
#include "hv/bootinfo.h"
#include "lib/kprintf.h"
#include "lib/log.h"
#include "lib/string.h"
#include <stdbool.h>
#include <stdint.h>

#define INPUT_SIZE 256u

static spinlock_t out_lock = SPINLOCK_INIT;
static volatile uint32_t out_owner;     /* CPU index + 1 holding out_lock, 0 if none */
static volatile uint32_t panic_owner;   /* CPU index + 1 of a panicking CPU */
static bool serial_up;
static const struct screen *scr;        /* NULL: serial only */
static bool released;                   /* the desktop has the display: draw, do not flush */
static unsigned col, row;               /* guarded by out_lock, like scr */
static int esc_state;                   /* 0 text, 1 after ESC, 2 in ESC [ */
static unsigned esc_param;

static spinlock_t in_lock = SPINLOCK_INIT;
static char in_buf[INPUT_SIZE];         /* guarded by in_lock */
static unsigned in_head, in_tail;
static bool last_was_cr;                /* swallow the LF of a CR LF pair */

static uint32_t me(void)
{
    return this_cpu()->index + 1;
}

static bool out_lock_take(uint64_t *flags)
{
    *flags = cpu_save_flags();
    cpu_cli();
    uint32_t m = me();
    if (panic_owner == m || out_owner == m)
        return false;
    spin_lock(&out_lock);
    out_owner = m;
    return true;
}

static void out_lock_give(bool taken, uint64_t flags)
{
    if (taken) {
        out_owner = 0;
        spin_unlock(&out_lock);
    }
    cpu_restore_flags(flags);
}

static void newline(void)
{
    col = 0;
    if (++row >= scr->rows) {
        scr->scroll();
        row = scr->rows - 1;
    }
}

static void escape(char c)
{
    if (esc_state == 1) {
        esc_state = c == '[' ? 2 : 0;
        esc_param = 0;
        return;
    }
    if (c >= '0' && c <= '9') {
        esc_param = esc_param * 10 + (unsigned)(c - '0');
        return;
    }
    if (c == ';' || c == '?')
        return;
    esc_state = 0;
    if (c == 'J' && esc_param == 2) {
        for (unsigned r = 0; r < scr->rows; r++)
            scr->clear_line(r, 0);
        col = row = 0;
    } else if (c == 'H') {
        col = row = 0;
    } else if (c == 'K') {
        scr->clear_line(row, col);
    }
}

static void screen_putc(char c)
{
    if (esc_state) {
        escape(c);
        return;
    }
    switch (c) {
    case '\n': newline(); break;
    case '\r': col = 0; break;
    case '\b': if (col > 0) col--; break;
    case '\t':
        col = (col + 8) & ~7u;
        if (col >= scr->cols)
            newline();
        break;
    case 0x1B: esc_state = 1; break;
    default:
        if ((unsigned char)c < 0x20 || c == 0x7F)
            break;
        scr->put(col, row, c);
        if (++col >= scr->cols)
            newline();
    }
}

static void screen_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        screen_putc(s[i]);
    scr->cursor(col, row);
    if (!released)
        scr->flush();
}

static void write_locked(const char *s, size_t n)
{
    if (!serial_up) {
        serial_init();
        serial_up = true;
    }
    serial_write(s, n);
    if (scr)
        screen_write(s, n);
}

void console_write(const char *s, size_t n)
{
    uint64_t f;
    bool t = out_lock_take(&f);
    write_locked(s, n);
    out_lock_give(t, f);
}

void console_print(const char *s, size_t n)
{
    uint64_t f;
    bool t = out_lock_take(&f);
    log_append(s, n);
    write_locked(s, n);
    out_lock_give(t, f);
}

void console_panic(void)
{
    panic_owner = me();
    /* The dump must be seen, desktop or not. */
    if (released && scr) {
        released = false;
        if (scr->invalidate)
            scr->invalidate();
    }
}

void console_set_header(const char *text)
{
    uint64_t f;
    bool t = out_lock_take(&f);
    if (scr) {
        scr->header(text);
        if (!released)
            scr->flush();
    }
    out_lock_give(t, f);
}

void console_screen_release(void)
{
    uint64_t f;
    bool t = out_lock_take(&f);
    released = true;
    out_lock_give(t, f);
}

void console_screen_take(void)
{
    uint64_t f;
    bool t = out_lock_take(&f);
    released = false;
    if (scr) {
        if (scr->invalidate)
            scr->invalidate();
        scr->flush();
    }
    out_lock_give(t, f);
}

void console_init(const struct hv_bootinfo *bi)
{
    const struct screen *s = NULL;
    const char *why = NULL;
    uint64_t f;
    bool t = out_lock_take(&f);
    if (!serial_up) {
        serial_init();
        serial_up = true;
    }
    if (bi->fb.type == HV_FB_RGB) {
        if (font_init() < 0)
            why = "the built-in font is unusable";
        else if (!(s = fbcon_init(&bi->fb)))
            why = "the framebuffer is unusable (or no memory for its back buffer)";
    } else if (bi->fb.type == HV_FB_EGA_TEXT) {
        if (!(s = vgatext_init(&bi->fb)))
            why = "the text screen description is unusable";
    }
    if (s) {
        scr = s;
        col = row = 0;
        scr->header("hv " HV_VERSION);
        /* Show on screen what so far went to COM1 only. */
        char buf[256];
        uint64_t pos = 0;
        size_t n;
        while ((n = log_read(&pos, buf, sizeof(buf))) > 0)
            for (size_t i = 0; i < n; i++)
                screen_putc(buf[i]);
        scr->cursor(col, row);
        scr->flush();
    }
    out_lock_give(t, f);
    if (why)
        kprintf("hv: warning: console: %s; serial only\n", why);
}

void console_input_push(char c)
{
    uint64_t f = spin_lock_irqsave(&in_lock);
    if (in_head - in_tail < INPUT_SIZE)
        in_buf[in_head++ % INPUT_SIZE] = c;
    spin_unlock_irqrestore(&in_lock, f);
}

static int pop_raw(void)
{
    uint64_t f = spin_lock_irqsave(&in_lock);
    int c = -1;
    if (in_tail != in_head)
        c = (unsigned char)in_buf[in_tail++ % INPUT_SIZE];
    spin_unlock_irqrestore(&in_lock, f);
    if (c < 0)
        c = serial_trygetc();
    return c;
}

int console_trygetc(void)
{
    for (;;) {
        int c = pop_raw();
        if (c < 0)
            return -1;
        bool cr = c == '\r';
        if (c == '\n' && last_was_cr) {
            last_was_cr = false;
            continue;
        }
        last_was_cr = cr;
        return cr ? '\n' : c;
    }
}

int console_getc(void)
{
    for (;;) {
        int c = console_trygetc();
        if (c >= 0)
            return c;
        /* Sleep until the next interrupt (the timer tick bounds how long
         * COM1 waits for its next poll); with interrupts off, just spin. */
        if (cpu_save_flags() & (1u << 9))
            cpu_hlt();
        else
            cpu_pause();
    }
}
