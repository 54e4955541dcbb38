/*
 * io.c - the I/O awaitables: read, write, recv, send, accept, connect, wait
 * for readiness, and the TCP helpers.
 *
 * Each awaitable first tries its system call.  Only EAGAIN makes it wait:
 * it asks the backend (io_epoll.c) to wake it when the fd is ready, and
 * tries again then.  So data already there costs no trip through the loop,
 * and EAGAIN never reaches the user.  One frame struct serves them all.
 *
 * Writes never raise SIGPIPE: sockets are written with MSG_NOSIGNAL, and
 * other files with SIGPIPE blocked for the call, a SIGPIPE it raised taken
 * back, so a closed peer is -EPIPE.  A regular file, which epoll cannot wait
 * on, never gives EAGAIN and is read and written directly.
 *
 * tcp_connect: a numeric address is resolved at once; a name may block
 * (DNS), so it is resolved by getaddrinfo on the thread pool: the frame
 * awaits an async_to_thread job of its own (the one runtime frame that
 * awaits), with the name copied into the frame, so the caller's string
 * need not outlive the call.
 *
 * accept: when the process is out of file descriptors, a spare one kept
 * for the purpose is closed, the pending connection accepted and closed at
 * once, and the spare reopened (libuv's trick), so that a server whose
 * accept loop meets EMFILE does not spin on a listening socket that stays
 * readable; the user gets -EMFILE, and its open connections go on.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum kind { K_READ, K_WRITE, K_RECV, K_SEND, K_ACCEPT, K_CONNECT, K_WAIT_R, K_WAIT_W, K_TCP_CONNECT };

struct io_frame {
    async_frame hdr;
    async_task *self;               /* as in async__waiting_frame */
    void *ret;                      /* ssize_t * or int *, by kind */
    int fd, flags;
    int kind, dir;
    int error;                      /* known before it starts: the result */
    bool watching;
    void *buf;                      /* read: where; write: what (const) */
    size_t len, done;
    struct sockaddr *addr;          /* accept, connect */
    socklen_t *addrlen;
    socklen_t alen;
    struct addrinfo *ai, *next;     /* tcp_connect: addresses left to try */
    struct sockaddr_storage ss;     /* connect: the address, copied */
    char *host;                     /* tcp_connect: the name, copied after
                                     * the struct (NULL: none) */
    int port;
};

static void store(struct io_frame *io, ssize_t v)
{
    if (!io->ret)
        return;
    if (io->kind == K_READ || io->kind == K_WRITE || io->kind == K_RECV || io->kind == K_SEND)
        *(ssize_t *)io->ret = v;
    else
        *(int *)io->ret = (int)v;
}

/* write(2) that cannot raise SIGPIPE. */
static ssize_t write_nosigpipe(int fd, const void *buf, size_t len)
{
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n >= 0 || errno != ENOTSOCK)
        return n;
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    sigset_t pending;
    sigpending(&pending);
    bool was_pending = sigismember(&pending, SIGPIPE);
    n = write(fd, buf, len);
    int e = errno;
    if (n < 0 && e == EPIPE && !was_pending) {
        struct timespec zero = { 0, 0 };
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = e;
    return n;
}

/* The process is out of fds: drop one pending connection through a spare
 * fd, so that the listening socket does not stay readable for nothing. */
static _Thread_local int spare_fd = -1;

/* True when a connection was pending (and dropped). */
static bool drop_pending(int lfd)
{
    if (spare_fd < 0)
        return true;    /* cannot tell: report EMFILE */
    close(spare_fd);
    int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    int e = errno;
    if (c >= 0)
        close(c);
    spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    return c >= 0 || (e != EAGAIN && e != EWOULDBLOCK);
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0))
        return -errno;
    int fdfl = fcntl(fd, F_GETFD);
    if (fdfl >= 0 && !(fdfl & FD_CLOEXEC))
        fcntl(fd, F_SETFD, fdfl | FD_CLOEXEC);
    return 0;
}

static int start_connect(struct io_frame *io, const struct sockaddr *sa, socklen_t len)
{
    int r;
    do
        r = connect(io->fd, sa, len);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return 0;
    return errno == EINPROGRESS ? -EAGAIN : -errno;
}

static int next_address(struct io_frame *io);
static int resolve(const char *host, int port, int flags, struct addrinfo **out);

/* One step: the system call.  -EAGAIN: wait in io->dir.  Else the result. */
static ssize_t attempt(struct io_frame *io)
{
    ssize_t n;
    for (;;) {
        switch (io->kind) {
        case K_READ:
            n = read(io->fd, io->buf, io->len);
            break;
        case K_RECV:
            n = recv(io->fd, io->buf, io->len, io->flags);
            break;
        case K_WRITE:
        case K_SEND:
            while (io->done < io->len) {
                const char *p = (const char *)io->buf + io->done;
                n = io->kind == K_SEND
                        ? send(io->fd, p, io->len - io->done, io->flags | MSG_NOSIGNAL)
                        : write_nosigpipe(io->fd, p, io->len - io->done);
                if (n < 0) {
                    if (errno == EINTR)
                        continue;
                    return -errno;      /* EAGAIN included: wait, go on */
                }
                io->done += (size_t)n;
            }
            return (ssize_t)io->done;
        case K_ACCEPT:
            n = accept4(io->fd, io->addr, io->addrlen, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (n < 0 && (errno == EMFILE || errno == ENFILE)) {
                /* Linux says EMFILE before it looks at the queue: with
                 * nothing pending, wait like EAGAIN. */
                int e = errno;
                return drop_pending(io->fd) ? -e : -EAGAIN;
            }
            break;
        case K_CONNECT:
        case K_TCP_CONNECT: {
            /* Woken writable: how did the connect end? */
            int err = 0;
            socklen_t l = sizeof err;
            if (getsockopt(io->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
                err = errno;
            if (err == EINPROGRESS || err == EALREADY)
                return -EAGAIN;
            if (err == 0)
                return io->kind == K_TCP_CONNECT ? io->fd : 0;
            if (io->kind == K_TCP_CONNECT) {
                close(io->fd);
                io->fd = -1;
                errno = err;
                int r = next_address(io);
                if (r != -EAGAIN)
                    return r;
                return -EAGAIN;
            }
            return -err;
        }
        case K_WAIT_R:
        case K_WAIT_W:
            return 0;
        default:
            return -EINVAL;
        }
        if (n >= 0)
            return n;
        if (errno != EINTR)
            return -errno;
    }
}

/* tcp_connect: starts a connect to the next address; the fd, -EAGAIN to
 * wait, or the last error. */
static int next_address(struct io_frame *io)
{
    int last = errno ? -errno : -ECONNREFUSED;
    while (io->next) {
        struct addrinfo *a = io->next;
        io->next = a->ai_next;
        int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            last = -errno;
            continue;
        }
        io->fd = fd;
        int r = start_connect(io, a->ai_addr, a->ai_addrlen);
        if (r == 0)
            return fd;
        if (r == -EAGAIN)
            return -EAGAIN;
        close(fd);
        io->fd = -1;
        last = r;
    }
    return last;
}

static void drop_watch(struct io_frame *io)
{
    if (io->watching) {
        async__io_unwatch(async__cur, io->fd, io->dir, &io->hdr);
        io->watching = false;
    }
}

static void release_ai(struct io_frame *io)
{
    if (io->ai) {
        freeaddrinfo(io->ai);
        io->ai = io->next = NULL;
    }
}

/* On a worker thread: the frame waits for it, and reads the result only
 * after the job is handed back (under the pool's mutex). */
static void *resolve_job(void *arg)
{
    struct io_frame *io = arg;
    io->error = resolve(io->host, io->port, AI_ADDRCONFIG, &io->ai);
    return NULL;
}

/* tcp_connect's start: resolve, then connect to the first address. */
static ssize_t tcp_connect_start(struct io_frame *io)
{
    async_frame *f = &io->hdr;
    if (f->state == 0) {
        int r = resolve(io->host, io->port, AI_ADDRCONFIG | AI_NUMERICHOST, &io->ai);
        if (r == -ENOENT && io->host) {
            /* A name: on the pool.  The job's frame is this frame's child;
             * the loop resumes this one at state 2 when it is done. */
            f->state = 2;
            if (async__await(f, async__new_async_to_thread(ASYNC__AWAIT, NULL, resolve_job, io)))
                return -EINPROGRESS;
        } else if (r < 0) {
            return r;
        }
    }
    if (f->state == 2 && io->error)
        return io->error;
    io->next = io->ai;
    errno = 0;
    return next_address(io);
}

static int io_resume(async_frame *f)
{
    struct io_frame *io = (struct io_frame *)f;
    ssize_t r;
    if (f->state == ASYNC__UNWIND) {
        drop_watch(io);
        if (io->kind == K_TCP_CONNECT) {
            if (io->fd >= 0)
                close(io->fd);
            release_ai(io);
        }
        return ASYNC__DONE;
    }
    if (f->state == 0 && io->error)
        r = io->error;
    else if ((f->state == 0 || f->state == 2) && io->kind == K_TCP_CONNECT) {
        r = tcp_connect_start(io);
        if (r == -EINPROGRESS)
            return ASYNC__SUSPENDED;    /* resolving on the pool */
    }
    else if (f->state == 0 && io->kind == K_CONNECT)
        r = start_connect(io, (struct sockaddr *)&io->ss, io->alen);
    else if (f->state == 0 && (io->kind == K_WAIT_R || io->kind == K_WAIT_W))
        r = -EAGAIN;
    else
        r = attempt(io);
    if (r == -EAGAIN || r == -EWOULDBLOCK) {
        int w = async__io_watch(async__cur, io->fd, io->dir, f);
        if (w == 0) {
            io->watching = true;
            io->self = async__cur->current;
            f->state = 1;
            return ASYNC__SUSPENDED;
        }
        r = w;
    }
    if (io->kind == K_TCP_CONNECT) {
        if (r < 0 && io->fd >= 0) {
            close(io->fd);
            io->fd = -1;
        }
        release_ai(io);
    }
    store(io, r);
    return ASYNC__DONE;
}

static void io_cancel(async_task *t, async_frame *f)
{
    drop_watch((struct io_frame *)f);
    async__make_ready(async__cur, t);
}

void async__io_ready(async__loop *loop, async_frame *f)
{
    if (f == &loop->special[ASYNC__SP_POOL]) {
        async__pool_wakeup(loop);   /* thread_pool.c's eventfd */
        return;
    }
    struct io_frame *io = (struct io_frame *)f;
    io->watching = false;
    async__make_ready(loop, io->self);
}

static const async__rtinfo io_info = {
    { io_resume, "async_io", async__rt_file, async__rt_lines, 1, 0, 0, 0 },
    "io", io_cancel, NULL, NULL,
};

static struct io_frame *io_new_extra(unsigned mode, void *ret, int kind, int fd, size_t extra)
{
    struct io_frame *io = (struct io_frame *)async__frame_new(sizeof *io + extra, &io_info.info, mode);
    if (!io)
        return NULL;
    memset((char *)io + sizeof io->hdr, 0, sizeof *io - sizeof io->hdr);
    io->ret = ret;
    io->kind = kind;
    io->fd = fd;
    io->dir = (kind == K_READ || kind == K_RECV || kind == K_ACCEPT || kind == K_WAIT_R)
                  ? ASYNC__IO_READ : ASYNC__IO_WRITE;
    return io;
}

static struct io_frame *io_new(unsigned mode, void *ret, int kind, int fd)
{
    return io_new_extra(mode, ret, kind, fd, 0);
}

async_frame *async__new_async_read(unsigned mode, ssize_t *ret, int fd, void *buf, size_t len)
{
    struct io_frame *io = io_new(mode, ret, K_READ, fd);
    if (io) {
        io->buf = buf;
        io->len = len;
    }
    return io ? &io->hdr : NULL;
}

async_frame *async__new_async_write(unsigned mode, ssize_t *ret, int fd, const void *buf, size_t len)
{
    struct io_frame *io = io_new(mode, ret, K_WRITE, fd);
    if (io) {
        io->buf = (void *)(uintptr_t)buf;
        io->len = len;
    }
    return io ? &io->hdr : NULL;
}

async_frame *async__new_async_recv(unsigned mode, ssize_t *ret, int fd, void *buf, size_t len, int flags)
{
    struct io_frame *io = io_new(mode, ret, K_RECV, fd);
    if (io) {
        io->buf = buf;
        io->len = len;
        io->flags = flags;
    }
    return io ? &io->hdr : NULL;
}

async_frame *async__new_async_send(unsigned mode, ssize_t *ret, int fd, const void *buf, size_t len, int flags)
{
    struct io_frame *io = io_new(mode, ret, K_SEND, fd);
    if (io) {
        io->buf = (void *)(uintptr_t)buf;
        io->len = len;
        io->flags = flags;
    }
    return io ? &io->hdr : NULL;
}

async_frame *async__new_async_accept(unsigned mode, int *ret, int listen_fd, struct sockaddr *addr, socklen_t *addrlen)
{
    if (spare_fd < 0)
        spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    struct io_frame *io = io_new(mode, ret, K_ACCEPT, listen_fd);
    if (io) {
        io->addr = addr;
        io->addrlen = addrlen;
    }
    return io ? &io->hdr : NULL;
}

async_frame *async__new_async_connect(unsigned mode, int *ret, int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    struct io_frame *io = io_new(mode, ret, K_CONNECT, fd);
    if (!io)
        return NULL;
    if (!addr || addrlen > sizeof io->ss) {
        io->error = -EINVAL;
    } else {
        memcpy(&io->ss, addr, addrlen);
        io->alen = addrlen;
        int r = set_nonblock(fd);
        if (r < 0)
            io->error = r;
    }
    return &io->hdr;
}

async_frame *async__new_async_wait_readable(unsigned mode, int *ret, int fd)
{
    struct io_frame *io = io_new(mode, ret, K_WAIT_R, fd);
    return io ? &io->hdr : NULL;
}

async_frame *async__new_async_wait_writable(unsigned mode, int *ret, int fd)
{
    struct io_frame *io = io_new(mode, ret, K_WAIT_W, fd);
    return io ? &io->hdr : NULL;
}

static int resolve(const char *host, int port, int flags, struct addrinfo **out)
{
    if (port < 0 || port > 65535)
        return -EINVAL;
    char service[8];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags | AI_NUMERICSERV;
    int r = getaddrinfo(host, service, &hints, out);
    if (r == 0)
        return 0;
    if (r == EAI_SYSTEM)
        return -errno;
    if (r == EAI_MEMORY)
        return -ENOMEM;
    return -ENOENT;     /* the name does not resolve */
}

async_frame *async__new_async_tcp_connect(unsigned mode, int *ret, const char *host, int port)
{
    /* The name goes after the struct; resolving waits for the await
     * (tcp_connect_start), so that a task that never starts holds nothing
     * to free. */
    size_t n = host ? strlen(host) + 1 : 0;
    struct io_frame *io = io_new_extra(mode, ret, K_TCP_CONNECT, -1, n);
    if (!io)
        return NULL;
    if (host) {
        io->host = (char *)(io + 1);
        memcpy(io->host, host, n);
    }
    io->port = port;
    return &io->hdr;
}

int async_tcp_listen(const char *host, int port, int backlog)
{
    struct addrinfo *ai;
    int r = resolve(host, port, AI_PASSIVE, &ai);
    if (r < 0)
        return r;
    int fd = -1;
    r = -EADDRNOTAVAIL;
    for (struct addrinfo *a = ai; a; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            r = -errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, backlog) == 0)
            break;
        r = -errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(ai);
    return fd >= 0 ? fd : r;
}
