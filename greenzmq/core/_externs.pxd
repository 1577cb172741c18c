# The core's own C (greenzmq/core/include/*.h) and the few system/CPython calls Cython's
# bundled declarations lack. libzmq's API is in libzmq.pxd.
from cpython.object cimport PyObject


cdef extern from "gz_release.h":
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


cdef extern from "gz_sched.h":
    int gz_probe_sched(int policy, int priority, const int *cpus, int ncpus) noexcept nogil


cdef extern from "gz_util.h":
    double gz_monotonic() noexcept nogil
    void *gz_dlsym(const char *name) noexcept nogil
    void gz_errno_set(int e) noexcept nogil


cdef extern from "<pthread.h>":
    int pthread_atfork(void (*prepare)() noexcept nogil, void (*parent)() noexcept nogil,
                       void (*child)() noexcept nogil)


cdef extern from "<unistd.h>":
    int getpid() noexcept nogil
    int fd_close "close"(int fd) noexcept nogil


cdef extern from "pythread.h":
    unsigned long PyThread_start_new_thread(void (*func)(void *) noexcept, void *arg)


cdef extern from "<poll.h>" nogil:
    enum: POLLIN
    struct pollfd:
        int fd
        short events
        short revents
    int poll(pollfd *fds, unsigned long nfds, int timeout)


cdef extern from "<sys/eventfd.h>" nogil:
    enum: EFD_CLOEXEC, EFD_NONBLOCK
    int eventfd(unsigned int initval, int flags)
    int eventfd_write(int fd, unsigned long long value)
