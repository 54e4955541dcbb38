/*
 * test_io.c - the I/O awaitables on pipes, socket pairs, regular files and
 * TCP over loopback: waiting for data, EOF, -EPIPE without SIGPIPE, writes
 * that wait for room, -EBUSY for a second waiter, cancelling a waiter, a
 * loop that shuts down with a task blocked on a read, and an echo server.
 */
#define _GNU_SOURCE
#include "co_lib.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define READ(r, fd, b, n)   async__new_async_read(ASYNC__AWAIT, (r), (fd), (b), (n))
#define WRITE(r, fd, b, n)  async__new_async_write(ASYNC__AWAIT, (r), (fd), (b), (n))

/* reader(fd): reads until EOF, logging what it got. */
struct reader { async_frame hdr; int *ret; int fd; ssize_t n; char buf[64]; };
CO_FN(reader);
static int reader_resume(async_frame *fr)
{
    CO_BEGIN(struct reader, s, fr);
    for (;;) {
        CO_AWAIT(s, 1, READ(&s->n, s->fd, s->buf, sizeof s->buf - 1));
        if (s->n <= 0)
            break;
        s->buf[s->n] = '\0';
        LOG("read %s", s->buf);
    }
    LOG("eof %d", (int)s->n);
    CO_EXIT(s);
    if (CO_UNWINDING(s))
        LOG("reader unwound");
    CO_DONE();
}
CO_NEW(reader, struct reader, (unsigned mode, int fd), s->ret = NULL; s->fd = fd;)

struct pmain { async_frame hdr; int *ret; int p[2]; async_task *r; ssize_t n; int busy; async_task *r2; };
CO_FN(pmain);
static int pmain_resume(async_frame *fr)
{
    CO_BEGIN(struct pmain, s, fr);
    assert_int_equal(pipe2(s->p, O_NONBLOCK | O_CLOEXEC), 0);
    s->r = SPAWN(new_reader(ASYNC__TASK, s->p[0]));
    CO_AWAIT(s, 1, SLEEP(0.002));                    /* it waits: no data */
    LOG("write");
    CO_AWAIT(s, 2, WRITE(&s->n, s->p[1], "hello", 5));
    assert_int_equal(s->n, 5);
    CO_AWAIT(s, 3, SLEEP(0.002));
    /* A second reader on the same fd: -EBUSY. */
    CO_AWAIT(s, 4, async__new_async_wait_readable(ASYNC__AWAIT, &s->busy, s->p[0]));
    assert_int_equal(s->busy, -EBUSY);
    CO_AWAIT(s, 5, WRITE(&s->n, s->p[1], "world", 5));
    CO_AWAIT(s, 6, SLEEP(0.002));
    close(s->p[1]);
    CO_AWAIT(s, 7, AWAIT_TASK(NULL, s->r));
    assert_int_equal(async_task_status(s->r), 0);
    async_task_release(s->r);
    close(s->p[0]);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(pmain, struct pmain, (unsigned mode), s->ret = NULL;)

static void pipe_read_waits_for_data(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_pmain(ASYNC__MAIN)), 0);
    assert_string_equal(co_log, "write read hello read world eof 0");
    check_clean();
}

/* A write bigger than the pipe waits for the reader to make room; a write
 * to a pipe with no reader is -EPIPE, and the process lives on. */
struct drain { async_frame hdr; int *ret; int fd; ssize_t n, total; char buf[4096]; };
CO_FN(drain);
static int drain_resume(async_frame *fr)
{
    CO_BEGIN(struct drain, s, fr);
    s->total = 0;
    do {
        CO_AWAIT(s, 1, READ(&s->n, s->fd, s->buf, sizeof s->buf));
        if (s->n > 0)
            s->total += s->n;
    } while (s->n > 0);
    CO_RETURN(s, (int)s->total);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(drain, struct drain, (unsigned mode, int *ret, int fd), s->ret = ret; s->fd = fd;)

#define BIG (1 << 20)
struct wmain { async_frame hdr; int *ret; int p[2]; async_task *d; int got; ssize_t n; char *data; };
CO_FN(wmain);
static int wmain_resume(async_frame *fr)
{
    CO_BEGIN(struct wmain, s, fr);
    assert_int_equal(pipe2(s->p, O_NONBLOCK | O_CLOEXEC), 0);
    s->data = calloc(1, BIG);
    s->d = SPAWN(new_drain(ASYNC__TASK, &s->got, s->p[0]));
    CO_AWAIT(s, 1, WRITE(&s->n, s->p[1], s->data, BIG));
    assert_int_equal(s->n, BIG);
    close(s->p[1]);
    CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->d));
    assert_int_equal(s->got, BIG);
    async_task_release(s->d);
    /* No reader now. */
    assert_int_equal(pipe2(s->p, O_NONBLOCK | O_CLOEXEC), 0);
    close(s->p[0]);
    CO_AWAIT(s, 3, WRITE(&s->n, s->p[1], "x", 1));
    assert_int_equal(s->n, -EPIPE);
    close(s->p[1]);
    /* Nor through a socket. */
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s->p), 0);
    close(s->p[0]);
    CO_AWAIT(s, 4, WRITE(&s->n, s->p[1], "x", 1));
    assert_int_equal(s->n, -EPIPE);
    close(s->p[1]);
    free(s->data);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(wmain, struct wmain, (unsigned mode), s->ret = NULL;)

static void write_waits_and_epipe(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_wmain(ASYNC__MAIN)), 0);
    check_clean();
}

/* A regular file: read and written directly. */
struct fmain { async_frame hdr; int *ret; int fd; ssize_t n; char buf[16]; };
CO_FN(fmain);
static int fmain_resume(async_frame *fr)
{
    CO_BEGIN(struct fmain, s, fr);
    {
        FILE *f = tmpfile();
        s->fd = dup(fileno(f));
        fclose(f);
    }
    CO_AWAIT(s, 1, WRITE(&s->n, s->fd, "file data", 9));
    assert_int_equal(s->n, 9);
    lseek(s->fd, 0, SEEK_SET);
    CO_AWAIT(s, 2, READ(&s->n, s->fd, s->buf, sizeof s->buf));
    assert_int_equal(s->n, 9);
    assert_memory_equal(s->buf, "file data", 9);
    CO_AWAIT(s, 3, READ(&s->n, s->fd, s->buf, sizeof s->buf));
    assert_int_equal(s->n, 0);
    close(s->fd);
    CO_AWAIT(s, 4, READ(&s->n, s->fd, s->buf, sizeof s->buf));
    assert_int_equal(s->n, -EBADF);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(fmain, struct fmain, (unsigned mode), s->ret = NULL;)

static void regular_file(void **state)
{
    (void)state;
    assert_int_equal(async__run(new_fmain(ASYNC__MAIN)), 0);
    check_clean();
}

/* Cancelling a reader: it stops waiting, and the fd is free for another. */
struct cmain { async_frame hdr; int *ret; int p[2]; async_task *r; ssize_t n; };
CO_FN(cmain);
static int cmain_resume(async_frame *fr)
{
    CO_BEGIN(struct cmain, s, fr);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s->p), 0);
    s->r = SPAWN(new_reader(ASYNC__TASK, s->p[0]));
    CO_AWAIT(s, 1, SLEEP(0.001));
    assert_true(async_task_cancel(s->r));
    CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->r));
    assert_true(async_task_cancelled(s->r));
    async_task_release(s->r);
    s->r = SPAWN(new_reader(ASYNC__TASK, s->p[0]));
    CO_AWAIT(s, 3, WRITE(&s->n, s->p[1], "again", 5));
    CO_AWAIT(s, 4, SLEEP(0.001));
    /* Left blocked on its read: the shutdown cancels it. */
    async_task_release(s->r);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(cmain, struct cmain, (unsigned mode, int *fds), s->ret = fds;)

static void cancel_reader_and_shutdown(void **state)
{
    (void)state;
    log_clear();
    assert_int_equal(async__run(new_cmain(ASYNC__MAIN, NULL)), 0);
    assert_string_equal(co_log, "reader unwound read again reader unwound");
    check_clean();
}

/* TCP echo over loopback. */
struct echo_conn { async_frame hdr; int *ret; int fd; ssize_t n, w; char buf[256]; };
CO_FN(echo_conn);
static int echo_conn_resume(async_frame *fr)
{
    CO_BEGIN(struct echo_conn, s, fr);
    for (;;) {
        CO_AWAIT(s, 1, READ(&s->n, s->fd, s->buf, sizeof s->buf));
        if (s->n <= 0)
            break;
        CO_AWAIT(s, 2, WRITE(&s->w, s->fd, s->buf, (size_t)s->n));
        if (s->w < 0)
            break;
    }
    CO_EXIT(s);
    close(s->fd);
    CO_DONE();
}
CO_NEW(echo_conn, struct echo_conn, (unsigned mode, int fd), s->ret = NULL; s->fd = fd;)

struct server { async_frame hdr; int *ret; int lfd, c, i; };
CO_FN(server);
static int server_resume(async_frame *fr)
{
    CO_BEGIN(struct server, s, fr);
    for (s->i = 0; s->i < 3; s->i++) {
        CO_AWAIT(s, 1, async__new_async_accept(ASYNC__AWAIT, &s->c, s->lfd, NULL, NULL));
        assert_true(s->c >= 0);
        assert_true(fcntl(s->c, F_GETFL) & O_NONBLOCK);
        assert_true(fcntl(s->c, F_GETFD) & FD_CLOEXEC);
        async_task_release(SPAWN(new_echo_conn(ASYNC__TASK, s->c)));
    }
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(server, struct server, (unsigned mode, int lfd), s->ret = NULL; s->lfd = lfd;)

struct client { async_frame hdr; int *ret; int port, fd, i; ssize_t n; char msg[32], buf[32]; };
CO_FN(client);
static int client_resume(async_frame *fr)
{
    CO_BEGIN(struct client, s, fr);
    CO_AWAIT(s, 1, async__new_async_tcp_connect(ASYNC__AWAIT, &s->fd, "127.0.0.1", s->port));
    assert_true(s->fd >= 0);
    for (s->i = 0; s->i < 10; s->i++) {
        snprintf(s->msg, sizeof s->msg, "ping %d", s->i);
        CO_AWAIT(s, 2, WRITE(&s->n, s->fd, s->msg, strlen(s->msg)));
        assert_int_equal(s->n, (ssize_t)strlen(s->msg));
        CO_AWAIT(s, 3, READ(&s->n, s->fd, s->buf, strlen(s->msg)));
        assert_int_equal(s->n, (ssize_t)strlen(s->msg));
        assert_memory_equal(s->buf, s->msg, (size_t)s->n);
    }
    close(s->fd);
    CO_RETURN(s, 1);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(client, struct client, (unsigned mode, int *ret, int port), s->ret = ret; s->port = port;)

struct tmain { async_frame hdr; int *ret; int lfd, port, ok[3], r, fd; async__item it[3]; };
CO_FN(tmain);
static int tmain_resume(async_frame *fr)
{
    CO_BEGIN(struct tmain, s, fr);
    s->lfd = async_tcp_listen("127.0.0.1", 0, 16);
    assert_true(s->lfd >= 0);
    {
        struct sockaddr_in a;
        socklen_t l = sizeof a;
        getsockname(s->lfd, (struct sockaddr *)&a, &l);
        s->port = ntohs(a.sin_port);
    }
    async_task_release(SPAWN(new_server(ASYNC__TASK, s->lfd)));
    for (int i = 0; i < 3; i++)
        s->it[i] = (async__item){ SPAWN(new_client(ASYNC__TASK, &s->ok[i], s->port)), true };
    CO_AWAIT(s, 1, async__new_async__gather(ASYNC__AWAIT, &s->r, 3, s->it));
    assert_int_equal(s->r, 0);
    assert_true(s->ok[0] && s->ok[1] && s->ok[2]);
    /* Nobody listens there now. */
    close(s->lfd);
    CO_AWAIT(s, 2, async__new_async_tcp_connect(ASYNC__AWAIT, &s->fd, "127.0.0.1", s->port));
    assert_int_equal(s->fd, -ECONNREFUSED);
    CO_AWAIT(s, 3, async__new_async_tcp_connect(ASYNC__AWAIT, &s->fd, "127.0.0.1", 70000));
    assert_int_equal(s->fd, -EINVAL);
    CO_AWAIT(s, 4, SLEEP(0.001));       /* the echo tasks see EOF and end */
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(tmain, struct tmain, (unsigned mode), s->ret = NULL;)

static void tcp_echo(void **state)
{
    (void)state;
    assert_int_equal(async__run(new_tmain(ASYNC__MAIN)), 0);
    check_clean();
}

/* tcp_connect resolves a number at once and a name on the thread pool (the
 * loop's pool exists only once a job went there); a task cancelled while
 * its name resolves unwinds once the lookup has returned, with nothing
 * left behind. */
struct conn_by_name { async_frame hdr; int *ret; const char *host; int port, fd; };
CO_FN(conn_by_name);
static int conn_by_name_resume(async_frame *fr)
{
    CO_BEGIN(struct conn_by_name, s, fr);
    CO_AWAIT(s, 1, async__new_async_tcp_connect(ASYNC__AWAIT, &s->fd, s->host, s->port));
    if (s->fd >= 0)
        close(s->fd);
    CO_RETURN(s, s->fd);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(conn_by_name, struct conn_by_name, (unsigned mode, int *ret, const char *host, int port),
       s->ret = ret; s->host = host; s->port = port;)

struct nmain { async_frame hdr; int *ret; int lfd, port, fd; char name[16]; async_task *t; };
CO_FN(nmain);
static int nmain_resume(async_frame *fr)
{
    CO_BEGIN(struct nmain, s, fr);
    s->lfd = async_tcp_listen("127.0.0.1", 0, 16);
    assert_true(s->lfd >= 0);
    {
        struct sockaddr_in a;
        socklen_t l = sizeof a;
        getsockname(s->lfd, (struct sockaddr *)&a, &l);
        s->port = ntohs(a.sin_port);
    }
    CO_AWAIT(s, 1, new_conn_by_name(ASYNC__AWAIT, &s->fd, "127.0.0.1", s->port));
    assert_true(s->fd >= 0);
    assert_null(async__cur->pool);          /* a number: no job */
    /* A name, from a buffer that changes before the lookup runs: the
     * frame keeps its own copy. */
    strcpy(s->name, "localhost");
    s->fd = -1000;
    s->t = SPAWN(async__new_async_tcp_connect(ASYNC__TASK, &s->fd, s->name, s->port));
    strcpy(s->name, "bogus.invalid");
    CO_AWAIT(s, 2, AWAIT_TASK(NULL, s->t));
    async_task_release(s->t);
    assert_true(s->fd >= 0);
    close(s->fd);
    assert_non_null(async__cur->pool);      /* a name: on the pool */
    /* Cancelled while it resolves. */
    s->fd = -1000;
    s->t = SPAWN(new_conn_by_name(ASYNC__TASK, &s->fd, "localhost", s->port));
    CO_AWAIT(s, 3, SLEEP(0));               /* it starts, and waits on the pool */
    assert_true(async_task_cancel(s->t));
    CO_AWAIT(s, 4, AWAIT_TASK(NULL, s->t));
    assert_true(async_task_cancelled(s->t));
    assert_int_equal(s->fd, -1000);
    async_task_release(s->t);
    close(s->lfd);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(nmain, struct nmain, (unsigned mode), s->ret = NULL;)

static void tcp_connect_by_name(void **state)
{
    (void)state;
    assert_int_equal(async__run(new_nmain(ASYNC__MAIN)), 0);
    check_clean();
}

/* Out of file descriptors in an accept loop: accept gives -EMFILE and
 * drops the pending connection, so the loop waits instead of spinning, and
 * the connection already open is still served.  Runs in a child process
 * (it lowers RLIMIT_NOFILE), which exits 0 when all held. */
static int emfile_attempts, emfile_errors;

struct acceptor { async_frame hdr; int *ret; int lfd, c; };
CO_FN(acceptor);
static int acceptor_resume(async_frame *fr)
{
    CO_BEGIN(struct acceptor, s, fr);
    for (;;) {
        emfile_attempts++;
        CO_AWAIT(s, 1, async__new_async_accept(ASYNC__AWAIT, &s->c, s->lfd, NULL, NULL));
        if (s->c == -EMFILE)
            emfile_errors++;
        else if (s->c >= 0)
            async_task_release(SPAWN(new_echo_conn(ASYNC__TASK, s->c)));
        else
            break;
    }
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(acceptor, struct acceptor, (unsigned mode, int lfd), s->ret = NULL; s->lfd = lfd;)

static int connect_to(int port, int fd)
{
    if (fd < 0)
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
        return -1;
    return fd;
}

struct emain { async_frame hdr; int *ret; int lfd, port, c[3]; ssize_t n; char buf[8]; async_task *acc; };
CO_FN(emain);
static int emain_resume(async_frame *fr)
{
    CO_BEGIN(struct emain, s, fr);
    s->lfd = async_tcp_listen("127.0.0.1", 0, 16);
    {
        struct sockaddr_in a;
        socklen_t l = sizeof a;
        getsockname(s->lfd, (struct sockaddr *)&a, &l);
        s->port = ntohs(a.sin_port);
    }
    /* A server that waits in accept, as servers do. */
    s->acc = SPAWN(new_acceptor(ASYNC__TASK, s->lfd));
    CO_AWAIT(s, 1, SLEEP(0.002));
    s->c[0] = connect_to(s->port, -1);
    CO_AWAIT(s, 2, SLEEP(0.01));       /* accepted; its echo task reads */
    s->c[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    s->c[2] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    {
        /* No fd left for another accept. */
        int top = dup(0);
        close(top);
        struct rlimit rl = { (rlim_t)top, (rlim_t)top };
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
            exit(77);       /* valgrind does not let us: skip */
    }
    if (connect_to(s->port, s->c[1]) < 0 || connect_to(s->port, s->c[2]) < 0)
        exit(15);
    CO_AWAIT(s, 6, SLEEP(0.05));
    /* The open connection is served. */
    fcntl(s->c[0], F_SETFL, O_NONBLOCK);
    CO_AWAIT(s, 3, WRITE(&s->n, s->c[0], "hi", 2));
    CO_AWAIT(s, 4, READ(&s->n, s->c[0], s->buf, 2));
    if (s->n != 2 || memcmp(s->buf, "hi", 2) != 0)
        exit(12);
    /* The others were dropped: EOF. */
    for (int i = 1; i < 3; i++) {
        ssize_t r = read(s->c[i], s->buf, 1);
        if (r != 0) {
            fprintf(stderr, "c%d read %zd errno %d attempts %d errors %d\n", i, r, errno, emfile_attempts, emfile_errors);
            exit(13);
        }
    }
    /* One accept, two EMFILEs, then it waited: no spinning. */
    if (emfile_errors != 2 || emfile_attempts != 4)
        exit(14);
    async_task_cancel(s->acc);
    CO_AWAIT(s, 5, AWAIT_TASK(NULL, s->acc));
    async_task_release(s->acc);
    for (int i = 0; i < 3; i++)
        close(s->c[i]);
    close(s->lfd);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(emain, struct emain, (unsigned mode), s->ret = NULL;)

static void accept_survives_emfile(void **state)
{
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(async__run(new_emain(ASYNC__MAIN)) == 0 ? 0 : 20);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77)
        skip();
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pipe_read_waits_for_data),
        cmocka_unit_test(write_waits_and_epipe),
        cmocka_unit_test(regular_file),
        cmocka_unit_test(cancel_reader_and_shutdown),
        cmocka_unit_test(tcp_echo),
        cmocka_unit_test(tcp_connect_by_name),
        cmocka_unit_test(accept_survives_emfile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
