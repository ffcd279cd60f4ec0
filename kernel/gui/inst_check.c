/* The input checks of the installer and the desktop's settings, each
 * refusal a sentence for the user. */
#include "gui/installer.h"
#include "lib/kprintf.h"
#include "lib/string.h"

/* "a.b.c.d" from s up to end (or NUL); true when well formed. */
static bool ipv4(const char *s, const char *end)
{
    int parts = 0, digits = 0, v = 0;
    for (;; s++) {
        bool stop = s == end || !*s;
        if (!stop && *s >= '0' && *s <= '9') {
            v = v * 10 + (*s - '0');
            if (++digits > 3 || v > 255)
                return false;
            continue;
        }
        if (digits == 0 || (!stop && *s != '.'))
            return false;
        parts++;
        if (stop)
            return parts == 4;
        digits = v = 0;
    }
}

const char *gui_check_hostname(const char *h)
{
    size_t n = strlen(h);
    if (n == 0)
        return "The host name must not be empty.";
    if (n > 63)
        return "The host name is too long: at most 63 characters.";
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  (c == '-' && i > 0 && i + 1 < n);
        if (!ok)
            return "The host name may hold only a-z, 0-9 and inner '-'.";
    }
    return 0;
}

const char *gui_check_address(const char *a)
{
    const char *slash = 0;
    for (const char *p = a; *p; p++)
        if (*p == '/')
            slash = p;
    int len = -1;
    if (slash && slash[1]) {
        len = 0;
        for (const char *p = slash + 1; *p && len <= 32; p++)
            len = *p >= '0' && *p <= '9' ? len * 10 + (*p - '0') : 99;
    }
    if (!slash || !ipv4(a, slash) || len < 1 || len > 32)
        return "The static address must look like 192.168.1.20/24.";
    return 0;
}

const char *gui_check_gateway(const char *g)
{
    if (g[0] && !ipv4(g, 0))
        return "The gateway must be an address like 192.168.1.1 (or empty).";
    return 0;
}

const char *gui_check_dns(const char *s)
{
    if (s[0] && !ipv4(s, 0))
        return "The DNS server must be an address like 192.168.1.1 (or empty).";
    return 0;
}

const char *installer_check_network(const struct inst_choices *c)
{
    const char *why = gui_check_hostname(c->hostname);
    if (why || c->dhcp)
        return why;
    why = gui_check_address(c->address);
    return why ? why : gui_check_gateway(c->gateway);
}

const char *gui_check_new_password(const char *a, const char *b, unsigned min_len)
{
    static char buf[80];
    if (!a[0])
        return "The password must not be empty.";
    if (strcmp(a, b) != 0)
        return "The two passwords do not match.";
    if (strlen(a) < min_len) {
        ksnprintf(buf, sizeof(buf), "The password must be at least %u characters long.",
                  min_len);
        return buf;
    }
    return 0;
}

const char *installer_check_password(const char *a, const char *b)
{
    return gui_check_new_password(a, b, GUI_PASSWORD_MIN);
}
