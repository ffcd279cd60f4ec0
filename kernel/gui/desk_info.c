/* The host panel: what hv is and has, one label per line, refreshed once a
 * second; only the lines whose text changed are repainted. */
#include "gui/desk_priv.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define ROWS 10

static void size_text(uint64_t bytes, char *out, unsigned len)
{
    uint64_t mib = bytes >> 20;
    if (mib >= 1024)
        ksnprintf(out, len, "%lu.%lu GiB", (unsigned long)(mib >> 10),
                  (unsigned long)((mib & 1023) * 10 / 1024));
    else
        ksnprintf(out, len, "%lu MiB", (unsigned long)mib);
}

static void row_text(const struct desk_host *h, int row, char *out, unsigned len)
{
    char a[24], b[24];
    uint64_t s = h->uptime_ms / 1000;
    switch (row) {
    case 0: ksnprintf(out, len, "Host name:       %s", h->hostname); break;
    case 1: ksnprintf(out, len, "Version:         hv %s", h->version); break;
    case 2: ksnprintf(out, len, "CPUs:            %u", h->cpus); break;
    case 3:
        size_text(h->mem_total, a, sizeof(a));
        size_text(h->mem_free, b, sizeof(b));
        ksnprintf(out, len, "Memory:          %s total, %s free", a, b);
        break;
    case 4:
        if (s >= 86400)
            ksnprintf(out, len, "Uptime:          %lu d %02lu:%02lu:%02lu",
                      (unsigned long)(s / 86400), (unsigned long)(s / 3600 % 24),
                      (unsigned long)(s / 60 % 60), (unsigned long)(s % 60));
        else
            ksnprintf(out, len, "Uptime:          %02lu:%02lu:%02lu", (unsigned long)(s / 3600),
                      (unsigned long)(s / 60 % 60), (unsigned long)(s % 60));
        break;
    case 5: ksnprintf(out, len, "IPv4 address:    %s", h->ipv4[0] ? h->ipv4 : "none"); break;
    case 6: ksnprintf(out, len, "IPv6 address:    %s", h->ipv6[0] ? h->ipv6 : "none"); break;
    case 7: ksnprintf(out, len, "Virtualization:  %s", h->backend); break;
    case 8:
        ksnprintf(out, len, "VMs:             %u running, %u defined", h->vms_running,
                  h->vms_defined);
        break;
    default:
        if (h->ipv4[0] && strcmp(h->ipv4, "none") != 0)
            ksnprintf(out, len, "Manage it with hvctl at %s", h->ipv4);
        else
            ksnprintf(out, len, "No IPv4 address yet: hvctl cannot reach this host.");
        break;
    }
}

void desk_host_build(struct desk *d)
{
    int w = win_content(d->win).w - 2 * DM;
    char text[128];
    for (int i = 0; i < ROWS; i++) {
        row_text(&d->host, i, text, sizeof(text));
        desk_label(d, ID_INFO + i, DM, DTOP + i * 24 + (i == ROWS - 1 ? 16 : 0), w, 20, text);
    }
}

void desk_host_refresh(struct desk *d)
{
    char text[128];
    for (int i = 0; i < ROWS; i++) {
        row_text(&d->host, i, text, sizeof(text));
        desk_set_text(win_find(d->win, ID_INFO + i), text);
    }
}
