/*
 * echo, asyncc: a TCP echo server on 127.0.0.1, port chosen by the kernel
 * and printed as "PORT n".  It accepts N connections, serves each in a task
 * of its own (read, then write back what came, until EOF), and exits once
 * all N have closed, reporting the bytes it echoed and its CPU time, which
 * bench/run divides by the requests that bench/echo/load.c made.
 */
#define _POSIX_C_SOURCE 200809L
#include <async.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/bench.h"

static long long echoed;
static long closed, wanted;
static async_event all_closed;

static async void serve(int fd)
{
    char buf[4096];
    for (;;) {
        ssize_t n = await(async_read(fd, buf, sizeof buf));
        if (n <= 0)
            break;
        if (await(async_write(fd, buf, (size_t)n)) < 0)
            break;
        echoed += n;
    }
    close(fd);
    if (++closed == wanted)
        async_event_set(&all_closed);
}

static async long long server(int lfd, long n)
{
    for (long i = 0; i < n; i++) {
        int fd = await(async_accept(lfd, NULL, NULL));
        if (fd < 0) {
            fprintf(stderr, "echo/asyncc: accept: %d\n", fd);
            return -1;
        }
        async_create_task(serve(fd));
    }
    await(async_event_wait(&all_closed));
    return echoed;
}

int main(int argc, char **argv)
{
    long n = (long)bench_arg_n(argc, argv, 50);
    int lfd = async_tcp_listen("127.0.0.1", 0, 1024);
    if (lfd < 0) {
        fprintf(stderr, "echo/asyncc: listen: %d\n", lfd);
        return 1;
    }
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    getsockname(lfd, (struct sockaddr *)&sa, &len);
    printf("PORT %d\n", ntohs(sa.sin_port));
    fflush(stdout);

    wanted = n;
    async_event_init(&all_closed);
    long long got = -1;
    double t0 = bench_now();
    int status = async_run(got = server(lfd, n));
    double t = bench_now() - t0;
    close(lfd);
    if (status != 0 || got < 0) {
        fprintf(stderr, "echo/asyncc: async_run: %d\n", status);
        return 1;
    }
    /* The expected byte count is the load generator's to know: the driver
     * checks it, so here the value is its own expectation. */
    bench_report("echo", "asyncc", n, got, got, t, "");
    return 0;
}
