/* Scheduling probe for the context options libzmq applies in its IO threads.
 *
 * libzmq sets THREAD_SCHED_POLICY, THREAD_PRIORITY and the CPU affinity when it starts an IO
 * thread and checks each step with posix_assert: a combination the system refuses aborts the
 * process. gz_probe_sched runs the same steps in a throw-away thread and returns the first
 * error (0 when all pass), so Context.set can raise instead.
 */
#ifndef GZ_SCHED_H
#define GZ_SCHED_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* CPU_SET, pthread_setaffinity_np */
#endif
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

typedef struct {
    int policy, priority, ncpus;  /* -1: leave as is; ncpus 0: no affinity */
    const int *cpus;
    int err;
} gz_sched_probe;

static void *gz_probe_thread(void *arg)
{
    gz_sched_probe *p = (gz_sched_probe *)arg;
    int policy = 0, rc, i, use_nice;
    struct sched_param param;
    p->err = 0;
    if (p->policy != -1 || p->priority != -1) {
        rc = pthread_getschedparam(pthread_self(), &policy, &param);
        if (rc) { p->err = rc; return NULL; }
        if (p->policy != -1)
            policy = p->policy;
        /* as libzmq: the real-time policies take the priority, the others a nice value */
        use_nice = policy != SCHED_FIFO && policy != SCHED_RR;
        if (p->priority != -1)
            param.sched_priority = use_nice ? 0 : p->priority;
        rc = pthread_setschedparam(pthread_self(), policy, &param);
        if (rc) { p->err = rc; return NULL; }
        if (use_nice && p->priority != -1) {
            errno = 0;
            if (nice(-20) == -1 && errno) { p->err = errno; return NULL; }
        }
    }
    if (p->ncpus) {
        cpu_set_t set;
        CPU_ZERO(&set);
        for (i = 0; i < p->ncpus; i++) {
            if (p->cpus[i] < 0 || p->cpus[i] >= CPU_SETSIZE) { p->err = EINVAL; return NULL; }
            CPU_SET(p->cpus[i], &set);
        }
        rc = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
        if (rc) { p->err = rc; return NULL; }
    }
    return NULL;
}

static int gz_probe_sched(int policy, int priority, const int *cpus, int ncpus)
{
    pthread_t t;
    gz_sched_probe p = {policy, priority, ncpus, cpus, 0};
    int rc = pthread_create(&t, NULL, gz_probe_thread, &p);
    if (rc)
        return rc;
    pthread_join(t, NULL);
    return p.err;
}

#endif /* GZ_SCHED_H */
