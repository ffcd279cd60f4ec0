/* GET /metrics: Prometheus' text exposition format (version 0.0.4): the
 * host (uptime, CPUs, memory), each VM (state, memory, starts, exits in
 * all and by kind, CPU time), disks, NICs, and the API itself. Counters
 * end in _total; VM state is one series per state with value 0 or 1.
 * Like every endpoint it needs a token: Prometheus sends it with
 * `authorization: { credentials: <token> }` in its scrape config. */
#include "mgmt/api.h"
#include "mgmt/audit.h"
#include "vmm/vcpu.h"
#include "vmm/vmm.h"
#include "arch/x86_64/percpu.h"
#include "dev/blk.h"
#include "dev/nic.h"
#include "dev/timer.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "vmm/vmm.h"

static void out(struct json_out *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(struct json_out *j, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(line)) {
        j->overflow = true;                /* a bug: a line this long is not ours */
        return;
    }
    json_raw(j, line, (size_t)n);
}

static void family(struct json_out *j, const char *name, const char *type, const char *help)
{
    out(j, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const char *const states[] = { "stopped", "running", "stopping", "paused" };

static void vms(struct json_out *j)
{
    struct vm_status st;
    unsigned n = 0;
    while (vm_status_at(n, &st) == 0)
        n++;
    family(j, "hv_vms", "gauge", "VMs defined");
    out(j, "hv_vms %u\n", n);
    family(j, "hv_vm_state", "gauge", "1 for the state the VM is in");
    for (unsigned i = 0; vm_status_at(i, &st) == 0; i++) {
        bool known = false;
        for (unsigned s = 0; s < sizeof(states) / sizeof(states[0]); s++) {
            bool is = strcmp(st.state, states[s]) == 0;
            known |= is;
            out(j, "hv_vm_state{vm=\"%s\",state=\"%s\"} %d\n", st.name, states[s], is);
        }
        if (!known)
            out(j, "hv_vm_state{vm=\"%s\",state=\"%s\"} 1\n", st.name, st.state);
    }
    family(j, "hv_vm_memory_bytes", "gauge", "guest RAM");
    for (unsigned i = 0; vm_status_at(i, &st) == 0; i++)
        out(j, "hv_vm_memory_bytes{vm=\"%s\"} %lu\n", st.name, (unsigned long)st.mem_mib << 20);
    family(j, "hv_vm_starts_total", "counter", "times the VM was started since boot");
    for (unsigned i = 0; vm_status_at(i, &st) == 0; i++)
        out(j, "hv_vm_starts_total{vm=\"%s\"} %u\n", st.name, st.starts);
    family(j, "hv_vm_run_exits", "gauge", "VM exits of the current or last run");
    for (unsigned i = 0; vm_status_at(i, &st) == 0; i++)
        out(j, "hv_vm_run_exits{vm=\"%s\"} %lu\n", st.name, (unsigned long)st.exits);
    family(j, "hv_vm_exits_total", "counter", "VM exits by kind since boot");
    uint64_t c[VM_EXIT_KINDS];
    for (unsigned i = 0; vm_status_at(i, &st) == 0; i++) {
        int k = vm_exit_counts(st.name, c, VM_EXIT_KINDS);
        for (int e = 0; e < k; e++)
            out(j, "hv_vm_exits_total{vm=\"%s\",kind=\"%s\"} %lu\n", st.name,
                vm_exit_kind_name((enum vm_exit_kind)e), (unsigned long)c[e]);
    }
    family(j, "hv_vm_cpu_seconds_total", "counter", "time the vCPU spent on host CPUs");
    for (unsigned i = 0; vm_status_at(i, &st) == 0; i++) {
        uint64_t ns;
        if (vm_cpu_time_ns(st.name, &ns) == 0)
            out(j, "hv_vm_cpu_seconds_total{vm=\"%s\"} %lu.%09lu\n", st.name,
                (unsigned long)(ns / 1000000000u), (unsigned long)(ns % 1000000000u));
    }
}

static void devices(struct json_out *j)
{
    family(j, "hv_disk_size_bytes", "gauge", "disk capacity");
    for (unsigned i = 0; i < blk_count(); i++) {
        const struct blk_disk *d = blk_get(i);
        if (d)
            out(j, "hv_disk_size_bytes{disk=\"%s\"} %lu\n", d->name,
                (unsigned long)(d->dev.sector_count * d->dev.sector_size));
    }
    static const struct {
        const char *name, *help;
        size_t off;
    } nc[] = {
        { "hv_nic_rx_packets_total", "frames received", offsetof(struct nic_counters, rx_packets) },
        { "hv_nic_rx_bytes_total", "bytes received", offsetof(struct nic_counters, rx_bytes) },
        { "hv_nic_rx_errors_total", "receive errors", offsetof(struct nic_counters, rx_errors) },
        { "hv_nic_rx_dropped_total", "frames dropped", offsetof(struct nic_counters, rx_dropped) },
        { "hv_nic_tx_packets_total", "frames sent", offsetof(struct nic_counters, tx_packets) },
        { "hv_nic_tx_bytes_total", "bytes sent", offsetof(struct nic_counters, tx_bytes) },
        { "hv_nic_tx_errors_total", "send errors", offsetof(struct nic_counters, tx_errors) },
    };
    for (unsigned k = 0; k < sizeof(nc) / sizeof(nc[0]); k++) {
        family(j, nc[k].name, "counter", nc[k].help);
        for (unsigned i = 0; i < nic_count(); i++) {
            const struct nic *n = nic_get(i);
            if (n)
                out(j, "%s{nic=\"%s\"} %lu\n", nc[k].name, n->name,
                    (unsigned long)*(const uint64_t *)((const char *)&n->stats + nc[k].off));
        }
    }
}

void api_metrics(struct http_ctx *cx)
{
    struct json_out *j = &cx->resp->body;
    cx->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    uint64_t ns = timer_now_ns();
    family(j, "hv_uptime_seconds", "gauge", "time since hv booted");
    out(j, "hv_uptime_seconds %lu.%03lu\n", (unsigned long)(ns / 1000000000u),
        (unsigned long)(ns / 1000000u % 1000));
    family(j, "hv_cpus", "gauge", "CPUs hv runs on");
    out(j, "hv_cpus %u\n", cpu_count());
    family(j, "hv_memory_total_bytes", "gauge", "usable RAM");
    out(j, "hv_memory_total_bytes %lu\n", (unsigned long)pmm_usable_bytes());
    family(j, "hv_memory_free_bytes", "gauge", "RAM the page allocator has free");
    out(j, "hv_memory_free_bytes %lu\n", (unsigned long)pmm_free_bytes());
    vms(j);
    devices(j);
    family(j, "hv_audit_entries_total", "counter", "audit log entries since boot");
    out(j, "hv_audit_entries_total %lu\n", (unsigned long)audit_lines());
    family(j, "hv_audit_write_failures_total", "counter", "failed writes of AUDIT.LOG");
    out(j, "hv_audit_write_failures_total %lu\n", (unsigned long)audit_write_failures());
}

void api_audit_get(struct http_ctx *cx)
{
    size_t n;
    const char *t = audit_text(&n);
    struct json_out *j = &cx->resp->body;
    json_obj_begin(j);
    json_key(j, "file");
    json_str(j, AUDIT_FILE);
    json_key(j, "entries");
    json_arr_begin(j);
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && t[e] != '\n')
            e++;
        json_strn(j, t + i, e - i);
        i = e + 1;
    }
    json_arr_end(j);
    json_obj_end(j);
}
