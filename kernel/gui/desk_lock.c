/*
 * The lock screen: what the host is and where to manage it from, and the
 * administrator password.  Five wrong passwords in a row (here or in the
 * password change) stop further tries for DESK_WAIT_MS, so the password
 * cannot be guessed at the keyboard quickly; the password never reaches
 * the log.
 */
#include "gui/desk_priv.h"
#include "gui/msgbox.h"
#include "gui/uilog.h"
#include "lib/kprintf.h"
#include "lib/string.h"

enum { ROW_NAME = ID_INFO, ROW_VERSION, ROW_IP };

static void lines(const struct desk *d, char name[96], char version[96], char ip[96])
{
    ksnprintf(name, 96, "Host name:  %s", d->host.hostname);
    ksnprintf(version, 96, "Version:    hv %s", d->host.version);
    if (strcmp(d->host.ipv4, "none") == 0 || !d->host.ipv4[0])
        ksnprintf(ip, 96, "No IPv4 address yet: hvctl cannot reach this host.");
    else
        ksnprintf(ip, 96, "Manage it with hvctl at %s", d->host.ipv4);
}

void desk_lock_build(struct desk *d)
{
    struct rect c = win_content(d->win);
    int w = c.w - 2 * DM;
    char name[96], version[96], ip[96];
    lines(d, name, version, ip);
    struct widget *h = desk_label(d, 0, DM, DM, w, 36, "Locked");
    if (h)
        h->big = true;
    desk_label(d, ROW_NAME, DM, 60, w, 20, name);
    desk_label(d, ROW_VERSION, DM, 82, w, 20, version);
    desk_label(d, ROW_IP, DM, 104, w, 20, ip);
    desk_label(d, 0, DM, 140, w, 20, "Type the administrator password to unlock:");
    struct widget *pw = win_add(d->win, WK_TEXT, ID_PASSWORD,
                                rect_make(DM, 166, w < 320 ? w : 320, 28), "");
    if (pw) {
        pw->password = true;
        strlcpy(pw->name, "password", sizeof(pw->name));
    }
    int y = c.h - DM - DBTN_H;
    desk_button(d, ID_UNLOCK, c.w - DM - 110, y < 206 ? 206 : y, 110, "Unlock", 0);
    d->win->default_id = ID_UNLOCK;
}

void desk_lock_refresh(struct desk *d)
{
    char name[96], version[96], ip[96];
    lines(d, name, version, ip);
    desk_set_text(win_find(d->win, ROW_NAME), name);
    desk_set_text(win_find(d->win, ROW_VERSION), version);
    desk_set_text(win_find(d->win, ROW_IP), ip);
}

int desk_try_password(struct desk *d, const char *pw, const char **why)
{
    static char wait[128];
    uint64_t now = desk_now(d);
    if (d->fails >= DESK_FAILS_MAX) {
        if (now < d->wait_until) {
            unsigned s = (unsigned)((d->wait_until - now + 999) / 1000);
            ksnprintf(wait, sizeof(wait), "Too many wrong passwords. Wait %u second%s, "
                      "then try again.", s, s == 1 ? "" : "s");
            *why = wait;
            return PW_WAIT;
        }
        d->fails = 0;
    }
    if (d->be->check_password(d->be->ctx, pw)) {
        d->fails = 0;
        return PW_OK;
    }
    if (++d->fails >= DESK_FAILS_MAX) {
        d->wait_until = now + DESK_WAIT_MS;
        ksnprintf(wait, sizeof(wait), "Wrong password.\nThat was %d wrong in a row: wait "
                  "%u seconds before the next try.", DESK_FAILS_MAX, DESK_WAIT_MS / 1000);
        *why = wait;
    } else {
        *why = "Wrong password.";
    }
    return PW_WRONG;
}

/* After the message, the password is typed again. */
static void refocus(void *ctx)
{
    struct desk *d = ctx;
    struct widget *pw = d->screen == DS_LOCK ? win_find(d->win, ID_PASSWORD) : 0;
    if (pw)
        win_focus(d->win, pw);
}

void desk_lock_action(struct desk *d, struct widget *w)
{
    if (w->id != ID_UNLOCK)
        return;
    struct widget *pw = win_find(d->win, ID_PASSWORD);
    if (!pw)
        return;
    const char *why;
    int r = desk_try_password(d, pw->text, &why);
    widget_set_text(pw, "");
    if (r == PW_OK) {
        uilog("unlock", "ok");
        desk_unlock(d);
        return;
    }
    uilog("unlock", r == PW_WAIT ? "wait" : "refused");
    msgbox_open(d->wm, "Not unlocked", why, refocus, d);
}
