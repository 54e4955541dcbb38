/*
 * io_epoll.c - the loop's I/O backend for Linux.
 *
 * The loop and io.c see I/O only through the functions of internal.h
 * (async__io_init, _close, _pending, _poll, _watch, _unwatch), so a poll or
 * kqueue backend is another file that defines them, and the build picks
 * one, as libuv does.
 *
 * One table entry per fd: the frame waiting to read, the frame waiting to
 * write, and the interest registered with epoll.  Interest is level-
 * triggered and dropped lazily: when a waiter is woken it stays registered,
 * and only an event that finds no waiter removes it.  A server that reads,
 * writes and reads again so makes no epoll_ctl call in its steady state.
 * The epoll descriptor and the table are created at the first wait: a loop
 * that never does I/O costs no file descriptor.
 *
 * An fd closed while registered leaves epoll by itself; its number may come
 * back as a new file, so a MOD that finds it gone becomes an ADD, and an ADD
 * that finds it there becomes a MOD.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

struct watch {
    async_frame *waiter[2];     /* ASYNC__IO_READ, ASYNC__IO_WRITE */
    uint32_t events;            /* registered with epoll */
};

struct io {
    int epfd;
    int nwatch;                 /* entries in the table */
    struct watch *table;        /* by fd */
};

int async__io_init(async__loop *loop)
{
    loop->io = NULL;
    loop->nio = 0;
    return 0;
}

void async__io_close(async__loop *loop)
{
    struct io *io = loop->io;
    if (io) {
        close(io->epfd);
        async__free(io->table);
        async__free(io);
    }
    loop->io = NULL;
}

/* The backend's state, made at the first wait; NULL with *err set. */
static struct io *get_io(async__loop *loop, int *err)
{
    struct io *io = loop->io;
    if (io)
        return io;
    io = async__alloc(sizeof *io);
    if (!io) {
        *err = -ENOMEM;
        return NULL;
    }
    io->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (io->epfd < 0) {
        *err = -errno;
        async__free(io);
        return NULL;
    }
    io->nwatch = 0;
    io->table = NULL;
    loop->io = io;
    return io;
}

static int set_interest(struct io *io, int fd, struct watch *w, uint32_t events)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.fd = fd;
    int op = events == 0 ? EPOLL_CTL_DEL : w->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    int r = epoll_ctl(io->epfd, op, fd, &ev);
    if (r < 0 && errno == ENOENT && op != EPOLL_CTL_ADD)
        r = op == EPOLL_CTL_DEL ? 0 : epoll_ctl(io->epfd, EPOLL_CTL_ADD, fd, &ev);
    else if (r < 0 && errno == EEXIST)
        r = epoll_ctl(io->epfd, EPOLL_CTL_MOD, fd, &ev);
    if (r < 0)
        return -errno;
    w->events = events;
    return 0;
}

int async__io_watch(async__loop *loop, int fd, int dir, async_frame *f)
{
    if (fd < 0)
        return -EBADF;
    int err = 0;
    struct io *io = get_io(loop, &err);
    if (!io)
        return err;
    if (fd >= io->nwatch) {
        int n = io->nwatch ? io->nwatch : 64;
        while (n <= fd)
            n *= 2;
        struct watch *t = async__realloc(io->table, (size_t)n * sizeof *t);
        if (!t)
            return -ENOMEM;
        memset(t + io->nwatch, 0, (size_t)(n - io->nwatch) * sizeof *t);
        io->table = t;
        io->nwatch = n;
    }
    struct watch *w = &io->table[fd];
    if (w->waiter[dir])
        return -EBUSY;
    uint32_t want = dir == ASYNC__IO_READ ? EPOLLIN : EPOLLOUT;
    if (!(w->events & want)) {
        int r = set_interest(io, fd, w, w->events | want);
        if (r < 0)
            return r;
    }
    w->waiter[dir] = f;
    loop->nio++;
    return 0;
}

void async__io_unwatch(async__loop *loop, int fd, int dir, async_frame *f)
{
    struct io *io = loop->io;
    if (!io || fd < 0 || fd >= io->nwatch || io->table[fd].waiter[dir] != f)
        return;
    io->table[fd].waiter[dir] = NULL;
    loop->nio--;
    /* The interest stays, dropped by the next event that finds no waiter;
     * the fd may be closed by now, and epoll has forgotten it then. */
}

void async__io_poll(async__loop *loop, uint64_t deadline)
{
    struct io *io = loop->io;
    if (!io || loop->nio == 0) {
        if (deadline == 0 || deadline == UINT64_MAX)
            return;
        struct timespec ts = {
            .tv_sec = (time_t)(deadline / 1000000000u),
            .tv_nsec = (long)(deadline % 1000000000u),
        };
        /* Absolute, so that an interrupted sleep just sleeps again. */
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
            ;
        return;
    }
    int timeout = -1;
    if (deadline != UINT64_MAX) {
        uint64_t now = async__clock_ns();
        uint64_t ns = deadline > now ? deadline - now : 0;
        uint64_t ms = (ns + 999999) / 1000000;     /* never early */
        timeout = ms > 1000000000u ? 1000000000 : (int)ms;
    }
    struct epoll_event evs[256];
    int n = epoll_wait(io->epfd, evs, 256, timeout);
    for (int i = 0; i < n; i++) {
        int fd = evs[i].data.fd;
        if (fd < 0 || fd >= io->nwatch)
            continue;
        struct watch *w = &io->table[fd];
        uint32_t e = evs[i].events;
        uint32_t err = e & (EPOLLERR | EPOLLHUP);
        uint32_t keep = w->events;
        for (int dir = 0; dir < 2; dir++) {
            uint32_t bit = dir == ASYNC__IO_READ ? EPOLLIN : EPOLLOUT;
            if (!((e & bit) || err))
                continue;
            async_frame *f = w->waiter[dir];
            if (f) {
                w->waiter[dir] = NULL;
                loop->nio--;
                async__io_ready(loop, f);
            } else {
                keep &= ~bit;   /* nobody waits that way any more */
            }
        }
        if (keep != w->events)
            set_interest(io, fd, w, keep);
    }
}
