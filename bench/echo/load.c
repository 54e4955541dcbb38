/*
 * load.c - the load generator of the echo workload.
 *
 *     echo_load PORT CONNS REQUESTS MSGSIZE
 *
 * Opens CONNS connections to 127.0.0.1:PORT; on each, sends a message of
 * MSGSIZE bytes, waits until all of it has come back, checks it, and sends
 * the next, REQUESTS times; then closes the connection.  One thread and
 * epoll, so it costs the machine one core at most and measures the
 * server's turnaround, not its own.  `value` in its RESULT line is the
 * number of bytes that came back intact, which the driver compares with
 * CONNS * REQUESTS * MSGSIZE.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/bench.h"

struct conn {
    int fd;
    long done;          /* requests answered */
    size_t got;         /* bytes of the current answer so far */
    unsigned char tag;  /* first byte of the current message */
};

static size_t msgsize;
static unsigned char *out, *in;

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* Sends request number c->done; the first byte varies per request so that
 * a stale or misplaced answer cannot pass the check. */
static void send_request(struct conn *c)
{
    c->tag = (unsigned char)(c->done * 7 + (long)c->fd);
    out[0] = c->tag;
    size_t off = 0;
    while (off < msgsize) {
        ssize_t n = write(c->fd, out + off, msgsize - off);
        if (n < 0 && errno == EAGAIN)
            continue;   /* messages are small; this does not happen in practice */
        if (n < 0)
            die("echo_load: write");
        off += (size_t)n;
    }
    c->got = 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: echo_load PORT CONNS REQUESTS MSGSIZE\n");
        return 2;
    }
    int port = atoi(argv[1]);
    long conns = atol(argv[2]), requests = atol(argv[3]);
    msgsize = (size_t)atol(argv[4]);
    if (port <= 0 || conns <= 0 || requests <= 0 || msgsize == 0) {
        fprintf(stderr, "echo_load: bad arguments\n");
        return 2;
    }
    out = malloc(msgsize);
    in = malloc(msgsize);
    struct conn *cs = calloc((size_t)conns, sizeof *cs);
    int ep = epoll_create1(0);
    if (!out || !in || !cs || ep < 0)
        die("echo_load: setup");
    for (size_t i = 0; i < msgsize; i++)
        out[i] = (unsigned char)('a' + i % 26);

    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (long i = 0; i < conns; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
            die("echo_load: connect");
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        cs[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &cs[i]};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
            die("echo_load: epoll_ctl");
    }

    double t0 = bench_now();
    for (long i = 0; i < conns; i++)
        send_request(&cs[i]);
    long open = conns;
    long long intact = 0;
    struct epoll_event evs[64];
    while (open > 0) {
        int k = epoll_wait(ep, evs, 64, 10000);
        if (k == 0) {
            fprintf(stderr, "echo_load: no answer for 10 s\n");
            return 1;
        }
        if (k < 0 && errno != EINTR)
            die("echo_load: epoll_wait");
        for (int e = 0; e < k; e++) {
            struct conn *c = evs[e].data.ptr;
            ssize_t n = read(c->fd, in + c->got, msgsize - c->got);
            if (n < 0 && errno == EAGAIN)
                continue;
            if (n <= 0) {
                fprintf(stderr, "echo_load: connection closed early\n");
                return 1;
            }
            if (c->got == 0 && in[0] != c->tag) {
                fprintf(stderr, "echo_load: wrong answer\n");
                return 1;
            }
            c->got += (size_t)n;
            if (c->got < msgsize)
                continue;
            if (memcmp(in + 1, out + 1, msgsize - 1) == 0)
                intact += (long long)msgsize;
            if (++c->done < requests) {
                send_request(c);
            } else {
                close(c->fd);
                open--;
            }
        }
    }
    double t = bench_now() - t0;
    long long total = (long long)conns * requests;
    char extra[64];
    snprintf(extra, sizeof extra, "requests=%lld", total);
    close(ep);
    free(cs);
    free(in);
    free(out);
    bench_report("echo_load", "load", total, intact, total * (long long)msgsize, t, extra);
    return 0;
}
