/*
 * The wizard is one window whose widgets are rebuilt for each step.
 * Leaving a step (either way) saves what its widgets hold into the
 * choices, so going back and forth keeps what was typed; going on first
 * runs the step's checks, and a refusal is a message box in words.
 */
#include "gui/installer.h"
#include "gui/msgbox.h"
#include "gui/theme.h"
#include "gui/uilog.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define WIN_W 660
#define WIN_H 470
#define M 20                            /* margin */
#define BTN_W 110
#define BTN_H 32

enum {
    ID_BACK = 1, ID_NEXT, ID_SHELL, ID_LIST, ID_DHCP, ID_ADDR, ID_GW, ID_HOST,
    ID_PASS1, ID_PASS2, ID_PROGRESS,
};

static const char *const step_names[INST_STEPS] = {
    "welcome", "keyboard", "disk", "network", "password", "summary", "install", "done",
};
static const char *const step_titles[INST_STEPS] = {
    "Welcome", "Keyboard layout", "Target disk", "Network", "Administrator password",
    "Summary", "Installing", "Installed",
};
static const char *const layout_names[INST_LAYOUTS] = {
    "English (US)", "Portuguese (Brazil, ABNT2)",
};

const char *installer_step_name(enum inst_step s)
{
    return (unsigned)s < INST_STEPS ? step_names[s] : "?";
}

static struct rect content(const struct installer *ins)
{
    return win_content(ins->win);
}

static struct widget *label(struct installer *ins, int y, int h, const char *text)
{
    return win_add(ins->win, WK_LABEL, 0, rect_make(M, y, content(ins).w - 2 * M, h), text);
}

static struct widget *field(struct installer *ins, int id, int y, const char *caption,
                            const char *name, const char *text)
{
    win_add(ins->win, WK_LABEL, 0, rect_make(M, y + 6, 180, 20), caption);
    struct widget *w = win_add(ins->win, WK_TEXT, id, rect_make(M + 190, y, 300, 28), text);
    if (w)
        strlcpy(w->name, name, sizeof(w->name));
    return w;
}

static void buttons(struct installer *ins, bool back, const char *next)
{
    struct rect c = content(ins);
    int y = c.h - M - BTN_H;
    if (back) {
        win_add(ins->win, WK_BUTTON, ID_BACK, rect_make(c.w - M - 2 * BTN_W - 12, y, BTN_W, BTN_H),
                "Back");
        ins->win->cancel_id = ID_BACK;
    }
    if (next) {
        win_add(ins->win, WK_BUTTON, ID_NEXT, rect_make(c.w - M - BTN_W, y, BTN_W, BTN_H), next);
        ins->win->default_id = ID_NEXT;
    }
}

static void disk_line(const struct inst_disk *d, char *buf, unsigned len)
{
    char size[24];
    uint64_t mib = d->bytes >> 20;
    if (mib >= 1024)
        ksnprintf(size, sizeof(size), "%lu.%lu GiB", (unsigned long)(mib >> 10),
                  (unsigned long)((mib & 1023) * 10 / 1024));
    else
        ksnprintf(size, sizeof(size), "%lu MiB", (unsigned long)mib);
    ksnprintf(buf, len, "%-8s %-28.28s %9s%s", d->name, d->model, size,
              d->boot ? "  (boot disk)" : "");
}

static struct widget *list(struct installer *ins, int y, int h, const char *name)
{
    struct widget *l = win_add(ins->win, WK_LIST, ID_LIST,
                               rect_make(M, y, content(ins).w - 2 * M, h), "");
    if (l)
        strlcpy(l->name, name, sizeof(l->name));
    return l;
}

static void build_welcome(struct installer *ins)
{
    label(ins, 64, 200,
          "This wizard installs hv on a disk of this machine.\n\n"
          "It asks for the keyboard layout, the disk to install to,\n"
          "the network settings and the administrator password, then\n"
          "shows a summary before anything is written.\n\n"
          "Keys: Tab and the arrows move, Enter goes on, Esc goes back.");
    struct rect c = content(ins);
    win_add(ins->win, WK_BUTTON, ID_SHELL, rect_make(M, c.h - M - BTN_H, 170, BTN_H),
            "Recovery shell");
    buttons(ins, false, "Next");
}

static void build_keyboard(struct installer *ins)
{
    label(ins, 64, 20, "Choose the layout of this keyboard:");
    struct widget *l = list(ins, 92, 80, "layouts");
    if (l) {
        for (int i = 0; i < INST_LAYOUTS; i++)
            strlcpy(l->items[i], layout_names[i], LIST_ITEM_MAX);
        l->count = INST_LAYOUTS;
        l->value = ins->c.layout;
    }
    buttons(ins, true, "Next");
}

static void build_disk(struct installer *ins)
{
    if (ins->ndisks == 0) {
        label(ins, 64, 60, "hv's drivers see no disk on this machine: there is nothing\n"
                           "to install to.");
        buttons(ins, true, "Next");
        return;
    }
    label(ins, 64, 20, "Choose the disk to install hv to. Everything on it will be erased.");
    struct widget *l = list(ins, 92, 240, "disks");
    if (l) {
        for (int i = 0; i < ins->ndisks && i < LIST_MAX; i++)
            disk_line(&ins->disks[i], l->items[i], LIST_ITEM_MAX);
        l->count = ins->ndisks < LIST_MAX ? ins->ndisks : LIST_MAX;
        l->value = ins->c.disk >= 0 ? ins->c.disk : 0;
    }
    buttons(ins, true, "Next");
}

static void build_network(struct installer *ins)
{
    struct widget *d = win_add(ins->win, WK_CHECK, ID_DHCP, rect_make(M, 64, 400, 24),
                               "Get the address by DHCP");
    if (d)
        d->checked = ins->c.dhcp;
    label(ins, 100, 20, "Without DHCP, a static address:");
    field(ins, ID_ADDR, 128, "Address/prefix:", "address", ins->c.address);
    field(ins, ID_GW, 164, "Gateway:", "gateway", ins->c.gateway);
    field(ins, ID_HOST, 216, "Host name:", "hostname", ins->c.hostname);
    buttons(ins, true, "Next");
}

static void build_password(struct installer *ins)
{
    label(ins, 64, 40, "The administrator password unlocks the desktop and the\n"
                       "management API (hvctl). Type it twice.");
    struct widget *a = field(ins, ID_PASS1, 120, "Password:", "password", ins->c.password);
    struct widget *b = field(ins, ID_PASS2, 156, "Again:", "password again", ins->c.password);
    if (a)
        a->password = true;
    if (b)
        b->password = true;
    buttons(ins, true, "Next");
}

static void build_summary(struct installer *ins)
{
    char text[640], disk[LIST_ITEM_MAX] = "none", net[96];
    if (ins->c.disk >= 0 && ins->c.disk < ins->ndisks)
        disk_line(&ins->disks[ins->c.disk], disk, sizeof(disk));
    if (ins->c.dhcp)
        strlcpy(net, "DHCP", sizeof(net));
    else
        ksnprintf(net, sizeof(net), "%s%s%s", ins->c.address, ins->c.gateway[0] ? " via " : "",
                  ins->c.gateway);
    ksnprintf(text, sizeof(text),
              "Keyboard:   %s\nDisk:       %s\nNetwork:    %s\nHost name:  %s\n"
              "Password:   set", layout_names[ins->c.layout], disk, net, ins->c.hostname);
    label(ins, 64, 110, text);
    char what[160];
    ksnprintf(what, sizeof(what), "disk=%s layout=%s net=%s hostname=%s",
              ins->c.disk >= 0 ? ins->disks[ins->c.disk].name : "none",
              ins->c.layout == INST_LAYOUT_US ? "us" : "br-abnt2", ins->c.dhcp ? "dhcp" : net,
              ins->c.hostname);
    uilog("summary", what);
    char warn[160];
    const struct inst_disk *d = ins->c.disk >= 0 ? &ins->disks[ins->c.disk] : 0;
    ksnprintf(warn, sizeof(warn), "Warning: ALL DATA on %s (%s) will be erased.%s",
              d ? d->name : "?", d ? d->model : "?",
              d && d->boot ? "\nIt is the disk hv is running from." : "");
    struct widget *w = label(ins, 190, 44, warn);
    if (w)
        w->color = TH_ERROR;
    buttons(ins, true, "Install");
}

static void build_install(struct installer *ins)
{
    char text[96];
    const struct inst_disk *d = &ins->disks[ins->c.disk];
    ksnprintf(text, sizeof(text), "Writing hv to %s (%s) ...", d->name, d->model);
    label(ins, 64, 20, text);
    win_add(ins->win, WK_PROGRESS, ID_PROGRESS, rect_make(M, 96, content(ins).w - 2 * M, 26), "");
}

static void build_done(struct installer *ins)
{
    char text[256];
    ksnprintf(text, sizeof(text),
              "hv is installed on %s.\n\n"
              "Remove the installation disk and restart the machine\n"
              "(the recovery shell's \"reboot\" does that).",
              ins->disks[ins->c.disk].name);
    label(ins, 64, 100, text);
    struct rect c = content(ins);
    win_add(ins->win, WK_BUTTON, ID_SHELL,
            rect_make(c.w - M - 170, c.h - M - BTN_H, 170, BTN_H), "Recovery shell");
    ins->win->default_id = ID_SHELL;
}

static void show(struct installer *ins, enum inst_step s)
{
    static void (*const build[INST_STEPS])(struct installer *) = {
        build_welcome, build_keyboard, build_disk, build_network, build_password,
        build_summary, build_install, build_done,
    };
    char title[64];
    ins->step = s;
    win_clear(ins->win);
    if (s <= INST_SUMMARY)
        ksnprintf(title, sizeof(title), "hv installer - %s (%d of %d)", step_titles[s],
                  (int)s + 1, INST_SUMMARY + 1);
    else
        ksnprintf(title, sizeof(title), "hv installer - %s", step_titles[s]);
    win_set_title(ins->win, title);
    struct widget *h = win_add(ins->win, WK_LABEL, 0, rect_make(M, 14, content(ins).w - 2 * M, 36),
                               step_titles[s]);
    if (h)
        h->big = true;
    char name[32];
    ksnprintf(name, sizeof(name), "installer/%s", step_names[s]);
    uilog("screen", name);
    build[s](ins);
    /* The first control that takes input gets the focus. */
    for (int i = 0; i < ins->win->n; i++)
        if (widget_focusable(&ins->win->w[i]) && ins->win->w[i].kind != WK_BUTTON) {
            win_focus(ins->win, &ins->win->w[i]);
            return;
        }
    struct widget *next = win_find(ins->win, ID_NEXT);
    win_focus(ins->win, next ? next : win_find(ins->win, ID_BACK));
}

/* What the current step's widgets hold goes into the choices. */
static void save(struct installer *ins)
{
    struct window *w = ins->win;
    struct widget *x;
    switch (ins->step) {
    case INST_KEYBOARD:
        if ((x = win_find(w, ID_LIST)) && x->value >= 0)
            ins->c.layout = x->value;
        if (ins->be && ins->be->set_layout)
            ins->be->set_layout(ins->be->ctx, ins->c.layout);
        break;
    case INST_DISK:
        if ((x = win_find(w, ID_LIST)))
            ins->c.disk = x->value;
        break;
    case INST_NETWORK:
        if ((x = win_find(w, ID_DHCP)))
            ins->c.dhcp = x->checked;
        if ((x = win_find(w, ID_ADDR)))
            strlcpy(ins->c.address, x->text, sizeof(ins->c.address));
        if ((x = win_find(w, ID_GW)))
            strlcpy(ins->c.gateway, x->text, sizeof(ins->c.gateway));
        if ((x = win_find(w, ID_HOST)))
            strlcpy(ins->c.hostname, x->text, sizeof(ins->c.hostname));
        break;
    default:
        break;
    }
}

static void refuse(struct installer *ins, const char *why)
{
    uilog("refused", why);
    msgbox_open(ins->wm, "Cannot go on", why, 0, 0);
}

/* The step's checks; true when it may go on. */
static bool check(struct installer *ins)
{
    const char *why = 0;
    static char buf[160];
    switch (ins->step) {
    case INST_DISK:
        if (ins->ndisks == 0) {
            why = "There is no disk to install to.";
        } else if (ins->c.disk < 0 || ins->c.disk >= ins->ndisks) {
            why = "Choose a disk first.";
        } else if (ins->disks[ins->c.disk].bytes < INST_MIN_BYTES) {
            ksnprintf(buf, sizeof(buf), "The disk %s is too small: hv needs at least %lu MiB.",
                      ins->disks[ins->c.disk].name, (unsigned long)(INST_MIN_BYTES >> 20));
            why = buf;
        }
        break;
    case INST_NETWORK:
        why = installer_check_network(&ins->c);
        break;
    case INST_PASSWORD: {
        struct widget *a = win_find(ins->win, ID_PASS1), *b = win_find(ins->win, ID_PASS2);
        why = installer_check_password(a ? a->text : "", b ? b->text : "");
        if (why && b) {
            widget_set_text(b, "");      /* type it again */
            win_focus(ins->win, b);
        }
        if (!why && a)
            strlcpy(ins->c.password, a->text, sizeof(ins->c.password));
        break;
    }
    default:
        break;
    }
    if (why)
        refuse(ins, why);
    return !why;
}

static void install(struct installer *ins)
{
    char why[160];
    const struct inst_disk *d = &ins->disks[ins->c.disk];
    if (!ins->be) {
        refuse(ins, "Installing is not available in this build: nothing was written.");
        return;
    }
    uilog("install", d->name);
    if (ins->be->begin(ins->be->ctx, &ins->c, d, why, sizeof(why)) < 0) {
        refuse(ins, why);
        return;
    }
    ins->installing = true;
    ins->logged_pct = -1;
    show(ins, INST_INSTALL);
}

void installer_tick(struct installer *ins)
{
    if (!ins->installing)
        return;
    char why[160];
    int pct = ins->be->step(ins->be->ctx, why, sizeof(why));
    if (pct < 0) {
        ins->installing = false;
        uilog("install-failed", why);
        show(ins, INST_SUMMARY);
        msgbox_open(ins->wm, "Installation failed", why, 0, 0);
        return;
    }
    if (pct > 100)
        pct = 100;
    struct widget *p = win_find(ins->win, ID_PROGRESS);
    if (p && p->value != pct) {
        p->value = pct;
        p->dirty = true;
    }
    if (pct / 10 != ins->logged_pct) {
        char v[8];
        ins->logged_pct = pct / 10;
        ksnprintf(v, sizeof(v), "%d", pct);
        uilog("progress", v);
    }
    if (pct == 100) {
        ins->installing = false;
        uilog("installed", ins->disks[ins->c.disk].name);
        show(ins, INST_DONE);
    }
}

static void on_action(struct window *win, struct widget *w, void *ctx)
{
    struct installer *ins = ctx;
    (void)win;
    switch (w->id) {
    case ID_NEXT:
        save(ins);
        if (!check(ins))
            return;
        if (ins->step == INST_SUMMARY) {
            install(ins);
            return;
        }
        if (ins->step + 1 <= INST_SUMMARY)
            show(ins, ins->step + 1);
        break;
    case ID_BACK:
        save(ins);
        if (ins->step > INST_WELCOME && ins->step <= INST_SUMMARY)
            show(ins, ins->step - 1);
        break;
    case ID_SHELL:
        ins->quit = true;
        uilog("quit", "shell");
        break;
    default:
        break;
    }
}

bool installer_start(struct installer *ins, struct wm *wm, const struct inst_disk *disks,
                     int ndisks, const char *hostname, const struct inst_backend *be)
{
    memset(ins, 0, sizeof(*ins));
    ins->wm = wm;
    ins->be = be;
    if (ndisks > INST_MAX_DISKS)
        ndisks = INST_MAX_DISKS;
    for (int i = 0; i < ndisks; i++)
        ins->disks[i] = disks[i];
    ins->ndisks = ndisks;
    ins->c.layout = INST_LAYOUT_US;
    ins->c.dhcp = true;
    ins->c.disk = -1;
    /* The first disk that is not the one hv runs from, if any. */
    for (int i = 0; i < ndisks && ins->c.disk < 0; i++)
        if (!disks[i].boot)
            ins->c.disk = i;
    if (ins->c.disk < 0 && ndisks > 0)
        ins->c.disk = 0;
    strlcpy(ins->c.hostname, hostname ? hostname : "hv", sizeof(ins->c.hostname));
    /* 660x470, or the whole screen below the top bar when that is smaller. */
    int w = wm->back.w < WIN_W ? wm->back.w : WIN_W;
    int h = wm->back.h - TH_BAR_H < WIN_H ? wm->back.h - TH_BAR_H : WIN_H;
    ins->win = wm_open_centered(wm, w, h, "hv installer");
    if (!ins->win)
        return false;
    ins->win->on_action = on_action;
    ins->win->ctx = ins;
    show(ins, INST_WELCOME);
    return true;
}
