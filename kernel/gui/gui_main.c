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

struct fb_out {
    uint8_t *mem;               /* the mapped framebuffer */
    unsigned pitch, bypp;
    bool native;                /* 32 bpp x8r8g8b8: rows are copied as they are */
    struct hv_framebuffer desc;
};

static struct fb_out fbo;
static struct installer ins;    /* large: not on the stack */

static uint32_t channel(uint32_t v8, uint8_t pos, uint8_t size)
{
    if (size == 0 || size > 8)
        size = 8;
    return (v8 >> (8 - size)) << pos;
}

static uint32_t convert(uint32_t rgb, const struct hv_framebuffer *d)
{
    return channel(rgb >> 16 & 0xFF, d->red_pos, d->red_size) |
           channel(rgb >> 8 & 0xFF, d->green_pos, d->green_size) |
           channel(rgb & 0xFF, d->blue_pos, d->blue_size);
}

static void fb_flush(void *ctx, const struct canvas *back, struct rect r)
{
    struct fb_out *o = ctx;
    for (int y = r.y; y < r.y + r.h; y++) {
        const uint32_t *src = back->px + (long)y * back->stride + r.x;
        uint8_t *dst = o->mem + (size_t)y * o->pitch + (size_t)r.x * o->bypp;
        if (o->native) {
            memcpy(dst, src, (size_t)r.w * 4);
            continue;
        }
        for (int x = 0; x < r.w; x++, dst += o->bypp) {
            uint32_t v = convert(src[x], &o->desc);
            if (o->bypp == 4) {
                *(uint32_t *)dst = v;
            } else {
                dst[0] = (uint8_t)v;
                dst[1] = (uint8_t)(v >> 8);
                dst[2] = (uint8_t)(v >> 16);
            }
        }
    }
}

static int fb_open(const struct hv_framebuffer *fb)
{
    if (fb->type != HV_FB_RGB || (fb->bpp != 32 && fb->bpp != 24) || fb->addr == 0 ||
        fb->width < 640 || fb->height < 480 || fb->width > 8192 || fb->height > 8192 ||
        fb->pitch < fb->width * (fb->bpp / 8u))
        return -E_INVAL;
    uint64_t bytes = (uint64_t)fb->pitch * fb->height;
    fbo.mem = fb->addr + bytes <= (4ull << 30) ? phys_to_virt(fb->addr)
                                                : vm_map_mmio(fb->addr, bytes);
    if (!fbo.mem)
        return -E_NOMEM;
    fbo.pitch = fb->pitch;
    fbo.bypp = fb->bpp / 8u;
    fbo.desc = *fb;
    fbo.native = fb->bpp == 32 && fb->red_pos == 16 && fb->green_pos == 8 && fb->blue_pos == 0 &&
                 (fb->red_size | fb->green_size | fb->blue_size) <= 8;
    return 0;
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
    int r = font ? fb_open(&bi->fb) : -E_INVAL;
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
                              (struct wm_output){ fb_flush, &fbo });
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
