/* VM definition files (vmdef.h, docs/vms.md).  The lines are HV.CFG's
 * `key = value` syntax, so the same lexer reads them; the schema is here. */
#include "vmm/vmdef.h"
#include "lib/hvcfg.h"
#include "lib/kprintf.h"
#include "lib/string.h"

static void say(char *msg, size_t len, const char *fmt, const char *a, const char *b)
{
    if (msg && len)
        ksnprintf(msg, len, fmt, a, b);
}

bool vmdef_name_ok(const char *name)
{
    size_t n = 0;
    for (const char *p = name; *p; p++, n++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return false;
    }
    return n >= 1 && n <= VMDEF_NAME_MAX && name[0] != '-';
}

/* A datastore path a definition may name: printable ASCII without quotes,
 * backslashes or "..": the guest's disk must live on the datastore. */
static bool path_ok(const char *p)
{
    size_t n = strlen(p);
    if (n == 0 || n > VMDEF_PATH_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c < 0x20 || c > 0x7E || c == '"' || c == '\\' || c == ',' || c == '*' || c == '?')
            return false;
        if (c == '.' && p[i + 1] == '.')
            return false;
    }
    return true;
}

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
    if (!*s)
        return false;
    unsigned long v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > max)
            return false;
    }
    *out = (unsigned)v;
    return true;
}

static int parse_bool(const char *s)
{
    if (!strcmp(s, "yes") || !strcmp(s, "true") || !strcmp(s, "on") || !strcmp(s, "1"))
        return 1;
    if (!strcmp(s, "no") || !strcmp(s, "false") || !strcmp(s, "off") || !strcmp(s, "0"))
        return 0;
    return -1;
}

void vmdef_init(struct vmdef *d, const char *name)
{
    memset(d, 0, sizeof(*d));
    if (name)
        strlcpy(d->name, name, sizeof(d->name));
    d->mem_mib = 64;
    d->vcpus = 1;
    d->boot = VMDEF_BOOT_DISK;
}

/* "PATH" or "PATH,readonly" (also ",ro"; ",rw" spelled out is accepted). */
static int set_disk(struct vmdef *d, const char *value, char *msg, size_t msglen)
{
    if (!*value) {
        d->ndisks = 0;
        return 0;
    }
    if (d->ndisks >= VMDEF_DISKS) {
        say(msg, msglen, "disk: at most 4 disks per VM%s%s", "", "");
        return -1;
    }
    char path[VMDEF_PATH_MAX + 16];
    if (strlen(value) >= sizeof(path)) {
        say(msg, msglen, "disk: path longer than 63 characters%s%s", "", "");
        return -1;
    }
    strlcpy(path, value, sizeof(path));
    bool ro = false;
    char *comma = path;
    while (*comma && *comma != ',')
        comma++;
    if (*comma) {
        *comma = 0;
        const char *opt = comma + 1;
        if (!strcmp(opt, "readonly") || !strcmp(opt, "ro"))
            ro = true;
        else if (strcmp(opt, "rw") != 0) {
            say(msg, msglen, "disk: unknown option \"%s\" (readonly or rw)%s", opt, "");
            return -1;
        }
    }
    if (!path_ok(path)) {
        say(msg, msglen, "disk: \"%s\" is not a datastore path (1-63 printable characters, no \"..\")%s",
            path, "");
        return -1;
    }
    strlcpy(d->disks[d->ndisks].path, path, sizeof(d->disks[0].path));
    d->disks[d->ndisks].readonly = ro;
    d->ndisks++;
    return 0;
}

int vmdef_set(struct vmdef *d, const char *key, const char *value, char *msg, size_t msglen)
{
    unsigned u;
    if (!strcmp(key, "name")) {
        if (!vmdef_name_ok(value)) {
            say(msg, msglen, "name: \"%s\" is not a VM name (1-31 of a-z 0-9 - _, not starting with -)%s",
                value, "");
            return -1;
        }
        strlcpy(d->name, value, sizeof(d->name));
    } else if (!strcmp(key, "memory")) {
        if (!parse_uint(value, VMDEF_MEM_MAX, &u) || u < VMDEF_MEM_MIN) {
            say(msg, msglen, "memory: 2-65536 MiB expected, got \"%s\"%s", value, "");
            return -1;
        }
        d->mem_mib = u;
    } else if (!strcmp(key, "vcpus")) {
        if (!parse_uint(value, 1024, &u) || u < 1 || u > VMDEF_VCPUS_MAX) {
            say(msg, msglen, "vcpus: only 1 vCPU per VM is supported, got \"%s\"%s", value, "");
            return -1;
        }
        d->vcpus = u;
    } else if (!strcmp(key, "boot")) {
        if (!strcmp(value, "disk")) {
            d->boot = VMDEF_BOOT_DISK;
            d->guest[0] = 0;
        } else if (!strncmp(value, "guest:", 6) && value[6] && strlen(value + 6) <= VMDEF_GUEST_MAX &&
                   vmdef_name_ok(value + 6)) {
            d->boot = VMDEF_BOOT_GUEST;
            strlcpy(d->guest, value + 6, sizeof(d->guest));
        } else {
            say(msg, msglen, "boot: \"disk\" or \"guest:<built-in guest>\" expected, got \"%s\"%s", value, "");
            return -1;
        }
    } else if (!strcmp(key, "disk")) {
        return set_disk(d, value, msg, msglen);
    } else if (!strcmp(key, "autostart")) {
        int b = parse_bool(value);
        if (b < 0) {
            say(msg, msglen, "autostart: yes or no expected, got \"%s\"%s", value, "");
            return -1;
        }
        d->autostart = b == 1;
    } else {
        say(msg, msglen, "unknown key \"%s\"%s", key, "");
        return -1;
    }
    return 0;
}

int vmdef_check(const struct vmdef *d, char *msg, size_t msglen)
{
    if (!vmdef_name_ok(d->name)) {
        say(msg, msglen, "name: missing or invalid%s%s", "", "");
        return -1;
    }
    if (d->boot == VMDEF_BOOT_DISK && d->ndisks == 0) {
        say(msg, msglen, "boot = disk needs a disk (disk = <datastore path>)%s%s", "", "");
        return -1;
    }
    return 0;
}

int vmdef_parse(struct vmdef *d, const char *text, size_t len, vmdef_warn_fn warn, void *ctx)
{
    vmdef_init(d, NULL);
    struct hvcfg_lexer lx;
    struct hvcfg_pair p;
    enum hvcfg_tok t;
    int bad = 0;
    bool seen_name = false;
    char msg[VMDEF_MSG_MAX];
    hvcfg_lex_init(&lx, text, len);
    while ((t = hvcfg_lex_next(&lx, &p)) != HVCFG_EOF) {
        if (t == HVCFG_BAD) {
            warn(ctx, lx.line, p.error);
            bad = -1;
            continue;
        }
        char key[24], value[VMDEF_PATH_MAX + 32];
        if (p.key_len >= sizeof(key) || p.value_len >= sizeof(value)) {
            warn(ctx, lx.line, p.key_len >= sizeof(key) ? "key too long" : "value too long");
            bad = -1;
            continue;
        }
        memcpy(key, p.key, p.key_len);
        key[p.key_len] = 0;
        memcpy(value, p.value, p.value_len);
        value[p.value_len] = 0;
        if (!strcmp(key, "name")) {
            if (seen_name) {
                warn(ctx, lx.line, "name given twice");
                bad = -1;
                continue;
            }
            seen_name = true;
        }
        if (vmdef_set(d, key, value, msg, sizeof(msg)) < 0) {
            warn(ctx, lx.line, msg);
            bad = -1;
        }
    }
    if (bad == 0 && vmdef_check(d, msg, sizeof(msg)) < 0) {
        warn(ctx, 0, msg);
        bad = -1;
    }
    return bad;
}

int vmdef_format(const struct vmdef *d, char *out, size_t cap)
{
    size_t n = 0;
    int w;
#define PUT(...)                                                   \
    do {                                                           \
        w = ksnprintf(out + n, cap - n, __VA_ARGS__);              \
        if (w < 0 || (size_t)w >= cap - n)                         \
            return -1;                                             \
        n += (size_t)w;                                            \
    } while (0)
    if (!cap)
        return -1;
    PUT("# hv VM definition (docs/vms.md). hv rewrites this file when the VM is\n"
        "# changed with `vm set` or the API; comments are not kept.\n");
    PUT("name = %s\n", d->name);
    PUT("memory = %u\n", d->mem_mib);
    PUT("vcpus = %u\n", d->vcpus);
    if (d->boot == VMDEF_BOOT_GUEST)
        PUT("boot = guest:%s\n", d->guest);
    else
        PUT("boot = disk\n");
    for (unsigned i = 0; i < d->ndisks && i < VMDEF_DISKS; i++)
        PUT("disk = %s%s\n", d->disks[i].path, d->disks[i].readonly ? ",readonly" : "");
    PUT("autostart = %s\n", d->autostart ? "yes" : "no");
#undef PUT
    return (int)n;
}
