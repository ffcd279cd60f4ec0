/* VM definitions as JSON (vmdef_json.h). The JSON field names are the
 * API's (memory_mib, as GET /vms says it); the keys are the file's. */
#include "mgmt/vmdef_json.h"
#include "mgmt/json_parse.h"

#define KNOWN "name, memory_mib, vcpus, boot, disks, autostart"

struct field {
    const char *json;
    const char *key;
    enum { F_STR, F_UINT, F_BOOL, F_DISKS } kind;
};

static const struct field fields[] = {
    { "name", "name", F_STR },
    { "memory_mib", "memory", F_UINT },
    { "vcpus", "vcpus", F_UINT },
    { "boot", "boot", F_STR },
    { "disks", "disk", F_DISKS },
    { "autostart", "autostart", F_BOOL },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* A tiny formatter: the message pieces are few and known. */
struct msg {
    char *p;
    size_t cap, n;
};

static void m_add(struct msg *m, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i] && m->n + 1 < m->cap; i++)
        m->p[m->n++] = s[i];
    m->p[m->n] = 0;
}

static void m_str(struct msg *m, const char *s)
{
    m_add(m, s, (size_t)-1);
}

static void m_u64(struct msg *m, uint64_t v)
{
    char b[24];
    json_fmt_u64(b, v);
    m_str(m, b);
}

static int say(struct vmdef_json *j, int status, const char *a, const char *b, const char *c)
{
    struct msg m = { j->msg, sizeof(j->msg), 0 };
    j->msg[0] = 0;
    m_str(&m, a);
    if (b)
        m_str(&m, b);
    if (c)
        m_str(&m, c);
    return status;
}

static bool same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static void copy(char *d, size_t cap, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++)
        d[i] = s[i];
    d[i] = 0;
}

static struct vmdef_kv *kv_add(struct vmdef_json *j, const struct field *f, const char *value)
{
    if (j->n == VMDEF_JSON_KV)
        return NULL;
    struct vmdef_kv *kv = &j->kv[j->n++];
    kv->field = f->json;
    copy(kv->key, sizeof(kv->key), f->key);
    copy(kv->value, sizeof(kv->value), value);
    return kv;
}

static int type_error(struct vmdef_json *j, const char *field, const char *want,
                      const struct json_doc *d, unsigned v)
{
    char got[48];
    struct msg m = { got, sizeof(got), 0 };
    m_str(&m, ", got ");
    m_str(&m, json_type_name((enum json_type)d->toks[v].type));
    if (d->toks[v].type == JSON_NUMBER && !d->toks[v].integral)
        m_str(&m, " with a fraction or exponent");
    struct msg o = { j->msg, sizeof(j->msg), 0 };
    m_str(&o, field);
    m_str(&o, ": ");
    m_str(&o, want);
    m_str(&o, " expected");
    m_str(&o, got);
    return 422;
}

/* A string value into buf; 422 for other types or when too long. */
static int str_value(struct vmdef_json *j, const char *field, const struct json_doc *d, unsigned v,
                     char *buf, size_t cap)
{
    if (d->toks[v].type != JSON_STRING)
        return type_error(j, field, "a string", d, v);
    long n = json_tok_str(d, v, buf, cap);
    if (n == -1)
        return say(j, 422, field, ": too long", NULL);
    if (n < 0)
        return say(j, 422, field, ": must not contain NUL characters", NULL);
    return 0;
}

static int disk_value(struct vmdef_json *j, const struct field *f, const struct json_doc *d,
                      unsigned v)
{
    char path[VMDEF_PATH_MAX + 2], text[VMDEF_PATH_MAX + 16];
    bool ro = false;
    if (d->toks[v].type == JSON_OBJECT) {
        unsigned k = json_child(v);
        bool have_path = false;
        for (uint32_t m = 0; m < d->toks[v].count; m++, k = json_next(d, k + 1)) {
            unsigned val = k + 1;
            if (json_tok_eq(d, k, "path")) {
                int rc = str_value(j, "disks[].path", d, val, path, sizeof(path));
                if (rc)
                    return rc;
                have_path = true;
            } else if (json_tok_eq(d, k, "readonly")) {
                if (d->toks[val].type != JSON_TRUE && d->toks[val].type != JSON_FALSE)
                    return type_error(j, "disks[].readonly", "true or false", d, val);
                ro = d->toks[val].type == JSON_TRUE;
            } else {
                char name[40];
                if (json_tok_str(d, k, name, sizeof(name)) < 0)
                    copy(name, sizeof(name), "(a long name)");
                return say(j, 422, "unknown field \"disks[].", name, "\" (known: path, readonly)");
            }
        }
        if (!have_path)
            return say(j, 422, "disks[]: an object needs \"path\"", NULL, NULL);
    } else if (d->toks[v].type == JSON_STRING) {
        int rc = str_value(j, "disks[]", d, v, path, sizeof(path));
        if (rc)
            return rc;
    } else {
        return type_error(j, "disks[]", "a path string or {\"path\":...,\"readonly\":...}", d, v);
    }
    /* The file syntax reserves ',' for options: a path with one would be
     * read back differently. */
    for (const char *s = path; *s; s++)
        if (*s == ',')
            return say(j, 422, "disks[]: \"", path, "\" is not a datastore path (no commas)");
    copy(text, sizeof(text), path);
    if (ro) {
        struct msg m = { text, sizeof(text), 0 };
        while (text[m.n])
            m.n++;
        m_str(&m, ",readonly");
    }
    return kv_add(j, f, text) ? 0 : say(j, 413, "too many disks", NULL, NULL);
}

static int one_field(struct vmdef_json *j, const struct field *f, const struct json_doc *d,
                     unsigned v, bool patch, const char *name)
{
    char buf[VMDEF_PATH_MAX + 16];
    int rc;
    int64_t n;
    switch (f->kind) {
    case F_STR:
        rc = str_value(j, f->json, d, v, buf, sizeof(buf));
        if (rc)
            return rc;
        if (patch && same(f->json, "name")) {
            if (!name || !same(buf, name))
                return say(j, 422, "name: cannot be changed (create a new VM instead)", NULL, NULL);
            return 0;
        }
        break;
    case F_UINT:
        if (d->toks[v].type != JSON_NUMBER || json_tok_int(d, v, &n) < 0) {
            if (d->toks[v].type == JSON_NUMBER && d->toks[v].integral)
                return say(j, 422, f->json, ": number out of range", NULL);
            return type_error(j, f->json, "an integer", d, v);
        }
        /* The sign and range are vmdef_set's to judge, with its message. */
        if (n < 0) {
            buf[0] = '-';
            json_fmt_u64(buf + 1, (uint64_t)0 - (uint64_t)n);
        } else {
            json_fmt_u64(buf, (uint64_t)n);
        }
        break;
    case F_BOOL:
        if (d->toks[v].type != JSON_TRUE && d->toks[v].type != JSON_FALSE)
            return type_error(j, f->json, "true or false", d, v);
        copy(buf, sizeof(buf), d->toks[v].type == JSON_TRUE ? "yes" : "no");
        break;
    case F_DISKS:
        if (d->toks[v].type != JSON_ARRAY)
            return type_error(j, f->json, "an array", d, v);
        if (d->toks[v].count > VMDEF_DISKS) {
            struct msg m = { j->msg, sizeof(j->msg), 0 };
            m_str(&m, "disks: at most ");
            m_u64(&m, VMDEF_DISKS);
            m_str(&m, " disks per VM");
            return 422;
        }
        kv_add(j, f, "");                  /* "disk =" clears the list first */
        for (unsigned e = json_child(v), k = 0; k < d->toks[v].count; k++, e = json_next(d, e))
            if ((rc = disk_value(j, f, d, e)) != 0)
                return rc;
        return 0;
    }
    return kv_add(j, f, buf) ? 0 : say(j, 413, "definition too large", NULL, NULL);
}

int vmdef_json_read(const char *body, size_t len, bool patch, const char *name,
                    struct vmdef_json *j)
{
    struct json_tok toks[VMDEF_JSON_TOKENS];
    struct json_doc d;
    j->n = 0;
    j->msg[0] = 0;
    if (len > VMDEF_JSON_MAX)
        return say(j, 413, "definition larger than 8192 bytes", NULL, NULL);
    if (json_parse(&d, body, len, toks, VMDEF_JSON_TOKENS) < 0) {
        if (d.err_limit)
            return say(j, 413, "definition too large: ", d.err, NULL);
        struct msg m = { j->msg, sizeof(j->msg), 0 };
        m_str(&m, "malformed JSON at byte ");
        m_u64(&m, d.err_pos);
        m_str(&m, ": ");
        m_str(&m, d.err);
        return 400;
    }
    if (toks[0].type != JSON_OBJECT)
        return say(j, 400, "expected a JSON object (a VM definition), got ",
                   json_type_name((enum json_type)toks[0].type), NULL);
    bool seen[NFIELDS] = { false };
    unsigned k = json_child(0);
    for (uint32_t m = 0; m < toks[0].count; m++, k = json_next(&d, k + 1)) {
        const struct field *f = NULL;
        for (unsigned i = 0; i < NFIELDS && !f; i++)
            if (json_tok_eq(&d, k, fields[i].json)) {
                f = &fields[i];
                if (seen[i])
                    return say(j, 422, "field \"", f->json, "\" given twice");
                seen[i] = true;
            }
        if (!f) {
            char fname[48];
            if (json_tok_str(&d, k, fname, sizeof(fname)) < 0)
                copy(fname, sizeof(fname), "(a long or odd name)");
            return say(j, 422, "unknown field \"", fname, "\" (known: " KNOWN ")");
        }
        int rc = one_field(j, f, &d, k + 1, patch, name);
        if (rc)
            return rc;
    }
    if (!patch && !seen[0])
        return say(j, 422, "name: missing (every VM needs one)", NULL, NULL);
    return 0;
}

int vmdef_json_apply(struct vmdef_json *j, struct vmdef *d)
{
    char msg[VMDEF_MSG_MAX];
    for (unsigned i = 0; i < j->n; i++) {
        struct vmdef_kv *kv = &j->kv[i];
        msg[0] = 0;
        if (vmdef_set(d, kv->key, kv->value, msg, sizeof(msg)) == 0)
            continue;
        /* vmdef says "memory: ..."; the client sent memory_mib. */
        size_t kl = 0;
        while (kv->key[kl] && msg[kl] == kv->key[kl])
            kl++;
        struct msg m = { j->msg, sizeof(j->msg), 0 };
        m_str(&m, kv->field);
        m_str(&m, ":");
        if (!kv->key[kl] && msg[kl] == ':') {
            m_str(&m, msg + kl + 1);
        } else {
            m_str(&m, " ");
            m_str(&m, msg[0] ? msg : "invalid value");
        }
        return 422;
    }
    msg[0] = 0;
    if (vmdef_check(d, msg, sizeof(msg)) < 0)
        return say(j, 422, msg[0] ? msg : "the definition is not consistent", NULL, NULL);
    return 0;
}

void vmdef_json_write(struct json_out *o, const struct vmdef *d)
{
    json_obj_begin(o);
    json_key(o, "name");
    json_str(o, d->name);
    json_key(o, "memory_mib");
    json_u64(o, d->mem_mib);
    json_key(o, "vcpus");
    json_u64(o, d->vcpus);
    json_key(o, "boot");
    if (d->boot == VMDEF_BOOT_GUEST) {
        char b[8 + VMDEF_GUEST_MAX + 1];
        struct msg m = { b, sizeof(b), 0 };
        m_str(&m, "guest:");
        m_str(&m, d->guest);
        json_str(o, b);
    } else {
        json_str(o, "disk");
    }
    json_key(o, "disks");
    json_arr_begin(o);
    for (unsigned i = 0; i < d->ndisks && i < VMDEF_DISKS; i++) {
        json_obj_begin(o);
        json_key(o, "path");
        json_str(o, d->disks[i].path);
        json_key(o, "readonly");
        json_bool(o, d->disks[i].readonly);
        json_obj_end(o);
    }
    json_arr_end(o);
    json_key(o, "autostart");
    json_bool(o, d->autostart);
    json_obj_end(o);
}
