/* Datastore commands: ls, cat, df, write, mkdir, rm, and cfgloop, the
 * diagnostic the power-cut test runs (it rewrites a configuration file and
 * VMS/cfgloop.vm, a VM definition, in turn). Owner: datastore. */
#include "shell/shell_cmds.h"
#include "dev/console.h"
#include "fs/datastore.h"
#include "mm/heap.h"
#include "mm/pmm.h"
#include "mm/vm.h"
#include "dev/timer.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "vmm/vmdef.h"

#define CAT_MAX       (64 * 1024)
#define WRITE_MAX     1024
#define CFGLOOP_SIZE  6144      /* bytes: several clusters, so a torn write would show */
#define CFGLOOP_LINE  64
#define CFGLOOP_VM_FILE "VMS/cfgloop.vm"

/* One line for a failed call: "<cmd>: <path>: <why>", "no such file" for
 * the common case. */
static void fail(const char *cmd, const char *path, int err)
{
    if (err == -DS_ENODATASTORE)
        kprintf("%s: no datastore\n", cmd);
    else if (err == -FAT_ENOENT)
        kprintf("%s: %s: no such file\n", cmd, path);
    else
        kprintf("%s: %s: %s\n", cmd, path, datastore_strerror(err));
}

struct ls_state {
    unsigned files, dirs;
    uint64_t bytes;
};

static int ls_one(void *ctx, const struct fat_dirent *e)
{
    struct ls_state *s = ctx;
    if (e->st.attr & FAT_ATTR_VOLID)
        return 0;
    if (e->st.is_dir) {
        s->dirs++;
        kprintf("     <dir>  %s/\n", e->name);
    } else {
        s->files++;
        s->bytes += e->st.size;
        kprintf("%10u  %s\n", e->st.size, e->name);
    }
    return 0;
}

void cmd_ls(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/";
    struct fat_stat st;
    int r = datastore_stat(dir, &st);
    if (r == 0 && !st.is_dir) {
        kprintf("%10u  %s\n", st.size, dir);
        return;
    }
    struct ls_state s = { 0, 0, 0 };
    r = datastore_list(dir, ls_one, &s);
    if (r < 0) {
        fail("ls", dir, r);
        return;
    }
    kprintf("%u files, %u directories, %lu bytes\n", s.files, s.dirs, (unsigned long)s.bytes);
}

/* Text is what a terminal can show: no NUL or control bytes except tab,
 * CR, LF and form feed (UTF-8 bytes pass). */
static bool is_text(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f') ||
            p[i] == 0x7F)
            return false;
    return true;
}

void cmd_cat(int argc, char **argv)
{
    if (argc != 2) {
        kprintf("usage: cat <file>\n");
        return;
    }
    const char *path = argv[1];
    struct fat_stat st;
    int r = datastore_stat(path, &st);
    if (r < 0) {
        fail("cat", path, r);
        return;
    }
    if (st.is_dir) {
        kprintf("cat: %s: is a directory\n", path);
        return;
    }
    if (st.size > CAT_MAX) {
        kprintf("cat: %s: %u bytes, more than %u KiB; not shown\n", path, st.size, CAT_MAX / 1024);
        return;
    }
    uint8_t *buf = kmalloc(CAT_MAX);
    if (!buf) {
        kprintf("cat: out of memory\n");
        return;
    }
    size_t len;
    r = datastore_read_file(path, buf, CAT_MAX, &len);
    if (r < 0)
        fail("cat", path, r);
    else if (!is_text(buf, len))
        kprintf("cat: %s: binary file; not shown\n", path);
    else {
        /* kprintf's buffer is 512 bytes; the console takes any length. */
        console_print((const char *)buf, len);
        if (len > 0 && buf[len - 1] != '\n')
            console_print("\n", 1);
    }
    kfree(buf);
}

void cmd_df(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint64_t used, total;
    int r = datastore_usage(&used, &total);
    if (r < 0) {
        kprintf("df: %s\n", datastore_strerror(r));
        return;
    }
    kprintf("datastore: %lu/%lu MiB used (%lu%%), %lu MiB free\n", (unsigned long)(used >> 20),
            (unsigned long)(total >> 20), (unsigned long)(total ? used * 100 / total : 0),
            (unsigned long)((total - used) >> 20));
}

/* The shell splits at spaces: the words are joined back with one space. */
void cmd_write(int argc, char **argv)
{
    if (argc < 2) {
        kprintf("usage: write <file> <text...>\n");
        return;
    }
    char text[WRITE_MAX];
    size_t n = 0;
    for (int i = 2; i < argc; i++) {
        size_t w = strlen(argv[i]);
        if (n + w + 2 > sizeof(text)) {
            kprintf("write: text too long\n");
            return;
        }
        if (i > 2)
            text[n++] = ' ';
        memcpy(text + n, argv[i], w);
        n += w;
    }
    text[n++] = '\n';
    int r = datastore_replace_file(argv[1], text, n);
    if (r < 0)
        fail("write", argv[1], r);
    else
        kprintf("write: %s: %u bytes\n", argv[1], (unsigned)n);
}

void cmd_mkdir(int argc, char **argv)
{
    if (argc != 2) {
        kprintf("usage: mkdir <dir>\n");
        return;
    }
    int r = datastore_mkdir(argv[1]);
    if (r < 0)
        fail("mkdir", argv[1], r);
}

void cmd_rm(int argc, char **argv)
{
    if (argc != 2) {
        kprintf("usage: rm <file or empty dir>\n");
        return;
    }
    int r = datastore_remove(argv[1]);
    if (r < 0)
        fail("rm", argv[1], r);
}

/* Generation n's content: "generation <n>\n", then 64-byte lines
 * "<n>.<k> ----...\n" up to CFGLOOP_SIZE bytes, the last one cut short and
 * ending in '\n'. Every line carries n, so a file mixing two generations
 * cannot pass the power-cut test's check (tests/system/test_datastore.py). */
static size_t cfgloop_content(char *buf, unsigned n)
{
    size_t len = (size_t)ksnprintf(buf, CFGLOOP_SIZE, "generation %u\n", n);
    for (unsigned k = 0; len < CFGLOOP_SIZE; k++) {
        char line[CFGLOOP_LINE + 1];
        int w = ksnprintf(line, sizeof(line), "%u.%u ", n, k);
        memset(line + w, '-', CFGLOOP_LINE - 1 - (size_t)w);
        line[CFGLOOP_LINE - 1] = '\n';
        size_t take = CFGLOOP_SIZE - len < CFGLOOP_LINE ? CFGLOOP_SIZE - len : CFGLOOP_LINE;
        memcpy(buf + len, line, take);
        len += take;
    }
    buf[CFGLOOP_SIZE - 1] = '\n';
    return CFGLOOP_SIZE;
}

static bool parse_count(const char *s, unsigned *out)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > 0xFFFFFFFFu)
            return false;
    }
    *out = (unsigned)v;
    return true;
}

/* The parent directory of path is created when missing (one level). */
static void make_parent(const char *path)
{
    char dir[FAT_PATH_MAX];
    strlcpy(dir, path, sizeof(dir));
    char *slash = NULL;
    for (char *p = dir; *p; p++)
        if (*p == '/' && p[1])
            slash = p;
    if (!slash || slash == dir)
        return;
    *slash = 0;
    struct fat_stat st;
    if (datastore_stat(dir, &st) == -FAT_ENOENT)
        datastore_mkdir(dir);
}

void cmd_cfgloop(int argc, char **argv)
{
    unsigned count;
    if (argc != 3 || !parse_count(argv[2], &count)) {
        kprintf("usage: cfgloop <file> <count>\n");
        return;
    }
    char *buf = kmalloc(CFGLOOP_SIZE);
    if (!buf) {
        kprintf("cfgloop: out of memory\n");
        return;
    }
    make_parent(argv[1]);
    make_parent(CFGLOOP_VM_FILE);
    unsigned n;
    for (n = 1; n <= count; n++) {
        int r = datastore_replace_file(argv[1], buf, cfgloop_content(buf, n));
        if (r < 0) {
            fail("cfgloop", argv[1], r);
            break;
        }
        /* And a VM definition, written as `vm set` writes one: generation n
         * is memory = 2n MiB (wrapping), so a cut shows whether the file is
         * whole and which generation it holds. */
        char def[VMDEF_TEXT_MAX];
        struct vmdef d;
        vmdef_init(&d, "cfgloop");
        d.boot = VMDEF_BOOT_GUEST;
        strlcpy(d.guest, "hello", sizeof(d.guest));
        d.mem_mib = 2 * (1 + (n - 1) % 32768);
        int len = vmdef_format(&d, def, sizeof(def));
        r = len < 0 ? -FAT_EINVAL : datastore_replace_file(CFGLOOP_VM_FILE, def, (size_t)len);
        if (r < 0) {
            fail("cfgloop", CFGLOOP_VM_FILE, r);
            break;
        }
        kprintf("cfgloop: %u\n", n);
        if (console_trygetc() == 0x03) {     /* ^C stops a long run */
            kprintf("cfgloop: stopped\n");
            break;
        }
    }
    kfree(buf);
}

/* hv's own FAT32 throughput, for bench/disk.py: one file of <MiB> written
 * whole with the crash-safe replace (new file, flush, rename), read back
 * whole and compared, then removed.  Times from timer_now_ns. */
#define DSBENCH_FILE "DSBENCH.TMP"
#define DSBENCH_MAX_MIB 64

static void rate(const char *what, unsigned mib, uint64_t ns)
{
    uint64_t kib_s = ns ? ((uint64_t)mib * 1024u * 1000000000u) / ns : 0;
    kprintf("dsbench: %s %u MiB in %lu ms: %lu.%02lu MiB/s\n", what, mib, ns / 1000000, kib_s / 1024,
            (kib_s % 1024) * 100 / 1024);
}

void cmd_dsbench(int argc, char **argv)
{
    unsigned mib;
    if (argc != 2 || !parse_count(argv[1], &mib) || mib == 0 || mib > DSBENCH_MAX_MIB) {
        kprintf("usage: dsbench <MiB, 1-%u>\n", DSBENCH_MAX_MIB);
        return;
    }
    size_t len = (size_t)mib << 20;
    uint64_t pages = len / PAGE_SIZE;
    uint64_t pa = pmm_alloc_pages(pages), pb = pmm_alloc_pages(pages);
    if (!pa || !pb) {
        kprintf("dsbench: not enough memory for two %u MiB buffers\n", mib);
        if (pa)
            pmm_free_pages(pa, pages);
        if (pb)
            pmm_free_pages(pb, pages);
        return;
    }
    uint8_t *out = phys_to_virt(pa), *in = phys_to_virt(pb);
    for (size_t i = 0; i < len; i++)
        out[i] = (uint8_t)(i * 7 + (i >> 12));
    uint64_t t0 = timer_now_ns();
    int r = datastore_replace_file(DSBENCH_FILE, out, len);
    uint64_t t1 = timer_now_ns();
    if (r < 0) {
        fail("dsbench", DSBENCH_FILE, r);
        goto done;
    }
    rate("write", mib, t1 - t0);
    size_t got = 0;
    t0 = timer_now_ns();
    r = datastore_read_file(DSBENCH_FILE, in, len, &got);
    t1 = timer_now_ns();
    if (r < 0 || got != len) {
        fail("dsbench", DSBENCH_FILE, r < 0 ? r : -FAT_EIO);
        goto done;
    }
    rate("read", mib, t1 - t0);
    kprintf("dsbench: %s\n", memcmp(in, out, len) == 0 ? "read back intact" : "MISMATCH");
done:
    datastore_remove(DSBENCH_FILE);
    pmm_free_pages(pa, pages);
    pmm_free_pages(pb, pages);
}
