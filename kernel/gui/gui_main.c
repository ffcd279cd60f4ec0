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
#include "gui/fbout.h"
#include "gui/inst_disk.h"
#include "gui/installer.h"
#include "gui/keys.h"
#include "gui/uilog.h"
#include "gui/wm.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/log.h"
#include "lib/string.h"
#include "mm/vm.h"

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

/* The console may print over the desktop (a kernel message); when the log
 * grew, the whole screen is composed again. */
static bool log_grew(uint64_t *pos)
{
    char buf[256];
    bool grew = false;
    while (log_read(pos, buf, sizeof(buf)) > 0)
        grew = true;
    return grew;
}

static void run(struct wm *wm)
{
    struct keyparse kp = { 0 };
    uint64_t logpos = 0;
    int quiet = 0;
    log_grew(&logpos);
    while (!ins.quit) {
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
            if (k)
                wm_key(wm, k);
        }
        struct mouse_motion m;
        while (mouse_poll(&m))
            wm_mouse(wm, m.dx, m.dy, m.buttons);
        if (log_grew(&logpos))
            wm_damage(wm, rect_make(0, 0, wm->back.w, wm->back.h));
        installer_tick(&ins);
        uint64_t t0 = timer_now_ns();
        if (wm_compose(wm) && wm->frames == 1) {
            char ms[16];
            ksnprintf(ms, sizeof(ms), "%lums", (unsigned long)((timer_now_ns() - t0) / 1000000));
            uilog("drawn", ms);         /* the first frame: the desktop is up */
        }
        if (!ins.quit && !ins.installing)
            cpu_hlt();          /* the timer tick, a key or the mouse wakes us */
    }
}

int gui_installer_run(const struct hv_bootinfo *bi, const char *hostname)
{
    const struct font *font = font_get();
    struct wm_output out;
    int r = font ? fbout_open(&bi->fb, &out) : -E_INVAL;
    if (r < 0) {
        kprintf("hv: gui: no usable framebuffer (or font); the installer needs the "
                "graphical screen\n");
        return r;
    }
    mouse_init();
    struct face face = { font, 1 }, big = { font, 2 };
    char banner[96];
    ksnprintf(banner, sizeof(banner), "hv %s installer   %s", HV_VERSION, hostname);
    struct wm *wm = wm_create((int)bi->fb.width, (int)bi->fb.height, &face, &big, banner,
                              out);
    static struct inst_disk disks[INST_MAX_DISKS];
    int n = collect_disks(disks, bi->boot_part_lba);
    kprintf("hv: gui: desktop %ux%u, %u disks\n", bi->fb.width, bi->fb.height, (unsigned)n);
    uilog_set_sink(serial_sink);
    const struct inst_backend *be = inst_disk_backend(bi->boot_part_lba);
    if (!wm || !installer_start(&ins, wm, disks, n, hostname, be)) {
        uilog_set_sink(0);
        wm_destroy(wm);
        kprintf("hv: gui: not enough memory for the desktop\n");
        return -E_NOMEM;
    }
    run(wm);
    uilog_set_sink(0);
    wm_destroy(wm);
    /* The console's screen had been drawn over: clear it for the shell. */
    console_write("\033[2J\033[H", 7);
    char header[96];
    ksnprintf(header, sizeof(header), "hv %s   %s   installer mode", HV_VERSION, hostname);
    console_set_header(header);
    kprintf("hv: gui: left the installer for the recovery shell\n");
    return 0;
}
