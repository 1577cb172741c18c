/* Zero-copy release queue: hand libzmq's free callbacks over to Python without the GIL.
 *
 * libzmq calls a zero-copy frame's free function in its IO thread. Taking the GIL there
 * deadlocks against a main thread that holds the GIL inside zmq_ctx_term(), so gz_free only
 * marks the tracker flag (atomic store), pushes the hint on a list and signals a condition
 * variable. The Python references in a hint are dropped later with the GIL held: by the
 * drainer thread (gz_take(1)) or by the next zero-copy send (gz_take(0)).
 * MessageTracker.wait sleeps on the same condition variable (gz_gen/gz_wait_gen).
 */
#ifndef GZ_RELEASE_H
#define GZ_RELEASE_H

#include <Python.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>

typedef struct gz_hint {
    PyObject *owner;      /* the object whose buffer libzmq sends from */
    Py_buffer view;       /* its pinned buffer (valid when has_view) */
    int has_view;
    int *done_ptr;        /* the tracker flag's int, or NULL when untracked */
    PyObject *flag;       /* keeps done_ptr alive */
    struct gz_hint *next;
} gz_hint;

static pthread_mutex_t gz_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gz_cond = PTHREAD_COND_INITIALIZER;
static gz_hint *gz_pending = NULL;
/* moves on every release, so a waiter can tell "something was released" from a wake-up */
static unsigned long gz_generation = 0;

/* libzmq's free callback (IO thread, no GIL) */
static void gz_free(void *data, void *hint_)
{
    gz_hint *h = (gz_hint *)hint_;
    (void)data;
    if (h->done_ptr)
        __atomic_store_n(h->done_ptr, 1, __ATOMIC_RELEASE);
    pthread_mutex_lock(&gz_lock);
    h->next = gz_pending;
    gz_pending = h;
    gz_generation++;
    pthread_cond_broadcast(&gz_cond);
    pthread_mutex_unlock(&gz_lock);
}

static int gz_has_pending(void)
{
    return __atomic_load_n(&gz_pending, __ATOMIC_ACQUIRE) != NULL;
}

/* take the whole pending list; with wait != 0, block until it is not empty */
static gz_hint *gz_take(int wait)
{
    gz_hint *h;
    pthread_mutex_lock(&gz_lock);
    while (wait && gz_pending == NULL)
        pthread_cond_wait(&gz_cond, &gz_lock);
    h = gz_pending;
    gz_pending = NULL;
    pthread_mutex_unlock(&gz_lock);
    return h;
}

static unsigned long gz_gen(void)
{
    unsigned long g;
    pthread_mutex_lock(&gz_lock);
    g = gz_generation;
    pthread_mutex_unlock(&gz_lock);
    return g;
}

/* wait until the generation moves past gen, or timeout_ms passes (< 0: no timeout) */
static void gz_wait_gen(unsigned long gen, long timeout_ms)
{
    struct timespec ts;
    if (timeout_ms >= 0) {
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += timeout_ms / 1000;
        ts.tv_nsec += (timeout_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec += 1;
            ts.tv_nsec -= 1000000000L;
        }
    }
    pthread_mutex_lock(&gz_lock);
    while (gz_generation == gen) {
        if (timeout_ms < 0)
            pthread_cond_wait(&gz_cond, &gz_lock);
        else if (pthread_cond_timedwait(&gz_cond, &gz_lock, &ts) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&gz_lock);
}

/* pthread_atfork child handler: the lock may have been held by a thread that is gone */
static void gz_atfork_child(void)
{
    pthread_mutex_init(&gz_lock, NULL);
    pthread_cond_init(&gz_cond, NULL);
    gz_pending = NULL;  /* the parent's frames are not ours to release */
}

/* a tracker flag written by gz_free in another thread */
static int gz_load_int(int *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

#endif /* GZ_RELEASE_H */
