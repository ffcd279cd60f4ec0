/* The message box sizes itself to its text; the text is in one label. */
#include "gui/msgbox.h"
#include "gui/theme.h"
#include "gui/uilog.h"
#include "lib/string.h"

#define MSG_ID_OK 1
#define MSG_ID_NO 2
#define MARGIN 16
#define BUTTON_W 96
#define BUTTON_H 30

/* The callback lives in the window's ctx: a small static pool, as at most
 * one message box is open at a time per window manager (it is modal). */
struct msgbox_ctx {
    bool used;
    struct wm *wm;
    struct window *win;
    void (*on_close)(void *ctx);
    void (*on_answer)(void *ctx, bool yes);
    void *ctx;
};
static struct msgbox_ctx pool[WM_MAX_WINDOWS];

static void on_action(struct window *win, struct widget *w, void *ctx)
{
    struct msgbox_ctx *m = ctx;
    if (w->id != MSG_ID_OK && w->id != MSG_ID_NO)
        return;
    struct msgbox_ctx done = *m;
    m->used = false;
    wm_close(win->wm, win);
    if (done.on_close)
        done.on_close(done.ctx);
    if (done.on_answer)
        done.on_answer(done.ctx, w->id == MSG_ID_OK);
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

static struct window *open_box(struct wm *wm, const char *title, const char *text,
                               const char *yes, const char *no, struct msgbox_ctx **out)
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
    memset(m, 0, sizeof(*m));
    m->used = true;
    m->wm = wm;
    m->win = win;
    win->on_action = on_action;
    win->ctx = m;
    win_add(win, WK_LABEL, 0, rect_make(MARGIN, MARGIN, tw, th), text);
    int by = th + 2 * MARGIN;
    struct widget *ok, *focus;
    if (no) {
        ok = win_add(win, WK_BUTTON, MSG_ID_OK,
                     rect_make(cw / 2 - BUTTON_W - 8, by, BUTTON_W, BUTTON_H), yes);
        focus = win_add(win, WK_BUTTON, MSG_ID_NO, rect_make(cw / 2 + 8, by, BUTTON_W, BUTTON_H),
                        no);
        win->default_id = MSG_ID_OK;
        win->cancel_id = MSG_ID_NO;
    } else {
        focus = ok = win_add(win, WK_BUTTON, MSG_ID_OK,
                             rect_make((cw - BUTTON_W) / 2, by, BUTTON_W, BUTTON_H), yes);
        win->default_id = win->cancel_id = MSG_ID_OK;
    }
    (void)ok;
    wm_set_modal(wm, win);
    win_focus(win, focus);
    win_log_buttons(win);
    *out = m;
    return win;
}

struct window *msgbox_open(struct wm *wm, const char *title, const char *text,
                           void (*on_close)(void *ctx), void *ctx)
{
    struct msgbox_ctx *m;
    struct window *win = open_box(wm, title, text, "OK", 0, &m);
    if (win) {
        m->on_close = on_close;
        m->ctx = ctx;
    }
    return win;
}

struct window *msgbox_ask(struct wm *wm, const char *title, const char *text, const char *yes,
                          const char *no, void (*on_answer)(void *ctx, bool yes), void *ctx)
{
    struct msgbox_ctx *m;
    struct window *win = open_box(wm, title, text, yes, no, &m);
    if (win) {
        m->on_answer = on_answer;
        m->ctx = ctx;
    }
    return win;
}

void msgbox_dismiss(struct wm *wm)
{
    for (int i = 0; i < WM_MAX_WINDOWS; i++)
        if (pool[i].used && pool[i].wm == wm) {
            pool[i].used = false;
            wm_close(wm, pool[i].win);
        }
}
