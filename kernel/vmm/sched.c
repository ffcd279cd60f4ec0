/* Per-AP round-robin of pinned vCPUs (see sched.h).
 *
 * An AP runs its vCPUs from inside the VEC_VMM_RUN interrupt handler (EOI
 * first, interrupts on, so the host tick keeps coming), and returns to its
 * idle loop when it has none left.  The IPI is sent only to an AP that is
 * not in that handler (`active` false), so the handler never nests. */
#include "vmm/sched.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/spinlock.h"
#include "arch/x86_64/trap.h"
#include "dev/timer.h"
#include "lib/errno.h"
#include "vmm/dev/vdev.h"
#include "vmm/vm.h"
#include "vmm/vmm.h"

struct sched_cpu {
    spinlock_t lock;
    struct vcpu *q[SCHED_MAX_PER_CPU];
    unsigned n;
    unsigned next;              /* round-robin position */
    bool active;                /* in the IPI handler, or the IPI is on its way */
};

static struct sched_cpu cpus[HV_MAX_CPUS];
static void (*finished_cb)(struct vcpu *v);
static void (*after_cb)(struct vcpu *v);

/* Can it use the CPU now?  Halted vCPUs wait for their deadline. */
static bool runnable(const struct vcpu *v, uint64_t now)
{
    const struct vm *vm = v->vm;
    if (v->stop_request || vm->reset_request)
        return true;
    if (vm->shutdown_deadline_ns && now >= vm->shutdown_deadline_ns)
        return true;
    if (vm->pause_request)
        return false;
    return !v->halted || now >= v->wake_ns;
}

static struct vcpu *pick(struct sched_cpu *sc, uint64_t now)
{
    for (unsigned k = 0; k < sc->n; k++) {
        unsigned i = (sc->next + k) % sc->n;
        if (runnable(sc->q[i], now)) {
            sc->next = i + 1;
            return sc->q[i];
        }
    }
    return NULL;
}

static void remove(struct sched_cpu *sc, struct vcpu *v)
{
    for (unsigned i = 0; i < sc->n; i++) {
        if (sc->q[i] == v) {
            for (unsigned j = i + 1; j < sc->n; j++)
                sc->q[j - 1] = sc->q[j];
            sc->n--;
            if (sc->next > i)
                sc->next--;
            return;
        }
    }
}

static void run_one(struct vcpu *v, unsigned me)
{
    enum vcpu_slice r;
    int rc = v->ops->cpu_init();
    if (rc < 0) {
        vm_set_stop_reason(v->vm, "could not enable %s on cpu %u (error %d)", v->ops->name, me, rc);
        r = VCPU_SLICE_STOPPED;
    } else {
        v->run_state = VCPU_ON_CPU;
        uint64_t t0 = timer_now_ns();
        r = vcpu_run_slice(v, t0 + SCHED_QUANTUM_NS);
        v->cpu_ns += timer_now_ns() - t0;
    }
    if (r != VCPU_SLICE_STOPPED) {
        v->run_state = r == VCPU_SLICE_HALTED ? VCPU_HALTED : VCPU_READY;
        return;
    }
    struct sched_cpu *sc = &cpus[me];
    uint64_t f = spin_lock_irqsave(&sc->lock);
    remove(sc, v);
    spin_unlock_irqrestore(&sc->lock, f);
    cpu_cli();
    finished_cb(v);
    cpu_sti();
    after_cb(v);
}

static void run_ipi(struct trap_frame *tf)
{
    (void)tf;
    unsigned me = this_cpu()->index % HV_MAX_CPUS;
    struct sched_cpu *sc = &cpus[me];
    lapic_eoi();                        /* the host tick must keep coming */
    cpu_sti();
    for (;;) {
        cpu_cli();
        spin_lock(&sc->lock);
        if (sc->n == 0) {
            /* Leave with interrupts off until the iret, so a new IPI
             * cannot nest in here. */
            sc->active = false;
            spin_unlock(&sc->lock);
            return;
        }
        struct vcpu *v = pick(sc, timer_now_ns());
        spin_unlock(&sc->lock);
        cpu_sti();
        if (v)
            run_one(v, me);
        else
            cpu_hlt();                  /* everyone sleeps: wait for the next tick */
    }
}

void sched_init(void (*finished)(struct vcpu *v), void (*after)(struct vcpu *v))
{
    finished_cb = finished;
    after_cb = after;
    for (unsigned i = 0; i < HV_MAX_CPUS; i++)
        cpus[i].lock = (spinlock_t)SPINLOCK_INIT;
    trap_set_handler(VEC_VMM_RUN, run_ipi);
}

static int least_loaded(void)
{
    int best = -1;
    for (unsigned i = 1; i < HV_MAX_CPUS; i++) {
        struct percpu *pc = percpu_get(i);
        if (!pc || !pc->online || cpus[i].n >= SCHED_MAX_PER_CPU)
            continue;
        if (best < 0 || cpus[i].n < cpus[best].n)
            best = (int)i;
    }
    return best;
}

bool sched_has_room(void)
{
    return least_loaded() >= 0;
}

int sched_add(struct vcpu *v)
{
    int best = least_loaded();
    if (best < 0)
        return -E_NOSPC;
    struct sched_cpu *sc = &cpus[best];
    v->halted = false;
    v->wake_ns = 0;
    v->run_state = VCPU_READY;
    uint64_t f = spin_lock_irqsave(&sc->lock);
    bool full = sc->n >= SCHED_MAX_PER_CPU;
    bool kick = !full && !sc->active;
    if (!full) {
        v->cpu = best;
        sc->q[sc->n++] = v;
        sc->active = true;
    }
    spin_unlock_irqrestore(&sc->lock, f);
    if (full)
        return -E_NOSPC;        /* lost a race for the last slot */
    if (kick)
        lapic_send_ipi(percpu_get((unsigned)best)->apic_id, VEC_VMM_RUN);
    return 0;
}

unsigned sched_load(unsigned cpu)
{
    return cpu < HV_MAX_CPUS ? cpus[cpu].n : 0;
}
