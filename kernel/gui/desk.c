/*
 * The desk: a lock window until the password is right, then one main
 * window whose content is rebuilt for each tab (like the installer's
 * steps), plus up to four console windows.  Locking, by the user or after
 * DESK_LOCK_MS without input, closes them all and opens the lock again.
 */
#include "gui/desk_priv.h"
#include "gui/mem.h"
#include "gui/msgbox.h"
#include "gui/theme.h"
#include "gui/uilog.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define MAIN_W_MAX 1000
#define TAB_W 88

static const char *const screen_names[] = {
    "lock", "host", "vms", "settings", "password", "logs",
};
static const char *const screen_titles[] = {
    "", "Host", "Virtual machines", "Settings", "Change password", "Logs",
};

uint64_t desk_now(struct desk *d)
{
    return d->be->now_ms(d->be->ctx);
}

void desk_message(struct desk *d, const char *title, const char *text)
{
    msgbox_open(d->wm, title, text, 0, 0);
}

struct widget *desk_label(struct desk *d, int id, int x, int y, int w, int h, const char *t)
{
    return win_add(d->win, WK_LABEL, id, rect_make(x, y, w, h), t);
}

struct widget *desk_field(struct desk *d, int id, int y, const char *caption, const char *name,
                          const char *text)
{
    struct rect c = win_content(d->win);
    int fw = c.w - 2 * DM - 170 < 320 ? c.w - 2 * DM - 170 : 320;
    desk_label(d, 0, DM, y + 6, 160, 20, caption);
    struct widget *w = win_add(d->win, WK_TEXT, id, rect_make(DM + 170, y, fw, 28), text);
    if (w)
        strlcpy(w->name, name, sizeof(w->name));
    return w;
}

struct widget *desk_button(struct desk *d, int id, int x, int y, int w, const char *caption,
                           const char *name)
{
    struct widget *b = win_add(d->win, WK_BUTTON, id, rect_make(x, y, w, DBTN_H), caption);
    if (b && name)
        strlcpy(b->name, name, sizeof(b->name));
    return b;
}

void desk_set_text(struct widget *w, const char *s)
{
    if (w && strcmp(w->text, s) != 0)
        widget_set_text(w, s);
}

void desk_view_sync(struct widget *w, const struct textbuf *tb)
{
    if (!w)
        return;
    w->view = tb->buf;
    w->view_len = tb->len;
    w->dirty = true;
}

static void tabs(struct desk *d)
{
    static const char *const names[] = { "Host", "VMs", "Settings", "Logs", "Lock", "Shell" };
    for (int i = 0; i < 6; i++)
        desk_button(d, ID_TAB_HOST + i, DM + i * (TAB_W + 8), DM, TAB_W, names[i], 0);
}

/* The first control of the content that takes input gets the focus, else
 * the tab that shows it. */
static void focus_first(struct desk *d, int tab_id)
{
    for (int i = 0; i < d->win->n; i++) {
        struct widget *w = &d->win->w[i];
        if (w->id > ID_TAB_SHELL && widget_focusable(w) && w->kind != WK_BUTTON) {
            win_focus(d->win, w);
            return;
        }
    }
    win_focus(d->win, win_find(d->win, tab_id));
}

void desk_show(struct desk *d, enum desk_screen s)
{
    static void (*const build[])(struct desk *) = {
        desk_lock_build, desk_host_build, desk_vms_build, desk_settings_build,
        desk_password_build, desk_logs_build,
    };
    static const int tab_of[] = { 0, ID_TAB_HOST, ID_TAB_VMS, ID_TAB_SETTINGS,
                                  ID_TAB_SETTINGS, ID_TAB_LOGS };
    char name[32], title[64];
    d->screen = s;
    win_clear(d->win);
    if (s == DS_LOCK)
        ksnprintf(title, sizeof(title), "hv - %s", d->host.hostname);
    else
        ksnprintf(title, sizeof(title), "hv - %s - %s", d->host.hostname, screen_titles[s]);
    win_set_title(d->win, title);
    if (s != DS_LOCK) {
        tabs(d);
        struct widget *t = win_find(d->win, tab_of[s]);
        if (t)
            t->checked = true;          /* drawn as the tab shown */
    }
    ksnprintf(name, sizeof(name), "desk/%s", screen_names[s]);
    uilog("screen", name);
    build[s](d);
    focus_first(d, tab_of[s]);
    win_log_buttons(d->win);
}

static void on_action(struct window *win, struct widget *w, void *ctx)
{
    struct desk *d = ctx;
    (void)win;
    if (d->screen == DS_LOCK) {
        desk_lock_action(d, w);
        return;
    }
    switch (w->id) {
    case ID_TAB_HOST:     desk_show(d, DS_HOST); return;
    case ID_TAB_VMS:      desk_show(d, DS_VMS); return;
    case ID_TAB_SETTINGS: desk_show(d, DS_SETTINGS); return;
    case ID_TAB_LOGS:     desk_show(d, DS_LOGS); return;
    case ID_TAB_LOCK:     desk_lock(d, "user"); return;
    case ID_TAB_SHELL:
        d->quit = true;
        uilog("quit", "shell");
        return;
    default:
        break;
    }
    if (d->screen == DS_VMS)
        desk_vms_action(d, w);
    else if (d->screen == DS_SETTINGS)
        desk_settings_action(d, w);
    else if (d->screen == DS_PASSWORD)
        desk_password_action(d, w);
}

/* The lock window is small and centred; the main window takes the screen
 * below the top bar. */
static bool open_window(struct desk *d, bool main)
{
    struct wm *wm = d->wm;
    char title[64];
    ksnprintf(title, sizeof(title), "hv - %s", d->host.hostname);
    int sw = wm->back.w, sh = wm->back.h - TH_BAR_H;
    if (main) {
        int w = sw - 2 * 8 < MAIN_W_MAX ? sw - 2 * 8 : MAIN_W_MAX;
        d->win = wm_open(wm, rect_make((sw - w) / 2, TH_BAR_H + 8, w, sh - 16), title);
    } else {
        d->win = wm_open_centered(wm, sw < 540 ? sw : 540, sh < 320 ? sh : 320, title);
    }
    if (!d->win)
        return false;
    d->win->on_action = on_action;
    d->win->ctx = d;
    return true;
}

void desk_unlock(struct desk *d)
{
    msgbox_dismiss(d->wm);
    wm_close(d->wm, d->win);
    d->unlocked = true;
    d->last_input = desk_now(d);
    if (open_window(d, true))
        desk_show(d, DS_HOST);
}

void desk_lock(struct desk *d, const char *why)
{
    msgbox_dismiss(d->wm);
    desk_console_close_all(d);
    if (d->win)
        wm_close(d->wm, d->win);
    d->win = 0;
    d->unlocked = false;
    d->ask = 0;
    uilog("locked", why);
    if (open_window(d, false))
        desk_show(d, DS_LOCK);
}

struct desk *desk_start(struct wm *wm, const struct desk_backend *be)
{
    struct desk *d = gui_zalloc(sizeof(*d));
    if (!d)
        return 0;
    d->wm = wm;
    d->be = be;
    wm->log_at = true;
    textbuf_init(&d->log, d->logbuf, sizeof(d->logbuf));
    for (int i = 0; i < DESK_CONSOLES; i++)
        textbuf_init(&d->con[i].text, d->con[i].buf, sizeof(d->con[i].buf));
    be->host(be->ctx, &d->host);
    d->last_refresh = d->last_input = desk_now(d);
    if (!open_window(d, false)) {
        gui_free(d);
        return 0;
    }
    desk_show(d, DS_LOCK);
    return d;
}

void desk_tick(struct desk *d)
{
    uint64_t now = desk_now(d);
    if (d->unlocked && now - d->last_input >= DESK_LOCK_MS) {
        desk_lock(d, "idle");
        return;
    }
    if (!d->win)
        return;
    if (now - d->last_refresh >= DESK_REFRESH_MS) {
        d->last_refresh = now;
        d->be->host(d->be->ctx, &d->host);
        if (d->screen == DS_LOCK)
            desk_lock_refresh(d);
        else if (d->screen == DS_HOST)
            desk_host_refresh(d);
        else if (d->screen == DS_VMS)
            desk_vms_refresh(d);
    }
    if (d->unlocked) {
        desk_console_tick(d);
        if (d->screen == DS_LOGS)
            desk_logs_tick(d);
    }
}

void desk_input(struct desk *d)
{
    d->last_input = desk_now(d);
}

bool desk_quit(const struct desk *d)
{
    return d->quit;
}

void desk_destroy(struct desk *d)
{
    if (!d)
        return;
    msgbox_dismiss(d->wm);
    desk_console_close_all(d);
    if (d->win)
        wm_close(d->wm, d->win);
    d->wm->log_at = false;
    gui_free(d);
}
