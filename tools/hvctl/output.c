/* Human output. Fields hv leaves out or sets to null print as "-", so an
 * older or newer hv still gets a readable table rather than an error. */
#include "output.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define DASH "-"

/* cJSON_Print indents with tabs and writes "key":<tab>value; people and
 * `jq`-less scripts read two-space JSON better, so hvctl prints its own. */
static void print_indent(int depth)
{
    printf("%*s", depth * 2, "");
}

static void print_scalar(const cJSON *v)
{
    /* hv sends only integers; print them whole rather than as %g. */
    double d = v->valuedouble;
    if (cJSON_IsNumber(v) && d >= -9007199254740992.0 && d <= 9007199254740992.0 &&
        d == (double)(long long)d) {
        printf("%lld", (long long)v->valuedouble);
        return;
    }
    char *s = cJSON_PrintUnformatted(v);
    fputs(s ? s : "null", stdout);
    cJSON_free(s);
}

static void print_value(const cJSON *v, int depth)
{
    int object = cJSON_IsObject(v);

    if (!object && !cJSON_IsArray(v)) {
        print_scalar(v);
        return;
    }
    if (!v->child) {
        fputs(object ? "{}" : "[]", stdout);
        return;
    }
    puts(object ? "{" : "[");
    for (const cJSON *c = v->child; c; c = c->next) {
        print_indent(depth + 1);
        if (object) {
            cJSON key = { .type = cJSON_String, .valuestring = c->string };
            print_scalar(&key);
            fputs(": ", stdout);
        }
        print_value(c, depth + 1);
        puts(c->next ? "," : "");
    }
    print_indent(depth);
    fputs(object ? "}" : "]", stdout);
}

void out_json(const cJSON *doc)
{
    print_value(doc, 0);
    putchar('\n');
}

/* A field as text: strings as they are, numbers in integer form (hv sends
 * only integers), booleans, "-" for null or missing. */
static const char *field(const cJSON *obj, const char *key, char *buf, size_t n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsString(v) && v->valuestring)
        return v->valuestring;
    if (cJSON_IsNumber(v)) {
        snprintf(buf, n, "%.0f", v->valuedouble);
        return buf;
    }
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    return DASH;
}

static void kv(const char *key, const char *value)
{
    printf("%-10s %s\n", key, value);
}

static void uptime_text(const cJSON *v, char *buf, size_t n)
{
    if (!cJSON_IsNumber(v) || v->valuedouble < 0) {
        snprintf(buf, n, DASH);
        return;
    }
    uint64_t s = (uint64_t)v->valuedouble;
    uint64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;
    if (d)
        snprintf(buf, n, "%" PRIu64 "d %" PRIu64 "h %" PRIu64 "m", d, h, m);
    else if (h)
        snprintf(buf, n, "%" PRIu64 "h %" PRIu64 "m", h, m);
    else if (m)
        snprintf(buf, n, "%" PRIu64 "m %" PRIu64 "s", m, s % 60);
    else
        snprintf(buf, n, "%" PRIu64 "s", s);
}

void out_host(const cJSON *host)
{
    char b1[64], b2[64], line[512];
    const cJSON *mem = cJSON_GetObjectItemCaseSensitive(host, "memory");

    kv("hostname", field(host, "hostname", b1, sizeof(b1)));
    kv("version", field(host, "version", b1, sizeof(b1)));
    uptime_text(cJSON_GetObjectItemCaseSensitive(host, "uptime_s"), b1, sizeof(b1));
    kv("uptime", b1);
    kv("cpus", field(host, "cpus", b1, sizeof(b1)));
    if (cJSON_IsObject(mem)) {
        snprintf(line, sizeof(line), "%s MiB free of %s MiB",
                 field(mem, "free_mib", b1, sizeof(b1)), field(mem, "total_mib", b2, sizeof(b2)));
        kv("memory", line);
    } else {
        kv("memory", DASH);
    }
    const char *backend = field(host, "backend", b1, sizeof(b1));
    if (strcmp(backend, DASH) == 0) {
        const char *why = field(host, "vms_unavailable", b2, sizeof(b2));
        if (strcmp(why, DASH) == 0)
            why = "VMs cannot run";
        snprintf(line, sizeof(line), "none (%s)", why);
        kv("backend", line);
    } else {
        kv("backend", backend);
    }
}

/* The columns of `vm list`, in order. */
static const struct {
    const char *title;
    const char *key;
} vm_cols[] = {
    { "NAME", "name" }, { "STATE", "state" }, { "MEM(MiB)", "memory_mib" },
    { "CPU", "cpu" }, { "STARTS", "starts" }, { "EXITS", "exits" },
    { "LAST STOP", "last_stop" },
};
#define VM_NCOLS (sizeof(vm_cols) / sizeof(vm_cols[0]))

/* The last column is not padded: no trailing blanks. */
static void cell(const char *text, size_t width, int last)
{
    if (last)
        printf("%s\n", text);
    else
        printf("%-*s  ", (int)width, text);
}

void out_vm_list(const cJSON *vms)
{
    size_t width[VM_NCOLS];
    const cJSON *vm;
    char buf[64];

    for (size_t i = 0; i < VM_NCOLS; i++)
        width[i] = strlen(vm_cols[i].title);
    cJSON_ArrayForEach(vm, vms) {
        for (size_t i = 0; i < VM_NCOLS; i++) {
            size_t w = strlen(field(vm, vm_cols[i].key, buf, sizeof(buf)));
            if (w > width[i])
                width[i] = w;
        }
    }
    for (size_t i = 0; i < VM_NCOLS; i++)
        cell(vm_cols[i].title, width[i], i + 1 == VM_NCOLS);
    cJSON_ArrayForEach(vm, vms) {
        for (size_t i = 0; i < VM_NCOLS; i++)
            cell(field(vm, vm_cols[i].key, buf, sizeof(buf)), width[i], i + 1 == VM_NCOLS);
    }
}

void out_vm(const cJSON *vm)
{
    char buf[64];

    kv("name", field(vm, "name", buf, sizeof(buf)));
    kv("state", field(vm, "state", buf, sizeof(buf)));
    const char *mem = field(vm, "memory_mib", buf, sizeof(buf));
    if (strcmp(mem, DASH) == 0) {
        kv("memory", mem);
    } else {
        char line[96];
        snprintf(line, sizeof(line), "%s MiB", mem);
        kv("memory", line);
    }
    kv("cpu", field(vm, "cpu", buf, sizeof(buf)));
    kv("starts", field(vm, "starts", buf, sizeof(buf)));
    kv("exits", field(vm, "exits", buf, sizeof(buf)));
    kv("last stop", field(vm, "last_stop", buf, sizeof(buf)));
    const cJSON *def = cJSON_GetObjectItemCaseSensitive(vm, "definition");
    if (!cJSON_IsObject(def))
        return;
    kv("vcpus", field(def, "vcpus", buf, sizeof(buf)));
    kv("boot", field(def, "boot", buf, sizeof(buf)));
    const cJSON *disks = cJSON_GetObjectItemCaseSensitive(def, "disks"), *d;
    int n = 0;
    cJSON_ArrayForEach(d, disks) {
        char line[160];
        const cJSON *ro = cJSON_GetObjectItemCaseSensitive(d, "readonly");
        snprintf(line, sizeof(line), "%s%s", field(d, "path", buf, sizeof(buf)),
                 cJSON_IsTrue(ro) ? " (read-only)" : "");
        kv(n++ ? "" : "disks", line);
    }
    if (!n)
        kv("disks", DASH);
    kv("autostart", field(def, "autostart", buf, sizeof(buf)));
}

static void size_text(const cJSON *v, char *buf, size_t n)
{
    if (!cJSON_IsNumber(v)) {
        snprintf(buf, n, DASH);
        return;
    }
    double b = v->valuedouble;
    const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int u = 0;
    while (b >= 1024 && u < 4)
        b /= 1024, u++;
    snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

void out_disks(const cJSON *doc)
{
    const cJSON *disks = cJSON_GetObjectItemCaseSensitive(doc, "disks"), *d, *p;
    char b1[64], b2[64], b3[64];
    printf("%-10s %-10s %-6s %s\n", "DISK", "SIZE", "TABLE", "MODEL");
    cJSON_ArrayForEach(d, disks) {
        size_text(cJSON_GetObjectItemCaseSensitive(d, "size_bytes"), b2, sizeof(b2));
        printf("%-10s %-10s %-6s %s\n", field(d, "name", b1, sizeof(b1)), b2,
               field(d, "partition_table", b3, sizeof(b3)), field(d, "model", b1, sizeof(b1)));
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(d, "partitions")) {
            size_text(cJSON_GetObjectItemCaseSensitive(p, "size_bytes"), b2, sizeof(b2));
            printf("  part %-4s %s\n", field(p, "index", b1, sizeof(b1)), b2);
        }
    }
}

void out_network(const cJSON *doc)
{
    const cJSON *ifs = cJSON_GetObjectItemCaseSensitive(doc, "interfaces"), *f;
    char b[6][64];
    printf("%-9s %-17s %-5s %-16s %-8s %s\n", "NIC", "MAC", "LINK", "ADDRESS", "CONFIG", "STATE");
    cJSON_ArrayForEach(f, ifs) {
        const cJSON *link = cJSON_GetObjectItemCaseSensitive(f, "link_up");
        printf("%-9s %-17s %-5s %-16s %-8s %s\n", field(f, "name", b[0], 64),
               field(f, "mac", b[1], 64), cJSON_IsTrue(link) ? "up" : "down",
               field(f, "address", b[2], 64), field(f, "config", b[3], 64),
               field(f, "state", b[4], 64));
    }
}

void out_events(const cJSON *doc)
{
    const cJSON *evs = cJSON_GetObjectItemCaseSensitive(doc, "events"), *e;
    char b[5][128];
    cJSON_ArrayForEach(e, evs) {
        const char *detail = field(e, "detail", b[4], sizeof(b[4]));
        printf("%s %s ms %s %s%s%s\n", field(e, "seq", b[0], 128), field(e, "time_ms", b[1], 128),
               field(e, "vm", b[2], 128), field(e, "what", b[3], 128),
               strcmp(detail, DASH) ? ": " : "", strcmp(detail, DASH) ? detail : "");
    }
    const cJSON *lost = cJSON_GetObjectItemCaseSensitive(doc, "lost");
    if (cJSON_IsNumber(lost) && lost->valuedouble > 0)
        fprintf(stderr, "hvctl: %.0f earlier events were overwritten\n", lost->valuedouble);
    printf("next %s\n", field(doc, "next", b[0], 128));
}

void out_vm_state(const cJSON *vm)
{
    char b1[64], b2[64];
    printf("%s: %s\n", field(vm, "name", b1, sizeof(b1)), field(vm, "state", b2, sizeof(b2)));
}
