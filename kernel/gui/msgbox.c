/* The message box sizes itself to its text; the text is in one label. */
#include "gui/msgbox.h"
#include "gui/theme.h"
#include "gui/uilog.h"
#include "lib/string.h"

#define MSG_ID_OK 1
#define MARGIN 16
#define BUTTON_W 96
#define BUTTON_H 30

/* The callback lives in the window's ctx: a small static pool, as at most
 * one message box is open at a time per window manager (it is modal). */
struct msgbox_ctx {
    bool used;
    void (*on_close)(void *ctx);
    void *ctx;
};
static struct msgbox_ctx pool[WM_MAX_WINDOWS];

static void on_action(struct window *win, struct widget *w, void *ctx)
{
    struct msgbox_ctx *m = ctx;
    if (w->id != MSG_ID_OK)
        return;
    struct msgbox_ctx done = *m;
    m->used = false;
    wm_close(win->wm, win);
    if (done.on_close)
        done.on_close(done.ctx);
}

static void measure(const struct face *f, const char *text, int *w, int *h)
{
    int lines = 1, longest = 0, cur = 0;
    for (const char *s = text; *s; s++) {
        if (*s == '\n') {
            lines++;
            cur = 0;
            continue;
        }
        if (++cur > longest)
            longest = cur;
    }
    *w = longest * (int)f->font->width * f->scale;
    *h = lines * (face_height(f) + 2);
}

struct window *msgbox_open(struct wm *wm, const char *title, const char *text,
                           void (*on_close)(void *ctx), void *ctx)
{
    uilog("message", text);
    struct msgbox_ctx *m = 0;
    for (int i = 0; i < WM_MAX_WINDOWS && !m; i++)
        if (!pool[i].used)
            m = &pool[i];
    int tw, th;
    measure(wm_face(wm), text, &tw, &th);
    int cw = tw + 2 * MARGIN < 320 ? 320 : tw + 2 * MARGIN;
    int ch = th + 3 * MARGIN + BUTTON_H;
    struct window *win = m ? wm_open_centered(wm, cw + 2 * TH_BORDER_W,
                                              ch + TH_TITLE_H + TH_BORDER_W, title) : 0;
    if (!win)
        return 0;
    m->used = true;
    m->on_close = on_close;
    m->ctx = ctx;
    win->on_action = on_action;
    win->ctx = m;
    win_add(win, WK_LABEL, 0, rect_make(MARGIN, MARGIN, tw, th), text);
    struct widget *ok = win_add(win, WK_BUTTON, MSG_ID_OK,
                                rect_make((cw - BUTTON_W) / 2, th + 2 * MARGIN, BUTTON_W, BUTTON_H),
                                "OK");
    win->default_id = win->cancel_id = MSG_ID_OK;
    wm_set_modal(wm, win);
    win_focus(win, ok);
    return win;
}
