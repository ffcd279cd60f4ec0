/*
 * Console windows: the tail of a VM's serial output, fed on each tick,
 * and the keys typed while the window is on top sent to the VM (Enter as
 * CR, Backspace as DEL, arrows as ANSI sequences), except Esc, which
 * closes it.  At most DESK_CONSOLES are open; opening one again raises it.
 */
#include "gui/desk_priv.h"
#include "gui/keys.h"
#include "gui/msgbox.h"
#include "gui/theme.h"
#include "gui/uilog.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define ID_CLOSE 1
#define ID_VIEW 2
#define READ_CHUNK 512
#define READS_PER_TICK 32               /* 16 KiB: a full view's worth */

static void log_console(const struct desk_console *c, const char *what)
{
    char line[48];
    ksnprintf(line, sizeof(line), "%s %s", c->vm, what);
    uilog("console", line);
}

static void close_console(struct desk_console *c)
{
    if (!c->used)
        return;
    log_console(c, "close");
    wm_close(c->desk->wm, c->win);
    c->used = false;
    c->win = 0;
}

void desk_console_close_all(struct desk *d)
{
    for (int i = 0; i < DESK_CONSOLES; i++)
        close_console(&d->con[i]);
}

/* The bytes a key stands for on a serial terminal; 0 when none. */
static int key_bytes(int key, char out[4])
{
    static const char *const seq[] = {
        [KEY_UP - KEY_TAB] = "\033[A", [KEY_DOWN - KEY_TAB] = "\033[B",
        [KEY_RIGHT - KEY_TAB] = "\033[C", [KEY_LEFT - KEY_TAB] = "\033[D",
        [KEY_HOME - KEY_TAB] = "\033[H", [KEY_END - KEY_TAB] = "\033[F",
        [KEY_DELETE - KEY_TAB] = "\033[3~", [KEY_TAB - KEY_TAB] = "\t",
        [KEY_ENTER - KEY_TAB] = "\r", [KEY_BACKSPACE - KEY_TAB] = "\177",
        [KEY_PGUP - KEY_TAB] = "\033[5~", [KEY_PGDN - KEY_TAB] = "\033[6~",
    };
    if (widget_printable(key)) {
        out[0] = (char)key;
        return 1;
    }
    if (key < KEY_TAB || key > KEY_PGDN || !seq[key - KEY_TAB])
        return 0;
    int n = (int)strlen(seq[key - KEY_TAB]);
    memcpy(out, seq[key - KEY_TAB], (size_t)n);
    return n;
}

static bool on_key(struct window *win, int key, void *ctx)
{
    struct desk_console *c = ctx;
    (void)win;
    if (key == KEY_ESC) {
        close_console(c);
        return true;
    }
    char bytes[4], why[160] = "";
    int n = key_bytes(key, bytes);
    const struct desk_backend *be = c->desk->be;
    if (n > 0 && be->vm_type(be->ctx, c->vm, bytes, (size_t)n, why, sizeof(why)) < 0)
        msgbox_open(c->desk->wm, "Not typed", why[0] ? why : "The VM did not take the key.",
                    0, 0);
    return true;
}

static void on_action(struct window *win, struct widget *w, void *ctx)
{
    (void)win;
    if (w->id == ID_CLOSE)
        close_console(ctx);
}

static void build(struct desk_console *c, int slot)
{
    struct wm *wm = c->desk->wm;
    int sw = wm->back.w, sh = wm->back.h - TH_BAR_H;
    int w = sw - 40 < 680 ? sw - 40 : 680, h = sh - 40 < 440 ? sh - 40 : 440;
    int x = 20 + slot * 24, y = TH_BAR_H + 20 + slot * 24;
    if (x + w > sw)
        x = sw - w;
    if (y + h > wm->back.h)
        y = wm->back.h - h;
    char title[48];
    ksnprintf(title, sizeof(title), "Console: %s", c->vm);
    c->win = wm_open(wm, rect_make(x, y, w, h), title);
    if (!c->win)
        return;
    c->win->on_action = on_action;
    c->win->on_key = on_key;
    c->win->ctx = c;
    struct rect r = win_content(c->win);
    int by = r.h - DM / 2 - DBTN_H;
    struct widget *v = win_add(c->win, WK_VIEW, ID_VIEW,
                               rect_make(DM / 2, DM / 2, r.w - DM, by - DM), "");
    if (v)
        strlcpy(v->name, "console", sizeof(v->name));
    desk_view_sync(v, &c->text);
    win_add(c->win, WK_LABEL, 0, rect_make(DM / 2, by + 7, r.w - 140, 20),
            "Keys go to the VM. Esc closes.");
    char name[32];
    ksnprintf(name, sizeof(name), "Close %s", c->vm);
    struct widget *b = win_add(c->win, WK_BUTTON, ID_CLOSE,
                               rect_make(r.w - DM / 2 - 100, by, 100, DBTN_H), "Close");
    if (b) {
        strlcpy(b->name, name, sizeof(b->name));
        win_focus(c->win, b);
    }
    c->win->cancel_id = ID_CLOSE;
    win_log_buttons(c->win);
}

void desk_console_open(struct desk *d, const char *vm)
{
    struct desk_console *free_slot = 0;
    int slot = 0;
    for (int i = 0; i < DESK_CONSOLES; i++) {
        struct desk_console *c = &d->con[i];
        if (c->used && strcmp(c->vm, vm) == 0) {
            wm_raise(d->wm, c->win);
            return;
        }
        if (!c->used && !free_slot) {
            free_slot = c;
            slot = i;
        }
    }
    if (!free_slot) {
        char text[96];
        ksnprintf(text, sizeof(text), "At most %d consoles can be open: close one first.",
                  DESK_CONSOLES);
        desk_message(d, "Too many consoles", text);
        return;
    }
    struct desk_console *c = free_slot;
    c->desk = d;
    strlcpy(c->vm, vm, sizeof(c->vm));
    c->off = 0;
    textbuf_init(&c->text, c->buf, sizeof(c->buf));
    build(c, slot);
    if (!c->win) {
        desk_message(d, "No console", "There is no room for another window.");
        return;
    }
    c->used = true;
    log_console(c, "open");
    desk_console_tick(d);
}

void desk_console_tick(struct desk *d)
{
    char chunk[READ_CHUNK];
    for (int i = 0; i < DESK_CONSOLES; i++) {
        struct desk_console *c = &d->con[i];
        if (!c->used)
            continue;
        bool changed = false;
        for (int k = 0; k < READS_PER_TICK; k++) {
            size_t n = d->be->vm_console(d->be->ctx, c->vm, &c->off, chunk, sizeof(chunk));
            if (n == 0)
                break;
            changed |= textbuf_feed(&c->text, chunk, n);
        }
        if (changed)
            desk_view_sync(win_find(c->win, ID_VIEW), &c->text);
    }
}
