/*
 * The Settings tab: network, host name, keyboard layout and whether the
 * desktop starts after boot, saved to HV.CFG by the backend after the
 * installer's checks; and the way to the password change, reboot and
 * power off (each asked first).
 */
#include "gui/desk_priv.h"
#include "gui/installer.h"
#include "gui/msgbox.h"
#include "gui/uilog.h"
#include "lib/hvcfg.h"
#include "lib/kprintf.h"
#include "lib/string.h"

static const char *const layout_names[HVCFG_KBD_COUNT] = {
    [HVCFG_KBD_US] = "English (US)",
    [HVCFG_KBD_BR_ABNT2] = "Portuguese (Brazil, ABNT2)",
};

void desk_settings_build(struct desk *d)
{
    struct rect c = win_content(d->win);
    d->be->get_settings(d->be->ctx, &d->set);
    struct desk_settings *s = &d->set;
    int y = DTOP;
    struct widget *w = win_add(d->win, WK_CHECK, ID_DHCP, rect_make(DM, y, 400, 24),
                               "Get the address by DHCP");
    if (w) {
        w->checked = s->dhcp;
        strlcpy(w->name, "dhcp", sizeof(w->name));
    }
    desk_field(d, ID_ADDR, y += DROW, "Static address:", "address", s->address);
    desk_field(d, ID_GW, y += DROW, "Gateway:", "gateway", s->gateway);
    desk_field(d, ID_DNS, y += DROW, "DNS server:", "dns", s->dns);
    desk_field(d, ID_HOST, y += DROW, "Host name:", "hostname", s->hostname);
    y += DROW;
    desk_label(d, 0, DM, y + 4, 160, 20, "Keyboard:");
    for (int i = 0; i < HVCFG_KBD_COUNT; i++) {
        w = win_add(d->win, WK_RADIO, ID_LAYOUT + i, rect_make(DM + 170, y + 24 * i, 300, 22),
                    layout_names[i]);
        if (!w)
            continue;
        w->value = 1;                   /* one group: one layout */
        w->checked = i == (s->layout >= 0 && s->layout < HVCFG_KBD_COUNT ? s->layout : 0);
        ksnprintf(w->name, sizeof(w->name), "layout-%s", hvcfg_keyboard_name((uint32_t)i));
    }
    y += 24 * HVCFG_KBD_COUNT + 4;
    w = win_add(d->win, WK_CHECK, ID_DESKTOP, rect_make(DM, y, c.w - 2 * DM, 24),
                "Desktop after boot (off: headless, network only)");
    if (w) {
        w->checked = s->desktop;
        strlcpy(w->name, "desktop", sizeof(w->name));
    }
    y += DROW + 8;
    desk_button(d, ID_SAVE, DM, y, 90, "Save", 0);
    desk_button(d, ID_CHPW, DM + 98, y, 180, "Change password...", "Change password");
    desk_button(d, ID_REBOOT, DM + 286, y, 100, "Reboot...", "Reboot");
    desk_button(d, ID_POWEROFF, DM + 394, y, 120, "Power off...", "Power off");
    d->win->default_id = ID_SAVE;
}

static void text_of(struct desk *d, int id, char *out, unsigned len)
{
    struct widget *w = win_find(d->win, id);
    strlcpy(out, w ? w->text : "", len);
}

static void save(struct desk *d)
{
    struct desk_settings s = d->set;
    struct widget *w;
    if ((w = win_find(d->win, ID_DHCP)))
        s.dhcp = w->checked;
    if ((w = win_find(d->win, ID_DESKTOP)))
        s.desktop = w->checked;
    for (int i = 0; i < HVCFG_KBD_COUNT; i++)
        if ((w = win_find(d->win, ID_LAYOUT + i)) && w->checked)
            s.layout = i;
    text_of(d, ID_ADDR, s.address, sizeof(s.address));
    text_of(d, ID_GW, s.gateway, sizeof(s.gateway));
    text_of(d, ID_DNS, s.dns, sizeof(s.dns));
    text_of(d, ID_HOST, s.hostname, sizeof(s.hostname));
    const char *why = gui_check_hostname(s.hostname);
    if (!why && !s.dhcp)
        why = gui_check_address(s.address);
    if (!why)
        why = gui_check_gateway(s.gateway);
    if (!why)
        why = gui_check_dns(s.dns);
    if (why) {
        uilog("settings", "refused");
        desk_message(d, "Not saved", why);
        return;
    }
    char err[160] = "";
    if (d->be->save_settings(d->be->ctx, &s, err, sizeof(err)) < 0) {
        uilog("settings", "error");
        desk_message(d, "Not saved", err[0] ? err : "The settings could not be saved.");
        return;
    }
    d->set = s;
    uilog("settings", "saved");
    desk_message(d, "Saved", "Saved. Network changes apply at the next boot.");
}

static void answered(void *ctx, bool yes)
{
    struct desk *d = ctx;
    int what = d->ask;
    d->ask = 0;
    if (!yes)
        return;
    if (what == ID_REBOOT) {
        uilog("power", "reboot");
        d->be->reboot(d->be->ctx);
    } else if (what == ID_POWEROFF) {
        uilog("power", "off");
        d->be->poweroff(d->be->ctx);
    }
}

void desk_settings_action(struct desk *d, struct widget *w)
{
    switch (w->id) {
    case ID_SAVE:
        save(d);
        break;
    case ID_CHPW:
        desk_show(d, DS_PASSWORD);
        break;
    case ID_REBOOT:
        d->ask = ID_REBOOT;
        msgbox_ask(d->wm, "Reboot", "Restart the machine now?\n"
                   "Running VMs are asked to shut down first.", "Yes", "No", answered, d);
        break;
    case ID_POWEROFF:
        d->ask = ID_POWEROFF;
        msgbox_ask(d->wm, "Power off", "Turn the machine off now?\n"
                   "Running VMs are asked to shut down first.", "Yes", "No", answered,
                   d);
        break;
    default:
        break;
    }
}
