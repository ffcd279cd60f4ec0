/*
 * HV.CFG editing (see hvcfg_edit.h).  Which lines set a key is decided by
 * hvcfg.c's lexer run on each line alone, so the edit and the boot
 * loader's reading of the result always agree.
 */
#include "lib/hvcfg_edit.h"
#include "lib/hvcfg.h"

/* A bounded writer: once something does not fit, nothing more is written. */
struct out {
    char *buf;
    size_t len, max;
    int over;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->over || n > o->max - o->len) {
        o->over = 1;
        return;
    }
    for (size_t i = 0; i < n; i++)
        o->buf[o->len + i] = s[i];
    o->len += n;
}

static size_t zlen(const char *z)
{
    size_t n = 0;
    while (z[n])
        n++;
    return n;
}

static int key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static int check_key(const char *key, size_t *n)
{
    if (!key)
        return -HVCFG_EDIT_EKEY;
    *n = zlen(key);
    if (*n == 0 || *n > HVCFG_EDIT_KEY_MAX)
        return -HVCFG_EDIT_EKEY;
    for (size_t i = 0; i < *n; i++)
        if (!key_char(key[i]))
            return -HVCFG_EDIT_EKEY;
    return 0;
}

/* A value must stay one line and not be cut short by a comment. */
static int check_value(const char *v, size_t *n)
{
    *n = zlen(v);
    for (size_t i = 0; i < *n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 || c == 0x7f || c == '#')
            return -HVCFG_EDIT_EVALUE;
    }
    return 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int starts_with_bom(const char *s, const char *e)
{
    return e - s >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
           (unsigned char)s[2] == 0xBF;
}

/* Whether line [s, e) (no '\n') sets key; p then points into the line.
 * The whole-file lexer skips a byte order mark only at the very start. */
static int sets_key(const char *s, const char *e, int first, const char *key, size_t klen,
                    struct hvcfg_pair *p)
{
    struct hvcfg_lexer lx;
    if (!first && starts_with_bom(s, e))
        return 0;   /* the file's parser sees the mark as part of the key */
    hvcfg_lex_init(&lx, s, (size_t)(e - s));
    if (hvcfg_lex_next(&lx, p) != HVCFG_PAIR || p->key_len != klen)
        return 0;
    for (size_t i = 0; i < klen; i++)
        if (p->key[i] != key[i])
            return 0;
    return 1;
}

/* The line [s, be) (no line end) that set key, with value in its place. */
static void put_replaced(struct out *o, const char *s, const char *be, const struct hvcfg_pair *p,
                         const char *key, size_t klen, const char *value, size_t vlen,
                         const char *eol, size_t eol_len, size_t line_max)
{
    const char *vs = p->value, *ve = p->value + p->value_len;
    const char *hash = 0;
    for (const char *q = ve; q < be && !hash; q++)
        if (*q == '#')
            hash = q;
    /* An empty value leaves no gap after '=' ("key =" or "key = # c"). */
    int gap_before = p->value_len == 0 && vs[-1] == '=';
    int gap_after = hash && !is_blank(*ve);     /* "value# c": keep them apart */
    size_t keep_tail = hash ? (size_t)(be - ve) : 0;
    size_t n = (size_t)(vs - s) + (size_t)gap_before + vlen + (size_t)gap_after + keep_tail;
    if (n <= line_max) {
        put(o, s, (size_t)(vs - s));
        put(o, " ", (size_t)gap_before);
        put(o, value, vlen);
        put(o, " ", (size_t)gap_after);
        put(o, ve, keep_tail);
        return;
    }
    /* Too long for the lexer with the old spacing and comment: the comment
     * moves onto a line of its own above a plain `key = value`. */
    if (hash) {
        put(o, hash, (size_t)(be - hash));
        put(o, eol, eol_len);
    }
    put(o, key, klen);
    put(o, " = ", 3);
    put(o, value, vlen);
}

int hvcfg_edit(const char *in, size_t in_len, const char *key, const char *value,
               char *out, size_t out_max)
{
    size_t klen, vlen = 0;
    int r = check_key(key, &klen);
    if (r < 0)
        return r;
    if (value) {
        r = check_value(value, &vlen);
        if (r < 0)
            return r;
    }
    if (!in)
        in_len = 0;

    /* The file's line end: the one its first line has. */
    const char *eol = "\n";
    for (size_t i = 0; i < in_len; i++) {
        if (in[i] == '\n') {
            if (i > 0 && in[i - 1] == '\r')
                eol = "\r\n";
            break;
        }
    }
    size_t eol_len = zlen(eol);
    /* The lexer's limit counts a line's '\r'. */
    if (value && klen + 3 + vlen > HVCFG_LINE_MAX - (eol_len - 1))
        return -HVCFG_EDIT_ELONG;

    struct out o = { out, 0, out ? out_max : 0, 0 };
    const char *pos = in, *end = in + in_len;
    int found = 0;
    for (int first = 1; pos < end; first = 0) {
        const char *s = pos, *e = s;
        while (e < end && *e != '\n')
            e++;
        const char *next = e < end ? e + 1 : e;     /* after the '\n', if any */
        pos = next;
        struct hvcfg_pair p;
        if (!sets_key(s, e, first, key, klen, &p)) {
            put(&o, s, (size_t)(next - s));
            continue;
        }
        if (!value || found)
            continue;                               /* the line goes */
        found = 1;
        const char *be = e > s && e[-1] == '\r' ? e - 1 : e;
        put_replaced(&o, s, be, &p, key, klen, value, vlen, eol, eol_len,
                     HVCFG_LINE_MAX - (size_t)(e - be));
        put(&o, be, (size_t)(next - be));           /* this line's own end */
    }
    if (value && !found) {
        if (in_len > 0 && in[in_len - 1] != '\n')
            put(&o, eol, eol_len);
        put(&o, key, klen);
        put(&o, " = ", 3);
        put(&o, value, vlen);
        put(&o, eol, eol_len);
    }
    if (o.over || o.len > 0x7fffffff)
        return -HVCFG_EDIT_ESPACE;
    return (int)o.len;
}

const char *hvcfg_edit_strerror(int err)
{
    switch (err < 0 ? -err : err) {
    case HVCFG_EDIT_EKEY:
        return "invalid key name (1-63 of letters, digits, '.', '_', '-')";
    case HVCFG_EDIT_EVALUE:
        return "a value cannot hold a line break, '#' or control characters";
    case HVCFG_EDIT_ELONG:
        return "the line would be over 255 bytes";
    case HVCFG_EDIT_ESPACE:
        return "the edited file would be too large";
    default:
        return "unknown error";
    }
}

struct first_warning {
    char *why;
    size_t len;
    int seen;
};

static void copy_msg(char *why, size_t len, const char *msg)
{
    if (!why || len == 0)
        return;
    size_t i = 0;
    for (; msg[i] && i + 1 < len; i++)
        why[i] = msg[i];
    why[i] = 0;
}

static void keep_first(void *ctx, unsigned line, const char *msg)
{
    struct first_warning *w = ctx;
    (void)line;
    if (!w->seen++)
        copy_msg(w->why, w->len, msg);
}

int hvcfg_check(const char *key, const char *value, char *why, size_t len)
{
    size_t klen, vlen = 0;
    int r = check_key(key, &klen);
    if (r == 0 && value)
        r = check_value(value, &vlen);
    if (r == 0 && value && klen + 3 + vlen > HVCFG_LINE_MAX)
        r = -HVCFG_EDIT_ELONG;
    if (r < 0) {
        copy_msg(why, len, hvcfg_edit_strerror(r));
        return -1;
    }
    if (!value)
        return 0;
    /* One line through the real parser: its verdict and its words. */
    char line[HVCFG_LINE_MAX + 1];
    struct out o = { line, 0, sizeof(line), 0 };
    put(&o, key, klen);
    put(&o, " = ", 3);
    put(&o, value, vlen);
    struct hv_config cfg;
    struct first_warning w = { why, len, 0 };
    if (hvcfg_parse(line, o.len, &cfg, keep_first, &w) > 0)
        return -1;
    return 0;
}
