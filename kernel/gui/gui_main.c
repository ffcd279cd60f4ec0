/*
 * The hardware side of the desktop: the framebuffer as the compositor's
 * output, the console's input bytes and the PS/2 mouse as its input, and
 * the loop that sleeps until an interrupt and composes what changed.
 * Everything above this file is pure and unit-tested on the host.
 */
#include "gui/gui.h"
#include "arch/x86_64/cpu.h"
#include "dev/blk.h"
#include "dev/console.h"
#include "dev/font.h"
#include "dev/mouse.h"
#include "dev/serial.h"
#include "dev/timer.h"
#include "dev/acpi.h"
#include "gui/desk.h"
#include "gui/desk_kernel.h"
#include "gui/fbout.h"
#include "gui/inst_disk.h"
#include "gui/installer.h"
#include "gui/keys.h"
#include "gui/uilog.h"
#include "gui/wm.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define ESC_ROUNDS 3            /* loop rounds (>= timer ticks) a lone ESC waits */

static struct installer ins;    /* large: not on the stack */
static struct hv_bootinfo boot;
static struct hv_config cfg;

void gui_init(const struct hv_bootinfo *bi, const struct hv_config *c)
{
    boot = *bi;
    cfg = *c;
}

const struct hv_framebuffer *gui_framebuffer(void)
{
    return &boot.fb;
}

/* The UI log goes to COM1 only: the screen is ours. */
static void serial_sink(const char *line)
{
    serial_write(line, strlen(line));
}

static int collect_disks(struct inst_disk *out, uint32_t boot_lba)
{
    int n = 0;
    for (unsigned i = 0; i < blk_count() && n < INST_MAX_DISKS; i++) {
        const struct blk_disk *d = blk_get(i);
        struct inst_disk *o = &out[n++];
        strlcpy(o->name, d->name, sizeof(o->name));
        strlcpy(o->model, d->model[0] ? d->model : "(no model name)", sizeof(o->model));
        o->bytes = d->dev.sector_count * d->dev.sector_size;
        o->boot = inst_is_boot_disk(d, boot_lba);
    }
    return n;
}

/* What runs on the desktop: the installer or the configuration interface. */
struct app {
    bool (*done)(void *ctx);
    bool (*busy)(void *ctx);    /* working between frames: do not sleep */
    void (*tick)(void *ctx);    /* every loop round */
    void (*slow_tick)(void *ctx);   /* every SLOW_TICK_MS */
    void (*input)(void *ctx);   /* a key or mouse event came */
    void *ctx;
};

#define SLOW_TICK_MS 100

static void run(struct wm *wm, const struct app *app)
{
    struct keyparse kp = { 0 };
    int quiet = 0;
    uint64_t next_slow = 0;
    while (!app->done(app->ctx)) {
        int c, keys[2];
        bool typed = false;
        while ((c = console_trygetc()) >= 0) {
            typed = true;
            int n = keyparse_feed(&kp, c, keys);
            for (int i = 0; i < n; i++)
                wm_key(wm, keys[i]);
        }
        quiet = typed ? 0 : quiet + 1;
        if (quiet >= ESC_ROUNDS) {
            int k = keyparse_idle(&kp);
            if (k) {
                typed = true;
                wm_key(wm, k);
            }
        }
        struct mouse_motion m;
        while (mouse_poll(&m)) {
            typed = true;
            wm_mouse(wm, m.dx, m.dy, m.buttons);
        }
        if (typed && app->input)
            app->input(app->ctx);
        if (acpi_power_button_pressed()) {
            kprintf("hv: power button pressed: powering off\n");
            acpi_poweroff();
        }
        if (app->tick)
            app->tick(app->ctx);
        uint64_t t0 = timer_now_ns();
        if (app->slow_tick && t0 >= next_slow) {
            next_slow = t0 + SLOW_TICK_MS * 1000000ull;
            app->slow_tick(app->ctx);
        }
        if (wm_compose(wm) && wm->frames == 1) {
            char ms[16];
            ksnprintf(ms, sizeof(ms), "%lums", (unsigned long)((timer_now_ns() - t0) / 1000000));
            uilog("drawn", ms);         /* the first frame: the desktop is up */
        }
        if (!app->done(app->ctx) && !(app->busy && app->busy(app->ctx)))
            cpu_hlt();          /* the timer tick, a key or the mouse wakes us */
    }
}

/* The screen, the mouse and the window manager for an app; NULL after
 * saying why when there is no usable framebuffer or memory. */
static struct wm *open_desktop(const char *banner)
{
    const struct font *font = font_get();
    struct wm_output out;
    int r = font ? fbout_open(&boot.fb, &out) : -E_INVAL;
    if (r < 0) {
        kprintf("hv: gui: no usable framebuffer (or font); the desktop needs the "
                "graphical screen\n");
        return NULL;
    }
    mouse_init();
    static struct face face, big;
    face = (struct face){ font, 1 };
    /* Headings in Terminus Bold 16x32; the console font doubled has the
     * same cell, so layouts hold either way. */
    const struct font *large = font_get_large();
    big = large ? (struct face){ large, 1 } : (struct face){ font, 2 };
    struct wm *wm = wm_create((int)boot.fb.width, (int)boot.fb.height, &face, &big, banner, out);
    if (!wm) {
        kprintf("hv: gui: not enough memory for the desktop\n");
        return NULL;
    }
    kprintf("hv: gui: desktop %ux%u\n", boot.fb.width, boot.fb.height);
    uilog_set_sink(serial_sink);
    console_screen_release();
    return wm;
}

static void close_desktop(struct wm *wm, const char *mode)
{
    uilog_set_sink(0);
    wm_destroy(wm);
    console_screen_take();
    char header[96];
    ksnprintf(header, sizeof(header), "hv %s   %s   %s mode", HV_VERSION, cfg.hostname, mode);
    console_set_header(header);
}

static bool ins_done(void *ctx) { return ((struct installer *)ctx)->quit; }
static bool ins_busy(void *ctx) { return ((struct installer *)ctx)->installing; }
static void ins_tick(void *ctx) { installer_tick(ctx); }

int gui_installer_run(void)
{
    char banner[96];
    ksnprintf(banner, sizeof(banner), "hv %s installer   %s", HV_VERSION, cfg.hostname);
    struct wm *wm = open_desktop(banner);
    if (!wm)
        return -E_INVAL;
    static struct inst_disk disks[INST_MAX_DISKS];
    int n = collect_disks(disks, boot.boot_part_lba);
    kprintf("hv: gui: installer: %u disks\n", (unsigned)n);
    const struct inst_backend *be = inst_disk_backend(boot.boot_part_lba);
    if (!installer_start(&ins, wm, disks, n, cfg.hostname, be)) {
        close_desktop(wm, "installer");
        kprintf("hv: gui: not enough memory for the installer\n");
        return -E_NOMEM;
    }
    run(wm, &(struct app){ .done = ins_done, .busy = ins_busy, .tick = ins_tick, .ctx = &ins });
    close_desktop(wm, "installer");
    kprintf("hv: gui: left the installer for the recovery shell\n");
    return 0;
}

static bool desk_done(void *ctx) { return desk_quit(ctx); }
static void desk_slow(void *ctx) { desk_tick(ctx); }
static void desk_in(void *ctx) { desk_input(ctx); }

int gui_desktop_run(void)
{
    char banner[96];
    ksnprintf(banner, sizeof(banner), "hv %s   %s", HV_VERSION, cfg.hostname);
    struct wm *wm = open_desktop(banner);
    if (!wm)
        return -E_INVAL;
    struct desk *d = desk_start(wm, desk_kernel_backend(&cfg));
    if (!d) {
        close_desktop(wm, "hypervisor");
        kprintf("hv: gui: not enough memory for the desktop\n");
        return -E_NOMEM;
    }
    run(wm, &(struct app){ .done = desk_done, .slow_tick = desk_slow, .input = desk_in,
                           .ctx = d });
    desk_destroy(d);
    close_desktop(wm, hvcfg_mode_name(boot.boot_mode));
    kprintf("hv: gui: left the desktop for the recovery shell (`desktop` returns)\n");
    return 0;
}
