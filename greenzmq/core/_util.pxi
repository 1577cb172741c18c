# Errors, C helpers, and the zero-copy release queue.
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.buffer cimport PyObject_GetBuffer, PyBuffer_Release, PyBUF_ANY_CONTIGUOUS, PyBUF_WRITABLE, PyBuffer_FillInfo, PyObject_CheckBuffer
from cpython.exc cimport PyErr_CheckSignals
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF, Py_XDECREF
from libc.errno cimport EAGAIN, EINTR, EINVAL, EFAULT, EBUSY

cdef extern from "errno.h":
    enum: ENOTSOCK, ENOTSUP, EPROTONOSUPPORT
from libc.stdlib cimport malloc, free, realloc
from libc.string cimport memcpy, strlen

cdef extern from *:
    """
    #include <pthread.h>
    #include <unistd.h>
    #include <time.h>
    #include <errno.h>
    #include <dlfcn.h>
    #include <Python.h>

    /* A zero-copy frame's libzmq free callback runs in libzmq's IO thread and must never take
       the GIL: it marks the tracker flag, queues the hint and signals. Python references are
       dropped later by the drainer thread (or by the next zero-copy send), with the GIL. */
    typedef struct gz_hint {
        PyObject *owner;
        Py_buffer view;
        int has_view;
        int *done_ptr;
        PyObject *flag;
        struct gz_hint *next;
    } gz_hint;

    static pthread_mutex_t gz_lock = PTHREAD_MUTEX_INITIALIZER;
    static pthread_cond_t gz_cond = PTHREAD_COND_INITIALIZER;
    static gz_hint *gz_pending = NULL;
    static unsigned long gz_generation = 0;

    static void gz_free(void *data, void *hint_) {
        gz_hint *h = (gz_hint *)hint_;
        (void)data;
        if (h->done_ptr) __atomic_store_n(h->done_ptr, 1, __ATOMIC_RELEASE);
        pthread_mutex_lock(&gz_lock);
        h->next = gz_pending;
        gz_pending = h;
        gz_generation++;
        pthread_cond_broadcast(&gz_cond);
        pthread_mutex_unlock(&gz_lock);
    }

    static int gz_has_pending(void) {
        return __atomic_load_n(&gz_pending, __ATOMIC_ACQUIRE) != NULL;
    }

    /* take the whole pending list; block until there is one when wait != 0 */
    static gz_hint *gz_take(int wait) {
        gz_hint *h;
        pthread_mutex_lock(&gz_lock);
        while (wait && gz_pending == NULL) pthread_cond_wait(&gz_cond, &gz_lock);
        h = gz_pending;
        gz_pending = NULL;
        pthread_mutex_unlock(&gz_lock);
        return h;
    }

    static unsigned long gz_gen(void) {
        unsigned long g;
        pthread_mutex_lock(&gz_lock);
        g = gz_generation;
        pthread_mutex_unlock(&gz_lock);
        return g;
    }

    /* wait until the generation moves past gen or timeout_ms passes (<0: forever) */
    static void gz_wait_gen(unsigned long gen, long timeout_ms) {
        struct timespec ts;
        if (timeout_ms >= 0) {
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += timeout_ms / 1000;
            ts.tv_nsec += (timeout_ms % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) { ts.tv_sec += 1; ts.tv_nsec -= 1000000000L; }
        }
        pthread_mutex_lock(&gz_lock);
        while (gz_generation == gen) {
            if (timeout_ms < 0) pthread_cond_wait(&gz_cond, &gz_lock);
            else if (pthread_cond_timedwait(&gz_cond, &gz_lock, &ts) == ETIMEDOUT) break;
        }
        pthread_mutex_unlock(&gz_lock);
    }

    static void gz_atfork_child(void) {
        pthread_mutex_init(&gz_lock, NULL);
        pthread_cond_init(&gz_cond, NULL);
        gz_pending = NULL;  /* the parent's frames are not ours to release */
    }

    static int gz_load_int(int *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

    static double gz_monotonic(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec * 1e-9;
    }

    /* libzmq's IO threads apply THREAD_SCHED_POLICY, THREAD_PRIORITY and the CPU affinity
       with posix_assert: a combination the system refuses aborts the process. Try the same
       steps in a throwaway thread first and report the first error instead. */
    #include <sched.h>
    #include <sys/resource.h>
    typedef struct { int policy, priority, ncpus; const int *cpus; int err; } gz_sched_probe;

    static void *gz_probe_thread(void *arg) {
        gz_sched_probe *p = (gz_sched_probe *)arg;
        int policy = 0, rc, i, use_nice;
        struct sched_param param;
        p->err = 0;
        if (p->policy != -1 || p->priority != -1) {
            rc = pthread_getschedparam(pthread_self(), &policy, &param);
            if (rc) { p->err = rc; return NULL; }
            if (p->policy != -1) policy = p->policy;
            use_nice = policy != SCHED_FIFO && policy != SCHED_RR;
            if (p->priority != -1) param.sched_priority = use_nice ? 0 : p->priority;
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

    static int gz_probe_sched(int policy, int priority, const int *cpus, int ncpus) {
        pthread_t t;
        gz_sched_probe p = {policy, priority, ncpus, cpus, 0};
        int rc = pthread_create(&t, NULL, gz_probe_thread, &p);
        if (rc) return rc;
        pthread_join(t, NULL);
        return p.err;
    }

    typedef int (*gz_msg_routing_id_fn)(void *);
    static void *gz_dlsym(const char *name) { return dlsym(RTLD_DEFAULT, name); }
    """
    ctypedef struct gz_hint:
        PyObject *owner
        Py_buffer view
        int has_view
        int *done_ptr
        PyObject *flag
        gz_hint *next
    void gz_free(void *data, void *hint) noexcept nogil
    int gz_has_pending() noexcept nogil
    gz_hint *gz_take(int wait) noexcept nogil
    unsigned long gz_gen() noexcept nogil
    void gz_wait_gen(unsigned long gen, long timeout_ms) noexcept nogil
    void gz_atfork_child() noexcept nogil
    int gz_load_int(int *p) noexcept nogil
    double gz_monotonic() noexcept nogil
    void *gz_dlsym(const char *name) noexcept nogil
    int gz_probe_sched(int policy, int priority, const int *cpus, int ncpus) noexcept nogil
    int pthread_atfork(void (*prepare)() noexcept nogil, void (*parent)() noexcept nogil, void (*child)() noexcept nogil)
    int getpid() noexcept nogil

cdef extern from "pythread.h":
    unsigned long PyThread_start_new_thread(void (*func)(void *) noexcept, void *arg)

import os as _os
import weakref as _weakref
import warnings as _warnings

from greenzmq import error as _error
from greenzmq.error import ZMQError, Again, ContextTerminated, InterruptedSystemCall, NotDone
from greenzmq.constants import (
    OPTION_TYPES as _OPTION_TYPES, STRING_OPTIONS as _STRING_OPTIONS,
    CURVE_KEY_OPTIONS as _CURVE_KEY_OPTIONS,
)

DEF _T_INT = 0
DEF _T_INT64 = 1
DEF _T_BYTES = 2
DEF _T_FD = 3
DEF _NOPTS = 256

cdef unsigned char _opt_type[_NOPTS]
cdef unsigned char _opt_string[_NOPTS]  # 1: NUL-terminated text, 2: CURVE key (z85 text)
cdef int _i
for _i in range(_NOPTS):
    _opt_type[_i] = _T_INT
    _opt_string[_i] = 0
for _k, _v in _OPTION_TYPES.items():
    _opt_type[_k] = int(_v)
for _k in _STRING_OPTIONS:
    _opt_string[_k] = 1
for _k in _CURVE_KEY_OPTIONS:
    _opt_string[_k] = 2

#: below this many bytes, copy=False still copies (pyzmq's default)
COPY_THRESHOLD = 65536
cdef Py_ssize_t _copy_threshold = COPY_THRESHOLD


def strerror(int errno):
    """The message libzmq gives for an errno."""
    return zmq_strerror(errno).decode("utf-8", "replace")


def zmq_errno():
    """libzmq's errno for the calling thread."""
    return c_zmq_errno()


cdef int _raise(int err, object detail=None) except -1:
    msg = None
    if detail is not None:
        msg = "%s (%s)" % (zmq_strerror(err).decode("utf-8", "replace"), detail)
    if err == EAGAIN:
        raise Again(err, msg)
    if err == ETERM:
        raise ContextTerminated(err, msg)
    if err == EINTR:
        raise InterruptedSystemCall(err, msg)
    raise ZMQError(err, msg)


cdef inline int _check_rc(int rc) except -1:
    if rc < 0:
        _raise(c_zmq_errno())
    return 0


cdef inline bytes _b(object s, str what):
    if isinstance(s, str):
        return (<str>s).encode("utf-8")
    if isinstance(s, bytes):
        return s
    raise TypeError("%s must be str or bytes, not %s" % (what, type(s).__name__))


# --- zero-copy release -------------------------------------------------------------------

cdef bint _drainer_started = False
cdef int _drainer_pid = 0


cdef void _release(gz_hint *h) noexcept:
    cdef gz_hint *nxt
    while h != NULL:
        nxt = h.next
        if h.has_view:
            PyBuffer_Release(&h.view)
        Py_XDECREF(h.owner)
        Py_XDECREF(h.flag)
        free(h)
        h = nxt


cdef void _drainer(void *arg) noexcept nogil:
    cdef gz_hint *h
    while True:
        h = gz_take(1)
        with gil:
            _release(h)


cdef void _atfork_child() noexcept nogil:
    gz_atfork_child()


pthread_atfork(NULL, NULL, _atfork_child)


cdef inline void _drain_now() noexcept:
    if gz_has_pending():
        _release(gz_take(0))


cdef int _ensure_drainer() except -1:
    global _drainer_started, _drainer_pid
    cdef int pid = getpid()
    if not _drainer_started or _drainer_pid != pid:
        # a real OS thread even after monkey patching: the C API, not the threading module
        if PyThread_start_new_thread(_drainer, NULL) == <unsigned long>-1:
            raise RuntimeError("cannot start the zero-copy release thread")
        _drainer_started = True
        _drainer_pid = pid
    return 0


cdef gz_hint *_new_hint(object data, _Flag flag) except NULL:
    """Pin data's buffer for libzmq; the hint is freed by _release once libzmq is done."""
    cdef gz_hint *h = <gz_hint *>malloc(sizeof(gz_hint))
    if h == NULL:
        raise MemoryError()
    h.owner = NULL
    h.has_view = 0
    h.done_ptr = NULL
    h.flag = NULL
    h.next = NULL
    try:
        PyObject_GetBuffer(data, &h.view, PyBUF_ANY_CONTIGUOUS)
    except BaseException:
        free(h)
        raise
    h.has_view = 1
    h.owner = <PyObject *>data
    Py_INCREF(data)
    if flag is not None:
        h.flag = <PyObject *>flag
        Py_INCREF(flag)
        h.done_ptr = &flag.done
    return h


cdef int _init_zerocopy(zmq_msg_t *msg, object data, _Flag flag) except -1:
    cdef gz_hint *h
    _ensure_drainer()
    _drain_now()
    h = _new_hint(data, flag)
    if zmq_msg_init_data(msg, h.view.buf, <size_t>h.view.len, gz_free, h) < 0:
        _release(h)
        _raise(c_zmq_errno())
    return 0
