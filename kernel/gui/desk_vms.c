/* The VMs tab: the list (name, state, memory) refreshed once a second,
 * and the operations on the chosen VM; a failure is a message box with
 * the backend's sentence. */
#include "gui/desk_priv.h"
#include "gui/msgbox.h"
#include "gui/uilog.h"
#include "lib/kprintf.h"
#include "lib/string.h"

static void vm_line(const struct desk_vm *v, char *out, unsigned len)
{
    ksnprintf(out, len, "%-24.24s %-10.10s %6u MiB%s", v->name, v->state, v->memory_mib,
              v->autostart ? "  autostart" : "");
}

/* Fills the list from the backend, keeping the chosen VM chosen. */
static void fill(struct desk *d, struct widget *l)
{
    char was[32] = "";
    int old = l->value;
    if (old >= 0 && old < d->nvms)
        strlcpy(was, d->vms[old].name, sizeof(was));
    int n = d->be->vms(d->be->ctx, d->vms, DESK_MAX_VMS);
    d->nvms = n < 0 ? 0 : n > LIST_MAX ? LIST_MAX : n;
    int sel = -1;
    for (int i = 0; i < d->nvms; i++) {
        char line[LIST_ITEM_MAX];
        vm_line(&d->vms[i], line, sizeof(line));
        if (i >= l->count || strcmp(line, l->items[i]) != 0) {
            strlcpy(l->items[i], line, LIST_ITEM_MAX);
            l->dirty = true;
        }
        if (was[0] && strcmp(d->vms[i].name, was) == 0)
            sel = i;
    }
    if (sel < 0 && d->nvms > 0)
        sel = old < 0 ? 0 : old < d->nvms ? old : d->nvms - 1;
    if (l->count != d->nvms || l->value != sel)
        l->dirty = true;
    l->count = d->nvms;
    l->value = sel;
    if (sel >= 0 && l->top > sel)
        l->top = sel;
}

/* The column titles, or what to do when there is nothing to list. */
static void heading(struct desk *d)
{
    char head[LIST_ITEM_MAX];
    if (d->nvms)
        ksnprintf(head, sizeof(head), "%-24s %-10s %10s", "Name", "State", "Memory");
    else
        strlcpy(head, "No VMs are defined: hvctl vm create makes one.", sizeof(head));
    desk_set_text(win_find(d->win, ID_VM_HEAD), head);
}

void desk_vms_build(struct desk *d)
{
    struct rect c = win_content(d->win);
    desk_label(d, ID_VM_HEAD, DM + 6, DTOP, c.w - 2 * DM, 20, "");
    int by = c.h - DM - DBTN_H;
    struct widget *l = win_add(d->win, WK_LIST, ID_VMLIST,
                               rect_make(DM, DTOP + 22, c.w - 2 * DM, by - DM - DTOP - 22), "");
    if (l) {
        strlcpy(l->name, "vms", sizeof(l->name));
        fill(d, l);
    }
    static const char *const caps[] = { "Start", "Shut down", "Stop", "Reset", "Console" };
    static const int widths[] = { 90, 104, 80, 80, 100 };
    for (int i = 0, x = DM; i < 5; x += widths[i++] + 8)
        desk_button(d, ID_VM_START + i, x, by, widths[i], caps[i], 0);
    d->win->default_id = ID_VM_CONSOLE;
    heading(d);
}

void desk_vms_refresh(struct desk *d)
{
    struct widget *l = win_find(d->win, ID_VMLIST);
    if (l)
        fill(d, l);
    heading(d);
}

static const struct desk_vm *chosen(struct desk *d)
{
    struct widget *l = win_find(d->win, ID_VMLIST);
    if (d->nvms == 0) {
        desk_message(d, "No VM", "There are no VMs.");
        return 0;
    }
    if (!l || l->value < 0 || l->value >= d->nvms) {
        desk_message(d, "No VM", "Choose a VM in the list first.");
        return 0;
    }
    return &d->vms[l->value];
}

void desk_vms_action(struct desk *d, struct widget *w)
{
    static const char *const ops[] = { "start", "shutdown", "stop", "reset" };
    static const enum desk_vm_op codes[] = { DESK_VM_START, DESK_VM_SHUTDOWN, DESK_VM_STOP,
                                             DESK_VM_RESET };
    if (w->id < ID_VM_START || w->id > ID_VM_CONSOLE)
        return;
    const struct desk_vm *v = chosen(d);
    if (!v)
        return;
    char name[32];
    strlcpy(name, v->name, sizeof(name));
    if (w->id == ID_VM_CONSOLE) {
        desk_console_open(d, name);
        return;
    }
    int k = w->id - ID_VM_START;
    char why[160] = "", line[96];
    int r = d->be->vm_op(d->be->ctx, name, codes[k], why, sizeof(why));
    ksnprintf(line, sizeof(line), "%s op=%s result=%s", name, ops[k], r < 0 ? "error" : "ok");
    uilog("vm", line);
    desk_vms_refresh(d);
    if (r < 0)
        desk_message(d, "Not done", why[0] ? why : "The operation failed.");
}
