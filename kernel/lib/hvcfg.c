/*
 * HV.CFG lexer and schema.  Freestanding on purpose (see hvcfg.h): the same
 * file is compiled into the 32-bit boot loader, the 64-bit kernel and the
 * host unit tests, so it calls nothing it does not define itself.
 */
#include "lib/hvcfg.h"

#include "hv/bootinfo.h"

/* ---- the lexer ---- */

static int is_blank(char c)
{
    /* '\r' counts as blank so CRLF files need no special case. */
    return c == ' ' || c == '\t' || c == '\r';
}

static int is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && is_blank(**s))
        (*s)++;
    while (*e > *s && is_blank((*e)[-1]))
        (*e)--;
}

void hvcfg_lex_init(struct hvcfg_lexer *lx, const char *text, size_t len)
{
    lx->pos = text;
    lx->end = text ? text + len : text;
    lx->line = 0;
    /* Editors on Windows like to start UTF-8 files with a byte order mark. */
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        lx->pos += 3;
}

/* Classifies one line [s, e) without its '\n'. */
static enum hvcfg_tok lex_line(const char *s, const char *e, struct hvcfg_pair *out)
{
    const char *first = s;
    while (first < e && is_blank(*first))
        first++;
    if (first == e || *first == '#')
        return HVCFG_EOF;   /* blank or comment, however long: skipped */
    if (e - s > HVCFG_LINE_MAX) {
        out->error = "line too long (over 255 bytes)";
        return HVCFG_BAD;
    }
    for (const char *p = s; p < e; p++) {
        if (*p == '#') {
            e = p;
            break;
        }
    }
    trim(&s, &e);   /* not empty: the first non-blank byte is not '#' */

    const char *eq = 0;
    for (const char *p = s; p < e; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
            out->error = "control character or NUL byte (binary data?)";
            return HVCFG_BAD;
        }
        if (c == '=' && !eq)
            eq = p;
    }
    if (!eq) {
        out->error = "expected key = value";
        return HVCFG_BAD;
    }

    const char *ks = s, *ke = eq, *vs = eq + 1, *ve = e;
    trim(&ks, &ke);
    trim(&vs, &ve);
    if (ks == ke) {
        out->error = "missing key before '='";
        return HVCFG_BAD;
    }
    for (const char *p = ks; p < ke; p++) {
        if (!is_key_char(*p)) {
            out->error = "invalid key (use letters, digits, '.', '_', '-')";
            return HVCFG_BAD;
        }
    }
    out->key = ks;
    out->key_len = (size_t)(ke - ks);
    out->value = vs;
    out->value_len = (size_t)(ve - vs);
    return HVCFG_PAIR;
}

enum hvcfg_tok hvcfg_lex_next(struct hvcfg_lexer *lx, struct hvcfg_pair *out)
{
    while (lx->pos < lx->end) {
        const char *s = lx->pos, *e = s;
        while (e < lx->end && *e != '\n')
            e++;
        lx->pos = e < lx->end ? e + 1 : e;
        lx->line++;

        out->key = out->value = out->error = 0;
        out->key_len = out->value_len = 0;
        enum hvcfg_tok t = lex_line(s, e, out);
        if (t != HVCFG_EOF)
            return t;
    }
    return HVCFG_EOF;
}

/* ---- the schema ---- */

enum key_kind {
    KIND_CHOICE,    /* one word of choices[]; stored as its index (uint32_t) */
    KIND_UINT,      /* decimal in [min, max] (uint32_t) */
    KIND_NAME,      /* min..max of a-z 0-9 '-' (char array of max + 1) */
    KIND_IPV4,      /* a.b.c.d, not 0.0.0.0 (uint32_t) */
    KIND_CIDR,      /* a.b.c.d/prefix: address and prefix (two uint32_t) */
    KIND_TEXT       /* min..max printable ASCII, no spaces (char array of max + 1) */
};

struct key_def {
    const char *name;
    enum key_kind kind;
    size_t offset;              /* of the field in struct hv_config */
    uint32_t min, max;
    const char *const *choices; /* KIND_CHOICE: NULL-terminated */
    uint32_t def_num;           /* default for CHOICE and UINT */
    const char *def_str;        /* default for NAME */
    const char *expect;         /* what a valid value looks like */
};

static const char *const mode_names[] = {
    [HV_MODE_HYPERVISOR] = "hypervisor",
    [HV_MODE_OS] = "os",
    [HV_MODE_INSTALLER] = "installer",
    [HV_MODE_RECOVERY] = "recovery",
    [HV_MODE_COUNT] = 0,
};

static const char *const desktop_names[] = {
    [HVCFG_DESKTOP_UNSET] = "console",
    [HVCFG_DESKTOP_ON] = "on",
    [HVCFG_DESKTOP_OFF] = "off",
    0,
};

static const char *const keyboard_names[] = {
    [HVCFG_KBD_US] = "us",
    [HVCFG_KBD_BR_ABNT2] = "br-abnt2",
    0,
};

static const char *const net_mode_names[] = {
    [HVCFG_NET_DHCP] = "dhcp",
    [HVCFG_NET_STATIC] = "static",
    0,
};

#define FIELD(f) __builtin_offsetof(struct hv_config, f)

/* Adding a key: a field in struct hv_config and one line here. */
static const struct key_def keys[] = {
    { "boot.default", KIND_CHOICE, FIELD(boot_default), 0, 0, mode_names,
      HV_MODE_HYPERVISOR, 0, "hypervisor, os, installer or recovery" },
    { "boot.timeout", KIND_UINT, FIELD(boot_timeout), 0, 60, 0,
      3, 0, "seconds, 0-60" },
    { "hostname", KIND_NAME, FIELD(hostname), 1, HVCFG_HOSTNAME_MAX, 0,
      0, "hv", "1-63 of a-z 0-9 -" },
    { "net.mode", KIND_CHOICE, FIELD(net_mode), 0, 0, net_mode_names,
      HVCFG_NET_DHCP, 0, "dhcp or static" },
    { "net.address", KIND_CIDR, FIELD(net_address), 1, 32, 0,
      0, 0, "a.b.c.d/prefix, prefix 1-32" },
    { "net.gateway", KIND_IPV4, FIELD(net_gateway), 0, 0, 0,
      0, 0, "a.b.c.d" },
    { "net.dns", KIND_IPV4, FIELD(net_dns), 0, 0, 0,
      0, 0, "a.b.c.d" },
    { "desktop", KIND_CHOICE, FIELD(desktop), 0, 0, desktop_names,
      HVCFG_DESKTOP_UNSET, 0, "on, off or console" },
    { "keyboard", KIND_CHOICE, FIELD(keyboard), 0, 0, keyboard_names,
      HVCFG_KBD_US, 0, "us or br-abnt2" },
    { "admin.password", KIND_TEXT, FIELD(admin_password), 1, HVCFG_ADMIN_PASSWORD_MAX, 0,
      0, "", "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex> (tools/hvpasswd.py)" },
};
_Static_assert(FIELD(net_prefix) == FIELD(net_address) + 4, "KIND_CIDR stores two fields");

#define NKEYS (sizeof keys / sizeof keys[0])
_Static_assert(NKEYS <= 32, "the duplicate check keeps one bit per key");

const char *hvcfg_mode_name(uint32_t mode)
{
    return mode < HV_MODE_COUNT ? mode_names[mode] : "?";
}

const char *hvcfg_desktop_name(uint32_t d)
{
    return d < HVCFG_DESKTOP_COUNT ? desktop_names[d] : "?";
}

const char *hvcfg_keyboard_name(uint32_t k)
{
    return k < HVCFG_KBD_COUNT ? keyboard_names[k] : "?";
}

static int span_eq(const char *s, size_t n, const char *z)
{
    size_t i = 0;
    for (; i < n; i++)
        if (z[i] != s[i])   /* also stops at z's NUL, since s[i] != 0 here */
            return 0;
    return z[i] == 0;
}

static uint32_t *num_field(struct hv_config *c, const struct key_def *k)
{
    return (uint32_t *)(void *)((char *)c + k->offset);
}

static char *str_field(struct hv_config *c, const struct key_def *k)
{
    return (char *)c + k->offset;
}

static void set_str(char *dst, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = s[i];
    dst[n] = 0;
}

static int zlen(const char *z)
{
    int n = 0;
    while (z[n])
        n++;
    return n;
}

/* Parses a.b.c.d (each part 0-255, 1-3 digits) from the start of v[0..n);
 * returns the bytes used, 0 when there is no address there. */
static size_t parse_ipv4(const char *v, size_t n, uint32_t *out)
{
    size_t i = 0;
    uint32_t a = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= n || v[i] != '.')
                return 0;
            i++;
        }
        uint32_t x = 0;
        size_t digits = 0;
        while (i < n && v[i] >= '0' && v[i] <= '9' && digits < 4) {
            x = x * 10 + (uint32_t)(v[i] - '0');
            i++;
            digits++;
        }
        if (digits == 0 || digits > 3 || x > 255)
            return 0;
        a = a << 8 | x;
    }
    *out = a;
    return i;
}

/* Returns 0 and stores the value, or -1 when v is not valid for k. */
static int apply(struct hv_config *c, const struct key_def *k, const char *v, size_t n)
{
    switch (k->kind) {
    case KIND_CHOICE:
        for (uint32_t i = 0; k->choices[i]; i++) {
            if (span_eq(v, n, k->choices[i])) {
                *num_field(c, k) = i;
                return 0;
            }
        }
        return -1;
    case KIND_UINT: {
        uint32_t x = 0;
        if (n == 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            if (v[i] < '0' || v[i] > '9')
                return -1;
            x = x * 10 + (uint32_t)(v[i] - '0');
            if (x > k->max)     /* also keeps x from overflowing */
                return -1;
        }
        if (x < k->min)
            return -1;
        *num_field(c, k) = x;
        return 0;
    }
    case KIND_NAME:
        if (n < k->min || n > k->max)
            return -1;
        for (size_t i = 0; i < n; i++) {
            char ch = v[i];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
                return -1;
        }
        set_str(str_field(c, k), v, n);
        return 0;
    case KIND_TEXT:
        if (n < k->min || n > k->max)
            return -1;
        for (size_t i = 0; i < n; i++)
            if (v[i] <= ' ' || v[i] > '~')
                return -1;
        set_str(str_field(c, k), v, n);
        return 0;
    case KIND_IPV4: {
        uint32_t a = 0;
        if (n == 0 || parse_ipv4(v, n, &a) != n || a == 0)
            return -1;
        *num_field(c, k) = a;
        return 0;
    }
    case KIND_CIDR: {
        uint32_t a, prefix = 0;
        size_t i = parse_ipv4(v, n, &a);
        /* A host address: not 0.0.0.0, not multicast or reserved. */
        if (i == 0 || i + 1 >= n || v[i] != '/' || a == 0 || a >= 0xE0000000u)
            return -1;
        if (n - i - 1 > 2)
            return -1;
        for (i++; i < n; i++) {
            if (v[i] < '0' || v[i] > '9')
                return -1;
            prefix = prefix * 10 + (uint32_t)(v[i] - '0');
        }
        if (prefix < k->min || prefix > k->max)
            return -1;
        num_field(c, k)[0] = a;
        num_field(c, k)[1] = prefix;
        return 0;
    }
    }
    return -1;
}

void hvcfg_defaults(struct hv_config *out)
{
    for (size_t i = 0; i < NKEYS; i++) {
        const struct key_def *k = &keys[i];
        if (k->kind == KIND_NAME || k->kind == KIND_TEXT)
            set_str(str_field(out, k), k->def_str, (size_t)zlen(k->def_str));
        else if (k->kind == KIND_CIDR)
            num_field(out, k)[0] = num_field(out, k)[1] = 0;
        else
            *num_field(out, k) = k->def_num;
    }
}

/* A bounded message builder: warnings quote user text, which may be long. */
struct msg {
    char buf[HVCFG_MSG_MAX];
    size_t len;
};

static void msg_add(struct msg *m, const char *s, size_t n)
{
    for (size_t i = 0; i < n && m->len + 1 < sizeof m->buf; i++)
        m->buf[m->len++] = s[i];
    m->buf[m->len] = 0;
}

static void msg_str(struct msg *m, const char *z)
{
    msg_add(m, z, (size_t)zlen(z));
}

/* Quotes at most 32 bytes of user text, so the fixed part always fits. */
static void msg_quote(struct msg *m, const char *s, size_t n)
{
    msg_str(m, "\"");
    if (n > 32) {
        msg_add(m, s, 29);
        msg_str(m, "...");
    } else {
        msg_add(m, s, n);
    }
    msg_str(m, "\"");
}

int hvcfg_parse(const char *text, size_t len, struct hv_config *out,
                hvcfg_warn_fn warn, void *ctx)
{
    struct hvcfg_lexer lx;
    struct hvcfg_pair p;
    enum hvcfg_tok t;
    uint32_t seen = 0;
    int warnings = 0;

    hvcfg_defaults(out);
    hvcfg_lex_init(&lx, text, len);
    while ((t = hvcfg_lex_next(&lx, &p)) != HVCFG_EOF) {
        struct msg m = { .len = 0 };
        m.buf[0] = 0;
        if (t == HVCFG_BAD) {
            msg_str(&m, p.error);
        } else {
            size_t i = 0;
            while (i < NKEYS && !span_eq(p.key, p.key_len, keys[i].name))
                i++;
            if (i == NKEYS) {
                msg_str(&m, "unknown key ");
                msg_quote(&m, p.key, p.key_len);
            } else if (apply(out, &keys[i], p.value, p.value_len) < 0) {
                msg_str(&m, "bad value ");
                msg_quote(&m, p.value, p.value_len);
                msg_str(&m, " for ");
                msg_str(&m, keys[i].name);
                msg_str(&m, " (");
                msg_str(&m, keys[i].expect);
                msg_str(&m, ")");
            } else {
                if (seen & (1u << i)) {
                    msg_str(&m, "duplicate key ");
                    msg_str(&m, keys[i].name);
                    msg_str(&m, " (the last one counts)");
                }
                seen |= 1u << i;
            }
        }
        if (m.len) {
            warnings++;
            if (warn)
                warn(ctx, lx.line, m.buf);
        }
    }
    return warnings;
}
