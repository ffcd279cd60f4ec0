/* What the desk's files share (desk.c, desk_lock.c, desk_info.c, desk_vms.c,
 * desk_console.c, desk_settings.c, desk_password.c, desk_logs.c); not an
 * interface for anyone else.  Owner: gui. */
#ifndef HV_GUI_DESK_PRIV_H
#define HV_GUI_DESK_PRIV_H

#include "gui/desk.h"
#include "gui/desk_text.h"

#define DESK_CONSOLES 4
#define DESK_FAILS_MAX 5                /* wrong passwords in a row ... */
#define DESK_WAIT_MS 30000u             /* ... then no tries for this long */
#define DESK_REFRESH_MS 1000u

#define DM 12                           /* margin */
#define DBTN_H 30
#define DROW 34                         /* a form row */
#define DTOP (DM + DBTN_H + 14)         /* a tab's content starts here */

enum desk_screen { DS_LOCK, DS_HOST, DS_VMS, DS_SETTINGS, DS_PASSWORD, DS_LOGS };

/* Widget ids: the tab row, then each screen's own. */
enum {
    ID_TAB_HOST = 1, ID_TAB_VMS, ID_TAB_SETTINGS, ID_TAB_LOGS, ID_TAB_LOCK, ID_TAB_SHELL,
    ID_UNLOCK = 20, ID_PASSWORD,
    ID_VMLIST = 30, ID_VM_START, ID_VM_SHUTDOWN, ID_VM_STOP, ID_VM_RESET, ID_VM_CONSOLE, ID_VM_HEAD,
    ID_DHCP = 40, ID_ADDR, ID_GW, ID_DNS, ID_HOST, ID_DESKTOP, ID_SAVE, ID_CHPW,
    ID_REBOOT, ID_POWEROFF,
    ID_PW_OLD = 60, ID_PW_NEW, ID_PW_AGAIN, ID_PW_OK, ID_PW_CANCEL,
    ID_LOGVIEW = 70,
    ID_LAYOUT = 80,                     /* keyboard layout radios: ID_LAYOUT + enum hvcfg_keyboard */
    ID_INFO = 100,                      /* host panel rows: ID_INFO + n */
};

struct desk_console {
    bool used;
    struct desk *desk;
    char vm[32];
    struct window *win;
    uint64_t off;                       /* in the VM's console stream */
    struct textbuf text;
    char buf[DESK_TEXT_MAX];
};

struct desk {
    struct wm *wm;
    const struct desk_backend *be;
    struct window *win;                 /* the lock window, or the main window */
    enum desk_screen screen;
    bool unlocked, quit;
    uint64_t last_input, last_refresh;
    int fails;                          /* wrong passwords in a row */
    uint64_t wait_until;                /* no tries before this (now_ms) */
    struct desk_host host;
    struct desk_vm vms[DESK_MAX_VMS];
    int nvms;
    struct desk_settings set;           /* as last shown or saved */
    int ask;                            /* the question open: ID_REBOOT, ID_POWEROFF */
    struct desk_console con[DESK_CONSOLES];
    struct textbuf log;
    char logbuf[DESK_TEXT_MAX];
    uint64_t log_pos;
};

uint64_t desk_now(struct desk *d);
void desk_show(struct desk *d, enum desk_screen s);   /* rebuilds the main window */
void desk_unlock(struct desk *d);
void desk_lock(struct desk *d, const char *why);      /* "idle", "user" */
/* The backend's password check behind the lock's throttle: PW_OK, or
 * PW_WRONG / PW_WAIT (not even checked) with the sentence to show in why. */
enum { PW_WAIT = -1, PW_WRONG, PW_OK };
int desk_try_password(struct desk *d, const char *pw, const char **why);
void desk_message(struct desk *d, const char *title, const char *text);

/* Building a screen in d->win. */
struct widget *desk_label(struct desk *d, int id, int x, int y, int w, int h, const char *t);
struct widget *desk_field(struct desk *d, int id, int y, const char *caption, const char *name,
                          const char *text);
struct widget *desk_button(struct desk *d, int id, int x, int y, int w, const char *caption,
                           const char *name);
/* Sets a label's text only when it changed (so only it is repainted). */
void desk_set_text(struct widget *w, const char *s);
/* The view shows tb's text as it is now. */
void desk_view_sync(struct widget *w, const struct textbuf *tb);

void desk_lock_build(struct desk *d);
void desk_lock_action(struct desk *d, struct widget *w);
void desk_lock_refresh(struct desk *d);
void desk_host_build(struct desk *d);
void desk_host_refresh(struct desk *d);
void desk_vms_build(struct desk *d);
void desk_vms_action(struct desk *d, struct widget *w);
void desk_vms_refresh(struct desk *d);
void desk_console_open(struct desk *d, const char *vm);
void desk_console_tick(struct desk *d);
void desk_console_close_all(struct desk *d);
void desk_settings_build(struct desk *d);
void desk_settings_action(struct desk *d, struct widget *w);
void desk_password_build(struct desk *d);
void desk_password_action(struct desk *d, struct widget *w);
void desk_logs_build(struct desk *d);
void desk_logs_tick(struct desk *d);

#endif
