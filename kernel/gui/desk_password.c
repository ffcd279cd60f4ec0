/* Changing the administrator password (from Settings): the current one,
 * then the new one twice.  A wrong current password counts towards the
 * lock screen's limit of wrong tries. */
#include "gui/desk_priv.h"
#include "gui/installer.h"
#include "gui/uilog.h"
#include "lib/string.h"


void desk_password_build(struct desk *d)
{
    struct rect c = win_content(d->win);
    desk_label(d, 0, DM, DTOP, c.w - 2 * DM, 40,
               "The administrator password unlocks this desktop and the\n"
               "management API (hvctl). At least 8 characters.");
    struct widget *a = desk_field(d, ID_PW_OLD, DTOP + 52, "Current password:", "current", "");
    struct widget *b = desk_field(d, ID_PW_NEW, DTOP + 52 + DROW, "New password:", "new", "");
    struct widget *e = desk_field(d, ID_PW_AGAIN, DTOP + 52 + 2 * DROW, "New again:",
                                  "new again", "");
    struct widget *all[] = { a, b, e };
    for (int i = 0; i < 3; i++)
        if (all[i])
            all[i]->password = true;
    int y = DTOP + 52 + 3 * DROW + 12;
    desk_button(d, ID_PW_OK, DM + 170, y, 100, "Change", 0);
    desk_button(d, ID_PW_CANCEL, DM + 278, y, 100, "Cancel", 0);
    d->win->default_id = ID_PW_OK;
    d->win->cancel_id = ID_PW_CANCEL;
}

static void refuse(struct desk *d, const char *why, int clear_from)
{
    for (int id = clear_from; id <= ID_PW_AGAIN; id++)
        widget_set_text(win_find(d->win, id), "");
    struct widget *f = win_find(d->win, clear_from);
    if (f)
        win_focus(d->win, f);
    uilog("password", "refused");
    desk_message(d, "Password not changed", why);
}

static void change(struct desk *d)
{
    struct widget *a = win_find(d->win, ID_PW_OLD), *b = win_find(d->win, ID_PW_NEW),
                  *e = win_find(d->win, ID_PW_AGAIN);
    if (!a || !b || !e)
        return;
    const char *why = gui_check_new_password(b->text, e->text, GUI_PASSWORD_MIN);
    if (why) {
        refuse(d, why, ID_PW_NEW);
        return;
    }
    int r = desk_try_password(d, a->text, &why);
    if (r != PW_OK) {
        refuse(d, r == PW_WRONG && d->fails < DESK_FAILS_MAX ?
               "The current password is wrong." : why, ID_PW_OLD);
        return;
    }
    char err[160] = "";
    if (d->be->set_password(d->be->ctx, b->text, err, sizeof(err)) < 0) {
        refuse(d, err[0] ? err : "The password could not be changed.", ID_PW_OLD);
        return;
    }
    uilog("password", "changed");
    desk_show(d, DS_SETTINGS);
    desk_message(d, "Password changed", "The new password is in use and saved.");
}

void desk_password_action(struct desk *d, struct widget *w)
{
    if (w->id == ID_PW_OK)
        change(d);
    else if (w->id == ID_PW_CANCEL)
        desk_show(d, DS_SETTINGS);
}
