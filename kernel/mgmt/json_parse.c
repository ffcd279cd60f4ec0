/* The JSON reader (json_parse.h): recursive descent bounded by
 * JSON_PARSE_DEPTH_MAX, so the stack it needs is known; every byte is
 * looked at once while parsing and strings once more when decoded. */
#include "mgmt/json_parse.h"
#include "lib/hex.h"

struct p {
    struct json_doc *d;
    size_t i;                              /* next byte */
    unsigned depth;
};

static int fail(struct p *p, size_t pos, const char *why)
{
    p->d->err = why;
    p->d->err_pos = pos;
    return -1;
}

static int limit(struct p *p, const char *why)
{
    p->d->err_limit = true;
    return fail(p, p->i, why);
}

static void ws(struct p *p)
{
    const char *t = p->d->text;
    while (p->i < p->d->len && (t[p->i] == ' ' || t[p->i] == '\t' || t[p->i] == '\n' || t[p->i] == '\r'))
        p->i++;
}


/* Four hex digits at t[0..4) (the caller checked they are there). */
static int hex4(const char *t)
{
    int v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hex_digit(t[k]);
        if (h < 0)
            return -1;
        v = v << 4 | h;
    }
    return v;
}

/* Length of the valid UTF-8 sequence at s[0..n) (first byte >= 0x80), or
 * 0: overlong forms, surrogates and values above U+10FFFF are invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min, v;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80, v = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800, v = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000, v = c & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    return len;
}

static int add(struct p *p, enum json_type type, size_t start)
{
    struct json_doc *d = p->d;
    if (d->ntoks == d->cap)
        return limit(p, "too many values");
    d->toks[d->ntoks] = (struct json_tok){ .type = (uint8_t)type, .start = (uint32_t)start };
    return (int)d->ntoks++;
}

static void done(struct p *p, int t)
{
    p->d->toks[t].len = (uint32_t)(p->i - p->d->toks[t].start);
    p->d->toks[t].next = p->d->ntoks;
}

static int string(struct p *p)
{
    const char *t = p->d->text;
    size_t n = p->d->len, start = p->i;
    int tok = add(p, JSON_STRING, start);
    if (tok < 0)
        return -1;
    p->i++;                                /* the opening quote */
    while (p->i < n) {
        unsigned char c = (unsigned char)t[p->i];
        if (c == '"') {
            p->i++;
            done(p, tok);
            return tok;
        }
        if (c < 0x20)
            return fail(p, p->i, "control character in a string (escape it)");
        if (c >= 0x80) {
            size_t k = utf8_len((const unsigned char *)t + p->i, n - p->i);
            if (!k)
                return fail(p, p->i, "invalid UTF-8 in a string");
            p->i += k;
            continue;
        }
        if (c != '\\') {
            p->i++;
            continue;
        }
        size_t esc = p->i++;
        if (p->i >= n)
            break;
        c = (unsigned char)t[p->i];
        if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
            c == 't') {
            p->i++;
            continue;
        }
        if (c != 'u')
            return fail(p, esc, "invalid escape in a string");
        if (n - p->i < 5 || hex4(t + p->i + 1) < 0)
            return fail(p, esc, "\\u needs four hex digits");
        int u = hex4(t + p->i + 1);
        p->i += 5;
        if (u >= 0xDC00 && u <= 0xDFFF)
            return fail(p, esc, "unpaired surrogate in a \\u escape");
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (n - p->i < 6 || t[p->i] != '\\' || t[p->i + 1] != 'u')
                return fail(p, esc, "unpaired surrogate in a \\u escape");
            int lo = hex4(t + p->i + 2);
            if (lo < 0xDC00 || lo > 0xDFFF)
                return fail(p, esc, "unpaired surrogate in a \\u escape");
            p->i += 6;
        }
    }
    return fail(p, start, "unterminated string");
}

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

static int number(struct p *p)
{
    const char *t = p->d->text;
    size_t n = p->d->len, start = p->i;
    int tok = add(p, JSON_NUMBER, start);
    if (tok < 0)
        return -1;
    bool integral = true;
    if (t[p->i] == '-')
        p->i++;
    if (p->i >= n || !digit(t[p->i]))
        return fail(p, start, "malformed number");
    if (t[p->i] == '0')
        p->i++;
    else
        while (p->i < n && digit(t[p->i]))
            p->i++;
    if (p->i < n && t[p->i] == '.') {
        integral = false;
        p->i++;
        if (p->i >= n || !digit(t[p->i]))
            return fail(p, start, "malformed number (digits must follow '.')");
        while (p->i < n && digit(t[p->i]))
            p->i++;
    }
    if (p->i < n && (t[p->i] == 'e' || t[p->i] == 'E')) {
        integral = false;
        p->i++;
        if (p->i < n && (t[p->i] == '+' || t[p->i] == '-'))
            p->i++;
        if (p->i >= n || !digit(t[p->i]))
            return fail(p, start, "malformed number (digits must follow the exponent)");
        while (p->i < n && digit(t[p->i]))
            p->i++;
    }
    p->d->toks[tok].integral = integral;
    done(p, tok);
    return tok;
}

static int literal(struct p *p, const char *word, enum json_type type)
{
    size_t start = p->i, k = 0;
    for (; word[k]; k++)
        if (p->i + k >= p->d->len || p->d->text[p->i + k] != word[k])
            return fail(p, start, "unexpected character (expected a value)");
    int tok = add(p, type, start);
    if (tok < 0)
        return -1;
    p->i += k;
    done(p, tok);
    return tok;
}

static int value(struct p *p);

/* An array or an object, from its opening bracket. */
static int container(struct p *p, bool object)
{
    const char *t = p->d->text;
    size_t start = p->i;
    if (p->depth == JSON_PARSE_DEPTH_MAX)
        return limit(p, "nested too deeply");
    int tok = add(p, object ? JSON_OBJECT : JSON_ARRAY, start);
    if (tok < 0)
        return -1;
    p->depth++;
    p->i++;
    ws(p);
    uint32_t count = 0;
    char close = object ? '}' : ']';
    if (p->i < p->d->len && t[p->i] == close) {
        p->i++;
    } else {
        for (;;) {
            if (p->i >= p->d->len)
                return fail(p, start, object ? "unterminated object" : "unterminated array");
            if (object) {
                if (p->i >= p->d->len || t[p->i] != '"')
                    return fail(p, p->i, "expected a member name in quotes");
                if (string(p) < 0)
                    return -1;
                ws(p);
                if (p->i >= p->d->len || t[p->i] != ':')
                    return fail(p, p->i, "expected ':' after a member name");
                p->i++;
                ws(p);
            }
            if (value(p) < 0)
                return -1;
            count++;
            ws(p);
            if (p->i < p->d->len && t[p->i] == ',') {
                p->i++;
                ws(p);
                continue;
            }
            if (p->i < p->d->len && t[p->i] == close) {
                p->i++;
                break;
            }
            if (p->i >= p->d->len)
                return fail(p, start, object ? "unterminated object" : "unterminated array");
            return fail(p, p->i, object ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    p->depth--;
    p->d->toks[tok].count = count;
    done(p, tok);
    return tok;
}

static int value(struct p *p)
{
    if (p->i >= p->d->len)
        return fail(p, p->i, "unexpected end of the text (expected a value)");
    char c = p->d->text[p->i];
    switch (c) {
    case '{': return container(p, true);
    case '[': return container(p, false);
    case '"': return string(p);
    case 't': return literal(p, "true", JSON_TRUE);
    case 'f': return literal(p, "false", JSON_FALSE);
    case 'n': return literal(p, "null", JSON_NULL);
    default:
        if (c == '-' || digit(c))
            return number(p);
        return fail(p, p->i, "unexpected character (expected a value)");
    }
}

int json_parse(struct json_doc *d, const char *text, size_t len, struct json_tok *toks, unsigned cap)
{
    *d = (struct json_doc){ .text = text, .len = len, .toks = toks, .cap = cap };
    struct p p = { d, 0, 0 };
    if (len > JSON_PARSE_TEXT_MAX)
        return limit(&p, "text too long");
    ws(&p);
    if (value(&p) < 0)
        return -1;
    ws(&p);
    if (p.i != len)
        return fail(&p, p.i, "unexpected text after the value");
    return 0;
}

/* ---- reading ---- */

/* Calls emit for every byte of the decoded string token i (already
 * validated by the parser); stops early when emit returns false. */
static bool decode(const struct json_doc *d, unsigned i, bool (*emit)(void *, char), void *ctx)
{
    const struct json_tok *tk = &d->toks[i];
    const char *t = d->text + tk->start + 1, *end = d->text + tk->start + tk->len - 1;
    while (t < end) {
        if (*t != '\\') {
            if (!emit(ctx, *t++))
                return false;
            continue;
        }
        t++;
        char c = *t++;
        unsigned u;
        switch (c) {
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'u':
            u = (unsigned)hex4(t);
            t += 4;
            if (u >= 0xD800 && u <= 0xDBFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + ((unsigned)hex4(t + 2) - 0xDC00);
                t += 6;
            }
            if (u < 0x80) {
                c = (char)u;
                break;
            }
            char b[4];
            int n;
            if (u < 0x800) {
                b[0] = (char)(0xC0 | u >> 6);
                n = 1;
            } else if (u < 0x10000) {
                b[0] = (char)(0xE0 | u >> 12);
                b[1] = (char)(0x80 | (u >> 6 & 0x3F));
                n = 2;
            } else {
                b[0] = (char)(0xF0 | u >> 18);
                b[1] = (char)(0x80 | (u >> 12 & 0x3F));
                b[2] = (char)(0x80 | (u >> 6 & 0x3F));
                n = 3;
            }
            b[n] = (char)(0x80 | (u & 0x3F));
            for (int k = 0; k <= n; k++)
                if (!emit(ctx, b[k]))
                    return false;
            continue;
        default:                           /* '"', '\\', '/' stand for themselves */
            break;
        }
        if (!emit(ctx, c))
            return false;
    }
    return true;
}

struct sink {
    char *out;
    size_t cap, n;
    int why;                               /* 0, -1 too long, -2 NUL */
};

static bool put(void *ctx, char c)
{
    struct sink *s = ctx;
    if (c == 0) {
        s->why = -2;
        return false;
    }
    if (s->n + 1 >= s->cap) {
        s->why = -1;
        return false;
    }
    s->out[s->n++] = c;
    return true;
}

long json_tok_str(const struct json_doc *d, unsigned i, char *out, size_t cap)
{
    if (i >= d->ntoks || d->toks[i].type != JSON_STRING)
        return -3;
    struct sink s = { out, cap, 0, 0 };
    if (cap == 0)
        return -1;
    decode(d, i, put, &s);
    out[s.n] = 0;
    return s.why ? s.why : (long)s.n;
}

struct cmp {
    const char *s;
    bool differ;
};

static bool cmp1(void *ctx, char c)
{
    struct cmp *m = ctx;
    if (*m->s != c || c == 0) {
        m->differ = true;
        return false;
    }
    m->s++;
    return true;
}

bool json_tok_eq(const struct json_doc *d, unsigned i, const char *s)
{
    if (i >= d->ntoks || d->toks[i].type != JSON_STRING)
        return false;
    struct cmp m = { s, false };
    decode(d, i, cmp1, &m);
    return !m.differ && *m.s == 0;
}

int json_obj_get(const struct json_doc *d, unsigned obj, const char *key)
{
    if (obj >= d->ntoks || d->toks[obj].type != JSON_OBJECT)
        return -1;
    unsigned k = json_child(obj);
    for (uint32_t m = 0; m < d->toks[obj].count; m++) {
        unsigned v = k + 1;
        if (json_tok_eq(d, k, key))
            return (int)v;
        k = json_next(d, v);
    }
    return -1;
}

int json_tok_int(const struct json_doc *d, unsigned i, int64_t *out)
{
    if (i >= d->ntoks || d->toks[i].type != JSON_NUMBER || !d->toks[i].integral)
        return -1;
    const char *t = d->text + d->toks[i].start, *end = t + d->toks[i].len;
    bool neg = *t == '-';
    if (neg)
        t++;
    /* Accumulate negatively: INT64_MIN has no positive counterpart. */
    int64_t v = 0;
    for (; t < end; t++) {
        int dg = *t - '0';
        if (v < (INT64_MIN + dg) / 10)
            return -1;
        v = v * 10 - dg;
    }
    if (!neg) {
        if (v == INT64_MIN)
            return -1;
        v = -v;
    }
    *out = v;
    return 0;
}

const char *json_type_name(enum json_type t)
{
    switch (t) {
    case JSON_NULL: return "null";
    case JSON_FALSE:
    case JSON_TRUE: return "boolean";
    case JSON_NUMBER: return "number";
    case JSON_STRING: return "string";
    case JSON_ARRAY: return "array";
    case JSON_OBJECT: return "object";
    }
    return "value";
}
