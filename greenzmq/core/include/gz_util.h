/* Small C helpers the core needs and Cython cannot express directly. */
#ifndef GZ_UTIL_H
#define GZ_UTIL_H

#include <dlfcn.h>
#include <errno.h>
#include <time.h>

/* seconds on the monotonic clock (timeouts, Stopwatch) */
static double gz_monotonic(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* a libzmq symbol that only some builds have (draft API), or NULL */
static void *gz_dlsym(const char *name)
{
    return dlsym(RTLD_DEFAULT, name);
}

/* restore errno after cleanup calls (zmq_msg_close) that may reset it */
static void gz_errno_set(int e)
{
    errno = e;
}

#endif /* GZ_UTIL_H */
