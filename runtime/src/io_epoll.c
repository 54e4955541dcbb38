/*
 * io_epoll.c - the loop's I/O backend for Linux.
 *
 * The loop sees I/O only through the four functions of internal.h
 * (async__io_init, _close, _pending, _poll), so a poll or kqueue backend is
 * another file that defines them, and the build picks one, as libuv does.
 * No awaitable registers a file descriptor yet; until one does, polling is
 * waiting for the first timer, and the epoll descriptor is not even created
 * (a loop that never does I/O costs no file descriptor).
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <time.h>

int async__io_init(async__loop *loop)
{
    loop->io = NULL;
    loop->nio = 0;
    return 0;
}

void async__io_close(async__loop *loop)
{
    loop->io = NULL;
}

void async__io_poll(async__loop *loop, uint64_t deadline)
{
    (void)loop;
    if (deadline == 0 || deadline == UINT64_MAX)
        return;
    struct timespec ts = {
        .tv_sec = (time_t)(deadline / 1000000000u),
        .tv_nsec = (long)(deadline % 1000000000u),
    };
    /* Absolute, so that an interrupted sleep just sleeps again. */
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
        ;
}
