/* The configuration interface (kernel/gui/desk*.c) driven by keys and the
 * mouse on a screen in memory, with a fake backend: a clock, VMs with
 * console output, a password, settings and a kernel log. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "gui_fake.h"
#include "gui/desk.h"
#include "gui/desk_text.h"
#include "gui/keys.h"
#include "gui/msgbox.h"
#include "gui/theme.h"
#include "lib/hvcfg.h"
#include "dev/mouse_packet.h"

/* --- the fake backend -------------------------------------------------------- */

static uint64_t now;
static char password[96];
static int checks;                      /* check_password calls */
static struct desk_vm vms[6];
static int nvms;
static const char *console_out[6];      /* each VM's serial output so far */
static char typed[256];
static size_t ntyped;
static struct desk_settings settings, saved;
static int saves;
static const char *save_error;
static int reboots, poweroffs;
static char logtext[4096];
static char new_password[96];
static uint64_t ticks_host;             /* host() calls */

static void be_host(void *ctx, struct desk_host *h)
{
    (void)ctx;
    ticks_host++;
    memset(h, 0, sizeof(*h));
    strcpy(h->hostname, "hv1");
    strcpy(h->version, "0.9");
    strcpy(h->backend, "AMD-V (SVM+NPT)");
    h->cpus = 2;
    h->mem_total = 4ull << 30;
    h->mem_free = 3ull << 30;
    h->uptime_ms = now;
    strcpy(h->ipv4, "10.0.2.15");
    strcpy(h->ipv6, "fe80::5054:ff:fe12:3456");
    h->vms_defined = (unsigned)nvms;
    for (int i = 0; i < nvms; i++)
        h->vms_running += strcmp(vms[i].state, "running") == 0;
}

static int be_vms(void *ctx, struct desk_vm *out, int max)
{
    (void)ctx;
    int n = nvms < max ? nvms : max;
    memcpy(out, vms, sizeof(vms[0]) * (size_t)n);
    return n;
}

static int find_vm(const char *name)
{
    for (int i = 0; i < nvms; i++)
        if (strcmp(vms[i].name, name) == 0)
            return i;
    return -1;
}

static int be_vm_op(void *ctx, const char *vm, enum desk_vm_op op, char *why, unsigned len)
{
    (void)ctx;
    int i = find_vm(vm);
    if (i < 0 || (op == DESK_VM_START && strcmp(vms[i].state, "running") == 0)) {
        snprintf(why, len, "%s: the VM is already running.", vm);
        return -1;
    }
    strcpy(vms[i].state, op == DESK_VM_START || op == DESK_VM_RESET ? "running" : "stopped");
    return 0;
}

static size_t be_vm_console(void *ctx, const char *vm, uint64_t *off, char *buf, size_t len)
{
    (void)ctx;
    int i = find_vm(vm);
    const char *s = i >= 0 && console_out[i] ? console_out[i] : "";
    size_t total = strlen(s);
    if (*off >= total)
        return 0;
    size_t n = total - *off < len ? total - *off : len;
    memcpy(buf, s + *off, n);
    *off += n;
    return n;
}

static int be_vm_type(void *ctx, const char *vm, const char *s, size_t n, char *why, unsigned len)
{
    (void)ctx;
    int i = find_vm(vm);
    if (i < 0 || strcmp(vms[i].state, "running") != 0) {
        snprintf(why, len, "%s: the VM is not running.", vm);
        return -1;
    }
    memcpy(typed + ntyped, s, n);
    ntyped += n;
    return 0;
}

static bool be_check_password(void *ctx, const char *pw)
{
    (void)ctx;
    checks++;
    return strcmp(pw, password) == 0;
}

static int be_set_password(void *ctx, const char *pw, char *why, unsigned len)
{
    (void)ctx;
    (void)why;
    (void)len;
    strcpy(new_password, pw);
    strcpy(password, pw);
    return 0;
}

static void be_get_settings(void *ctx, struct desk_settings *out)
{
    (void)ctx;
    *out = settings;
}

static int be_save_settings(void *ctx, const struct desk_settings *s, char *why, unsigned len)
{
    (void)ctx;
    if (save_error) {
        snprintf(why, len, "%s", save_error);
        return -1;
    }
    saves++;
    saved = *s;
    settings = *s;
    return 0;
}

static size_t be_log_read(void *ctx, uint64_t *pos, char *buf, size_t len)
{
    (void)ctx;
    size_t total = strlen(logtext);
    if (*pos >= total)
        return 0;
    size_t n = total - *pos < len ? total - *pos : len;
    memcpy(buf, logtext + *pos, n);
    *pos += n;
    return n;
}

static void be_reboot(void *ctx)
{
    (void)ctx;
    reboots++;
}

static void be_poweroff(void *ctx)
{
    (void)ctx;
    poweroffs++;
}

static uint64_t be_now(void *ctx)
{
    (void)ctx;
    return now;
}

static const struct desk_backend be = {
    be_host, be_vms, be_vm_op, be_vm_console, be_vm_type, be_check_password, be_set_password,
    be_get_settings, be_save_settings, be_log_read, be_reboot, be_poweroff, be_now, 0,
};

static void vm(int i, const char *name, const char *state, unsigned mib)
{
    memset(&vms[i], 0, sizeof(vms[i]));
    strcpy(vms[i].name, name);
    strcpy(vms[i].state, state);
    vms[i].memory_mib = mib;
}

static void reset_backend(void)
{
    now = 5000;
    strcpy(password, "correct horse");
    checks = 0;
    nvms = 3;
    vm(0, "web", "stopped", 512);
    vm(1, "db", "running", 1024);
    vm(2, "mail", "running", 256);
    memset(console_out, 0, sizeof(console_out));
    ntyped = 0;
    memset(typed, 0, sizeof(typed));
    memset(&settings, 0, sizeof(settings));
    settings.dhcp = true;
    strcpy(settings.hostname, "hv1");
    settings.layout = HVCFG_KBD_US;
    settings.desktop = true;
    memset(&saved, 0, sizeof(saved));
    saves = 0;
    save_error = 0;
    reboots = poweroffs = 0;
    strcpy(logtext, "hv: boot\nhv: ready\n");
    new_password[0] = 0;
}

/* --- helpers -------------------------------------------------------------------- */

static void type(struct wm *wm, const char *s)
{
    for (; *s; s++)
        wm_key(wm, *s == '\n' ? KEY_ENTER : *s == '\t' ? KEY_TAB : (unsigned char)*s);
    wm_compose(wm);
}

static struct window *window_titled(struct wm *wm, const char *prefix)
{
    for (int i = 0; i < wm->nz; i++)
        if (strncmp(wm->z[i]->title, prefix, strlen(prefix)) == 0)
            return wm->z[i];
    return 0;
}

static struct widget *named(struct window *win, const char *name)
{
    for (int i = 0; win && i < win->n; i++)
        if (strcmp(win->w[i].name, name) == 0)
            return &win->w[i];
    return 0;
}

static struct widget *label_with(struct window *win, const char *part)
{
    for (int i = 0; win && i < win->n; i++)
        if (win->w[i].kind == WK_LABEL && strstr(win->w[i].text, part))
            return &win->w[i];
    return 0;
}

/* Presses a control with the keyboard: focus, then Enter (Space for a box). */
static void press(struct wm *wm, const char *name)
{
    struct window *win = wm->modal ? wm->modal : wm_top(wm);
    struct widget *w = named(win, name);
    assert_non_null(w);
    win_focus(win, w);
    wm_key(wm, w->kind == WK_CHECK || w->kind == WK_RADIO ? ' ' : KEY_ENTER);
    wm_compose(wm);
}

/* Clicks where the "ui: at=" line says the control is, as a system test
 * would. */
static void click_at(struct wm *wm, const char *what)
{
    char want[80];
    snprintf(want, sizeof(want), "ui: at=%s ", what);
    const char *p = 0, *q = fake_log;
    while ((q = strstr(q, want)))        /* the last one: the newest layout */
        p = q++;
    assert_non_null(p);
    int x, y;
    assert_int_equal(sscanf(p + strlen(want), "%d,%d", &x, &y), 2);
    wm_mouse(wm, x - wm->mx, y - wm->my, MOUSE_LEFT);
    wm_mouse(wm, 0, 0, 0);
    wm_compose(wm);
}

static struct desk *start(struct wm **wmp, int w, int h)
{
    reset_backend();
    *wmp = fake_wm(w, h);
    struct desk *d = desk_start(*wmp, &be);
    assert_non_null(d);
    wm_compose(*wmp);
    assert_true(fake_log_has("ui: screen=desk/lock"));
    return d;
}

static struct desk *unlocked(struct wm **wmp)
{
    struct desk *d = start(wmp, 1024, 768);
    type(*wmp, "correct horse\n");
    assert_true(fake_log_has("ui: unlock=ok"));
    return d;
}

static void finish(struct desk *d, struct wm *wm)
{
    desk_destroy(d);
    fake_wm_free(wm);
}

/* --- the lock screen -------------------------------------------------------------- */

static void test_lock_screen(void **state)
{
    (void)state;
    struct wm *wm;
    struct desk *d = start(&wm, 1024, 768);
    struct window *lock = window_titled(wm, "hv - hv1");
    assert_non_null(lock);
    assert_string_equal(lock->title, "hv - hv1");
    assert_true(fake_log_has("ui: window=hv - hv1"));
    assert_non_null(label_with(lock, "Manage it with hvctl at 10.0.2.15"));
    assert_non_null(label_with(lock, "hv 0.9"));
    assert_true(fake_log_has("ui: focus=text:password"));
    assert_true(named(lock, "password")->password);
    /* centred, and the Unlock button where the log says */
    assert_int_equal(lock->r.x, (1024 - lock->r.w) / 2);
    struct widget *u = named(lock, "Unlock");
    struct rect c = win_content(lock);
    char line[80];
    snprintf(line, sizeof(line), "ui: at=button:Unlock %d,%d", lock->r.x + c.x + u->r.x + u->r.w / 2,
             lock->r.y + c.y + u->r.y + u->r.h / 2);
    assert_true(fake_log_has(line));
    /* wrong, then right */
    type(wm, "nope\n");
    assert_true(fake_log_has("ui: unlock=refused"));
    assert_true(fake_log_has("ui: message=Wrong password."));
    assert_string_equal(named(lock, "password")->text, "");
    type(wm, "\n");                                  /* OK: the box closes */
    assert_null(wm->modal);
    assert_ptr_equal(win_focused(lock), named(lock, "password"));
    type(wm, "correct horse");
    click_at(wm, "button:Unlock");
    assert_true(fake_log_has("ui: click=button:Unlock"));
    assert_true(fake_log_has("ui: unlock=ok"));
    assert_true(fake_log_has("ui: screen=desk/host"));
    assert_null(strstr(fake_log, "horse"));           /* never logged */
    assert_null(strstr(fake_log, "nope"));
    wm_compose(wm);
    assert_int_equal(wm->nz, 1);                     /* the lock window went */
    assert_string_equal(wm_top(wm)->title, "hv - hv1 - Host");
    finish(d, wm);
}

static void test_lock_throttle(void **state)
{
    (void)state;
    struct wm *wm;
    struct desk *d = start(&wm, 1024, 768);
    for (int i = 0; i < 4; i++)
        type(wm, "x\n\n");                           /* a try, and OK */
    fake_reset();
    type(wm, "x\n");
    assert_true(fake_log_has("ui: unlock=refused"));
    assert_non_null(strstr(fake_log, "ui: message=Wrong password. That was 5 wrong in a row: "
                                     "wait 30 seconds before the next try."));
    type(wm, "\n");
    assert_int_equal(checks, 5);
    now += 10000;
    fake_reset();
    type(wm, "correct horse\n");                     /* even the right one waits */
    assert_true(fake_log_has("ui: unlock=wait"));
    assert_true(fake_log_has("ui: message=Too many wrong passwords. Wait 20 seconds, then try "
                             "again."));
    assert_int_equal(checks, 5);                     /* not even checked */
    type(wm, "\n");
    now += 20000;
    type(wm, "correct horse\n");
    assert_true(fake_log_has("ui: unlock=ok"));
    finish(d, wm);
}

/* --- the host panel ------------------------------------------------------------------ */

static void test_host_panel_refresh(void **state)
{
    (void)state;
    struct wm *wm;
    struct desk *d = unlocked(&wm);
    struct window *win = wm_top(wm);
    assert_string_equal(win->title, "hv - hv1 - Host");
    assert_true(named(win, "Host")->checked);        /* the tab shown is marked */
    assert_false(named(win, "VMs")->checked);
    assert_non_null(label_with(win, "Host name:       hv1"));
    assert_non_null(label_with(win, "CPUs:            2"));
    assert_non_null(label_with(win, "Memory:          4.0 GiB total, 3.0 GiB free"));
    assert_non_null(label_with(win, "IPv4 address:    10.0.2.15"));
    assert_non_null(label_with(win, "IPv6 address:    fe80::5054:ff:fe12:3456"));
    assert_non_null(label_with(win, "Virtualization:  AMD-V (SVM+NPT)"));
    assert_non_null(label_with(win, "VMs:             2 running, 3 defined"));
    assert_non_null(label_with(win, "Uptime:          00:00:05"));
    /* the main window sits under the top bar */
    assert_true(win->r.y >= TH_BAR_H);
    assert_true(win->r.y + win->r.h <= 768);
    /* half a second: nothing asked; a second: only the uptime repainted */
    now += 500;
    desk_tick(d);
    uint64_t asked = ticks_host;
    now += 500;
    desk_tick(d);
    assert_int_equal(ticks_host, asked + 1);
    struct widget *up = label_with(win, "Uptime:");
    assert_string_equal(up->text, "Uptime:          00:00:06");
    for (int i = 0; i < win->n; i++)
        assert_int_equal(win->w[i].dirty, &win->w[i] == up);
    wm_compose(wm);
    now += 86400000ull + 3600000;
    desk_input(d);
    desk_tick(d);
    assert_string_equal(up->text, "Uptime:          1 d 01:00:06");
    finish(d, wm);
}

/* --- VMs --------------------------------------------------------------------------------- */

static void test_vms_ops(void **state)
{
    (void)state;
    struct wm *wm;
    struct desk *d = unlocked(&wm);
    fake_reset();
    press(wm, "VMs");
    assert_true(fake_log_has("ui: screen=desk/vms"));
    assert_true(fake_log_has("ui: focus=list:vms"));
    struct window *win = wm_top(wm);
    struct widget *l = named(win, "vms");
    assert_int_equal(l->count, 3);
    assert_int_equal(l->value, 0);
    assert_non_null(strstr(l->items[0], "web"));
    assert_non_null(strstr(l->items[0], "stopped"));
    assert_non_null(strstr(l->items[0], "512 MiB"));
    assert_non_null(label_with(win, "Name                     State          Memory"));
    assert_non_null(strstr(fake_log, "ui: at=button:Shut down "));
    /* a row clicked where the log says: chosen */
    click_at(wm, "row:vms/mail");
    assert_int_equal(l->value, 2);
    assert_true(fake_log_has("ui: select=mail                     running       256 MiB"));
    click_at(wm, "row:vms/web");
    assert_int_equal(l->value, 0);
    /* Start web */
    press(wm, "Start");
    assert_true(fake_log_has("ui: vm=web op=start result=ok"));
    assert_non_null(strstr(l->items[0], "running"));
    /* again: the backend refuses, in words */
    fake_reset();
    press(wm, "Start");
    assert_true(fake_log_has("ui: vm=web op=start result=error"));
    assert_true(fake_log_has("ui: message=web: the VM is already running."));
    type(wm, "\n");
    /* the state column follows the backend each second, the choice stays */
    wm_key(wm, KEY_TAB);
    win_focus(win, l);
    wm_key(wm, KEY_DOWN);
    assert_non_null(strstr(fake_log, "ui: select=db                       running      1024 MiB\n"));
    strcpy(vms[1].state, "paused");
    now += 1000;
    desk_tick(d);
    assert_int_equal(l->value, 1);
    assert_non_null(strstr(l->items[1], "paused"));
    /* the list changes under the choice: it follows the VM's name */
    vms[0] = vms[1];
    vm(1, "new", "stopped", 64);
    now += 1000;
    desk_tick(d);
    assert_int_equal(l->value, 0);
    press(wm, "Stop");
    assert_true(fake_log_has("ui: vm=db op=stop result=ok"));
    press(wm, "Reset");
    assert_true(fake_log_has("ui: vm=db op=reset result=ok"));
    press(wm, "Shut down");
    assert_true(fake_log_has("ui: vm=db op=shutdown result=ok"));
    /* no VMs at all */
    nvms = 0;
    now += 1000;
    desk_tick(d);
    fake_reset();
    assert_non_null(label_with(win, "No VMs are defined: hvctl vm create makes one."));
    press(wm, "Start");
    assert_true(fake_log_has("ui: message=There are no VMs."));
    assert_null(strstr(fake_log, "ui: vm="));
    finish(d, wm);
}

/* --- consoles ---------------------------------------------------------------------------- */

static const char *view_text(struct window *win)
{
    static char s[DESK_TEXT_MAX + 1];
    for (int i = 0; i < win->n; i++)
        if (win->w[i].kind == WK_VIEW) {
            memcpy(s, win->w[i].view, (size_t)win->w[i].view_len);
            s[win->w[i].view_len] = 0;
            return s;
        }
    return 0;
}

static void test_console(void **state)
{
    (void)state;
    struct wm *wm;
    struct desk *d = unlocked(&wm);
    press(wm, "VMs");
    win_focus(wm_top(wm), named(wm_top(wm), "vms"));
    wm_key(wm, KEY_DOWN);                            /* db, running */
    console_out[1] = "Booting\r\nlogin: \033[1mroot\033[0m\b\bot\r\n";
    fake_reset();
    press(wm, "Console");
    assert_true(fake_log_has("ui: console=db open"));
    assert_true(fake_log_has("ui: window=Console: db"));
    struct window *con = window_titled(wm, "Console: db");
    assert_ptr_equal(wm_top(wm), con);
    assert_non_null(strstr(fake_log, "ui: at=button:Close db "));
    assert_string_equal(view_text(con), "Booting\nlogin: root\n");
    /* more output arrives on the tick */
    console_out[1] = "Booting\r\nlogin: \033[1mroot\033[0m\b\bot\r\n# ";
    desk_tick(d);
    assert_string_equal(view_text(con), "Booting\nlogin: root\n# ");
    /* keys go to the VM */
    wm_key(wm, 'l');
    wm_key(wm, 's');
    wm_key(wm, 0xE7);
    wm_key(wm, KEY_BACKSPACE);
    wm_key(wm, KEY_ENTER);
    wm_key(wm, KEY_UP);
    assert_int_equal(ntyped, 8);
    assert_memory_equal(typed, "ls\xe7\x7f\r\033[A", 8);
    /* typed at a stopped VM: said in words */
    strcpy(vms[1].state, "stopped");
    fake_reset();
    wm_key(wm, 'x');
    assert_true(fake_log_has("ui: message=db: the VM is not running."));
    type(wm, "\n");
    strcpy(vms[1].state, "running");
    /* a second open raises it; the main window can be on top meanwhile */
    struct window *main = window_titled(wm, "hv - hv1");
    wm_raise(wm, main);
    fake_reset();
    press(wm, "Console");
    assert_true(fake_log_has("ui: raise=Console: db"));
    assert_false(fake_log_has("ui: console=db open"));
    assert_ptr_equal(wm_top(wm), con);
    /* Esc closes it */
    fake_reset();
    wm_key(wm, KEY_ESC);
    wm_compose(wm);
    assert_true(fake_log_has("ui: console=db close"));
    assert_null(window_titled(wm, "Console: db"));
    /* at most four; the Close button works with the mouse */
    nvms = 6;
    vm(3, "a", "running", 64);
    vm(4, "b", "running", 64);
    vm(5, "c", "running", 64);
    main = wm_top(wm);
    struct widget *l = named(main, "vms");
    now += 1000;
    desk_tick(d);
    assert_int_equal(l->count, 6);
    for (int i = 0; i < 4; i++) {
        wm_raise(wm, main);
        l->value = i;
        press(wm, "Console");
    }
    assert_int_equal(wm->nz, 5);
    wm_raise(wm, main);
    l->value = 4;
    fake_reset();
    press(wm, "Console");
    assert_true(fake_log_has("ui: message=At most 4 consoles can be open: close one first."));
    type(wm, "\n");
    fake_reset();
    struct window *top = window_titled(wm, "Console: mail");
    wm_raise(wm, top);
    wm_compose(wm);
    win_log_buttons(top);
    click_at(wm, "button:Close mail");
    assert_true(fake_log_has("ui: console=mail close"));
    assert_int_equal(wm->nz, 4);
    finish(d, wm);
}

/* --- the text tail -------------------------------------------------------------------------- */

static void test_textbuf(void **state)
{
    (void)state;
    static char buf[64];
    struct textbuf t;
    textbuf_init(&t, buf, sizeof(buf));
#define FEED(s) textbuf_feed(&t, s, sizeof(s) - 1)
    FEED("a\r");
    FEED("\nprogress 10%\rprogress 20%\r");          /* CR LF split; lone CRs rewrite */
    FEED("\n\033[");
    FEED("31mred\033[0m\033]0;title\007\033(Bx\x01\x85\xe7\tz\n");
    buf[t.len] = 0;
    assert_int_equal(t.len, (int)strlen("a\nprogress 20%\nredx\xe7   z\n"));
    assert_memory_equal(buf, "a\nprogress 20%\nredx\xe7   z\n", (size_t)t.len);
    assert_false(FEED("\033[2J"));                  /* nothing shown changed */
    assert_true(FEED("ab\b"));
    assert_int_equal(buf[t.len - 1], 'a');
    /* past the cap the oldest lines go, whole */
    for (int i = 0; i < 20; i++)
        FEED("line\n");
    assert_true(t.len <= 64);
    assert_true(t.len > 0);
    assert_int_equal(memcmp(buf, "line\n", 5), 0);
    assert_int_equal(buf[t.len - 1], '\n');
#undef FEED
}

static void test_view_paints_tail(void **state)
{
    (void)state;
    struct wm *wm = fake_wm(320, 240);
    struct window *win = wm_open(wm, rect_make(0, 0, 200, 120), "v");
    /* 8x16 cells: 20 columns, 5 rows in 180x86 after the padding */
    struct widget *v = win_add(win, WK_VIEW, 1, rect_make(0, 0, 180, 86), "");
    static const char text[] = "one\ntwo\nthree\nfour\nfive\nsix\nseven long line wrapped x\nX";
    v->view = text;
    v->view_len = (int)strlen(text);
    wm_compose(wm);
    struct rect c = win_content(win);
    int x0 = c.x + 6, y0 = c.y + 3;
    /* rows: six, "seven long line wrap", "ped x", X -- and "four", "five" before them */
    assert_int_equal(fake_px(x0 + 1, y0 + 1), TH_TEXT);              /* 'f' of five */
    assert_int_equal(fake_px(x0 + 4 * 8 + 1, y0 + 1), TH_FIELD);     /* after "five" */
    assert_int_equal(fake_px(x0 + 19 * 8 + 1, y0 + 2 * 16 + 1), TH_TEXT);  /* 20th column */
    assert_int_equal(fake_px(x0 + 1, y0 + 4 * 16 + 1), TH_TEXT);     /* X on the last row */
    assert_int_equal(fake_px(x0 + 8 + 1, y0 + 4 * 16 + 1), TH_FIELD);
    fake_wm_free(wm);
}

/* --- settings, power, password ---------------------------------------------------------------- */

static void set_field(struct wm *wm, const char *name, const char *text)
{
    struct widget *w = named(wm_top(wm), name);
    assert_non_null(w);
    widget_set_text(w, text);
}

static void test_settings(void **state)
{
    (void)state;
    struct wm *wm;
    struct desk *d = unlocked(&wm);
    fake_reset();
    press(wm, "Settings");
    assert_true(fake_log_has("ui: screen=desk/settings"));
    assert_true(fake_log_has("ui: focus=check:dhcp"));
    struct window *win = wm_top(wm);
    assert_string_equal(named(win, "hostname")->text, "hv1");
    assert_true(named(win, "dhcp")->checked);
    assert_true(named(win, "desktop")->checked);
    assert_non_null(strstr(fake_log, "ui: at=button:Power off "));
    /* refusals in words; nothing saved */
    set_field(wm, "hostname", "");
    fake_reset();
    press(wm, "Save");
    assert_true(fake_log_has("ui: settings=refused"));
    assert_true(fake_log_has("ui: message=The host name must not be empty."));
    type(wm, "\n");
    set_field(wm, "hostname", "box-2");
    press(wm, "dhcp");                               /* off: static */
    set_field(wm, "address", "10.0.0.300/24");
    fake_reset();
    press(wm, "Save");
    assert_true(fake_log_has("ui: message=The static address must look like 192.168.1.20/24."));
    type(wm, "\n");
    set_field(wm, "address", "10.0.0.5/24");
    set_field(wm, "gateway", "10.0.0");
    press(wm, "Save");
    assert_true(fake_log_has("ui: message=The gateway must be an address like 192.168.1.1 "
                             "(or empty)."));
    type(wm, "\n");
    set_field(wm, "gateway", "10.0.0.1");
    set_field(wm, "dns", "dns.example");
    press(wm, "Save");
    assert_true(fake_log_has("ui: message=The DNS server must be an address like 192.168.1.1 "
                             "(or empty)."));
    type(wm, "\n");
    assert_int_equal(saves, 0);
    /* right: saved, with the layout and the desktop box */
    set_field(wm, "dns", "10.0.0.53");
    assert_true(named(win, "layout-us")->checked);
    press(wm, "layout-br-abnt2");
    assert_true(fake_log_has("ui: press=radio:layout-br-abnt2"));
    assert_false(named(win, "layout-us")->checked);     /* one of the group */
    press(wm, "desktop");
    fake_reset();
    press(wm, "Save");
    assert_true(fake_log_has("ui: settings=saved"));
    assert_true(fake_log_has("ui: message=Saved. Network changes apply at the next boot."));
    assert_int_equal(saves, 1);
    assert_false(saved.dhcp);
    assert_string_equal(saved.address, "10.0.0.5/24");
    assert_string_equal(saved.gateway, "10.0.0.1");
    assert_string_equal(saved.dns, "10.0.0.53");
    assert_string_equal(saved.hostname, "box-2");
    assert_int_equal(saved.layout, HVCFG_KBD_BR_ABNT2);
    assert_false(saved.desktop);
    type(wm, "\n");
    /* the backend fails: said, and logged as an error */
    save_error = "Nothing was saved: the boot partition is read-only.";
    fake_reset();
    press(wm, "Save");
    assert_true(fake_log_has("ui: settings=error"));
    assert_true(fake_log_has("ui: message=Nothing was saved: the boot partition is read-only."));
    type(wm, "\n");
    /* shown again: what was saved */
    press(wm, "Host");
    press(wm, "Settings");
    win = wm_top(wm);
    assert_string_equal(named(win, "hostname")->text, "box-2");
    assert_true(named(win, "layout-br-abnt2")->checked);
    assert_false(named(win, "layout-us")->checked);
    finish(d, wm);
}

static void test_power(void **state)
{
    (void)state;
    struct wm *wm;
    struct desk *d = unlocked(&wm);
    press(wm, "Settings");
    fake_reset();
    press(wm, "Reboot");
    assert_true(fake_log_has("ui: message=Restart the machine now? Running VMs are asked to "
                             "shut down first."));
    assert_true(fake_log_has("ui: focus=button:No"));
    type(wm, "\n");                                  /* No is focused */
    assert_int_equal(reboots, 0);
    assert_false(fake_log_has("ui: power=reboot"));
    press(wm, "Reboot");
    wm_key(wm, KEY_ESC);                             /* Esc is No */
    assert_int_equal(reboots, 0);
    press(wm, "Reboot");
    click_at(wm, "button:Yes");
    assert_true(fake_log_has("ui: power=reboot"));
    assert_int_equal(reboots, 1);
    press(wm, "Power off");
    wm_key(wm, KEY_LEFT);                            /* to Yes */
    type(wm, "\n");
    assert_true(fake_log_has("ui: power=off"));
    assert_int_equal(poweroffs, 1);
    finish(d, wm);
}

static void test_password_change(void **state)
{
    (void)state;
    struct wm *wm;
    struct desk *d = unlocked(&wm);
    press(wm, "Settings");
    fake_reset();
    press(wm, "Change password");
    assert_true(fake_log_has("ui: screen=desk/password"));
    assert_true(fake_log_has("ui: focus=text:current"));
    type(wm, "wrong\tlongenough\tlongenough\n");
    assert_true(fake_log_has("ui: password=refused"));
    assert_true(fake_log_has("ui: message=The current password is wrong."));
    type(wm, "\n");
    assert_true(fake_log_has("ui: focus=text:current"));
    fake_reset();
    type(wm, "correct horse\tlongenough\tlongenougH\n");
    assert_true(fake_log_has("ui: message=The two passwords do not match."));
    type(wm, "\n");
    assert_true(fake_log_has("ui: focus=text:new"));
    fake_reset();
    type(wm, "short\tshort\n");
    assert_true(fake_log_has("ui: message=The password must be at least 8 characters long."));
    type(wm, "\n");
    assert_int_equal(new_password[0], 0);
    fake_reset();
    type(wm, "longenough\tlongenough\n");
    assert_true(fake_log_has("ui: password=changed"));
    assert_string_equal(new_password, "longenough");
    assert_true(fake_log_has("ui: screen=desk/settings"));
    assert_null(strstr(fake_log, "longenough"));
    assert_null(strstr(fake_log, "horse"));
    type(wm, "\n");
    /* Cancel (Esc) goes back to Settings */
    press(wm, "Change password");
    fake_reset();
    wm_key(wm, KEY_ESC);
    assert_true(fake_log_has("ui: screen=desk/settings"));
    /* the new password unlocks */
    press(wm, "Lock");
    type(wm, "longenough\n");
    assert_true(fake_log_has("ui: unlock=ok"));
    finish(d, wm);
}

/* --- logs, locking, the shell ------------------------------------------------------------------ */

static void test_logs(void **state)
{
    (void)state;
    struct wm *wm;
    struct desk *d = unlocked(&wm);
    fake_reset();
    press(wm, "Logs");
    assert_true(fake_log_has("ui: screen=desk/logs"));
    assert_string_equal(view_text(wm_top(wm)), "hv: boot\nhv: ready\n");
    strcat(logtext, "hv: vm web started\n");
    desk_tick(d);
    assert_string_equal(view_text(wm_top(wm)), "hv: boot\nhv: ready\nhv: vm web started\n");
    /* the tail stays between visits; only the new part is read */
    press(wm, "Host");
    strcat(logtext, "hv: later\n");
    press(wm, "Logs");
    assert_non_null(strstr(view_text(wm_top(wm)), "started\nhv: later\n"));
    wm_compose(wm);
    /* the view has the focus and scrolls back by keys; End follows the tail */
    assert_true(fake_log_has("ui: focus=view:log"));
    struct widget *v = named(wm_top(wm), "log");
    for (int i = 0; i < 100; i++)
        strcat(logtext, "hv: line\n");
    desk_tick(d);
    wm_key(wm, KEY_UP);
    assert_int_equal(v->top, 1);
    wm_key(wm, KEY_PGUP);
    assert_true(v->top > 20);
    wm_key(wm, KEY_HOME);
    int max = v->top;
    wm_key(wm, KEY_UP);
    assert_int_equal(v->top, max);                   /* no further than the start */
    assert_true(max > 60);
    wm_key(wm, KEY_END);
    assert_int_equal(v->top, 0);
    wm_key(wm, KEY_DOWN);
    assert_int_equal(v->top, 0);
    wm_compose(wm);
    finish(d, wm);
}

static void test_idle_and_user_lock(void **state)
{
    (void)state;
    struct wm *wm;
    struct desk *d = unlocked(&wm);
    press(wm, "VMs");
    press(wm, "Console");                            /* web */
    wm_raise(wm, window_titled(wm, "hv - hv1 - "));
    press(wm, "Settings");
    assert_int_equal(wm->nz, 2);
    now += DESK_LOCK_MS - 1;
    desk_tick(d);
    assert_false(fake_log_has("ui: locked=idle"));
    desk_input(d);                                   /* input restarts the time */
    now += DESK_LOCK_MS - 1;
    desk_tick(d);
    assert_false(fake_log_has("ui: locked=idle"));
    press(wm, "Reboot");                             /* a question open when it locks */
    fake_reset();
    now += 1;
    desk_tick(d);
    wm_compose(wm);
    assert_true(fake_log_has("ui: locked=idle"));
    assert_true(fake_log_has("ui: screen=desk/lock"));
    assert_int_equal(wm->nz, 1);
    assert_null(wm->modal);
    assert_string_equal(wm_top(wm)->title, "hv - hv1");
    desk_tick(d);
    assert_int_equal(reboots, 0);
    /* locked: nothing locks again, input does not matter */
    now += 2 * DESK_LOCK_MS;
    fake_reset();
    desk_tick(d);
    assert_false(fake_log_has("ui: locked=idle"));
    type(wm, "correct horse\n");
    fake_reset();
    press(wm, "Lock");
    assert_true(fake_log_has("ui: locked=user"));
    assert_true(fake_log_has("ui: screen=desk/lock"));
    assert_false(desk_quit(d));
    finish(d, wm);
}

static void test_shell(void **state)
{
    (void)state;
    struct wm *wm;
    struct desk *d = unlocked(&wm);
    assert_false(desk_quit(d));
    click_at(wm, "button:Shell");
    assert_true(fake_log_has("ui: quit=shell"));
    assert_true(desk_quit(d));
    finish(d, wm);
}

/* Every screen fits 640x480: windows on the screen, widgets in their window. */
static void check_fits(struct wm *wm)
{
    for (int i = 0; i < wm->nz; i++) {
        struct window *win = wm->z[i];
        assert_true(win->r.x >= 0 && win->r.y >= 0);
        assert_true(win->r.x + win->r.w <= wm->back.w);
        assert_true(win->r.y + win->r.h <= wm->back.h);
        struct rect c = win_content(win);
        for (int k = 0; k < win->n; k++) {
            struct rect r = win->w[k].r;
            if (r.x < 0 || r.y < 0 || r.x + r.w > c.w || r.y + r.h > c.h)
                fail_msg("%s: widget %s at %d,%d %dx%d outside %dx%d", win->title,
                         win->w[k].name, r.x, r.y, r.w, r.h, c.w, c.h);
        }
    }
}

static void test_small_screen(void **state)
{
    (void)state;
    struct wm *wm;
    struct desk *d = start(&wm, 640, 480);
    check_fits(wm);
    type(wm, "correct horse\n");
    static const char *const tabs[] = { "Host", "VMs", "Settings", "Logs" };
    for (int i = 0; i < 4; i++) {
        press(wm, tabs[i]);
        check_fits(wm);
    }
    press(wm, "Settings");
    press(wm, "Change password");
    check_fits(wm);
    press(wm, "Cancel");
    press(wm, "VMs");
    press(wm, "Console");
    check_fits(wm);
    finish(d, wm);
}

/* Latin-1 letters (the ABNT2 layout's c-cedilla) reach text fields; C1
 * control bytes do not. */
static void test_latin1_typing(void **state)
{
    (void)state;
    struct keyparse kp = { 0 };
    int k[2];
    assert_int_equal(keyparse_feed(&kp, 0xE7, k), 1);
    assert_int_equal(k[0], 0xE7);
    assert_int_equal(keyparse_feed(&kp, 0x85, k), 0);
    assert_int_equal(keyparse_feed(&kp, 0xA0, k), 1);
    struct wm *wm;
    struct desk *d = unlocked(&wm);
    press(wm, "Settings");
    struct widget *h = named(wm_top(wm), "hostname");
    win_focus(wm_top(wm), h);
    wm_key(wm, 0xE7);
    wm_key(wm, 0x90);
    assert_string_equal(h->text, "hv1\xe7");
    press(wm, "Save");                               /* not a host name */
    assert_true(fake_log_has("ui: settings=refused"));
    finish(d, wm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_screen),
        cmocka_unit_test(test_lock_throttle),
        cmocka_unit_test(test_host_panel_refresh),
        cmocka_unit_test(test_vms_ops),
        cmocka_unit_test(test_console),
        cmocka_unit_test(test_textbuf),
        cmocka_unit_test(test_view_paints_tail),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_power),
        cmocka_unit_test(test_password_change),
        cmocka_unit_test(test_logs),
        cmocka_unit_test(test_idle_and_user_lock),
        cmocka_unit_test(test_shell),
        cmocka_unit_test(test_small_screen),
        cmocka_unit_test(test_latin1_typing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
