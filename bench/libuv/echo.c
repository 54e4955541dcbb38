/*
 * echo, libuv peer: a TCP echo server on 127.0.0.1, port chosen by the
 * kernel and printed as "PORT n"; it serves N connections and exits once
 * all have closed (the same contract as bench/asyncc/echo.async.c).  Each
 * read is written back from its own buffer, which the write's callback
 * frees: the usual shape of a libuv echo server.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <uv.h>

#include "../common/bench.h"

static uv_tcp_t listener;
static long long echoed;
static long accepted, closed, wanted;

struct write_req {
    uv_write_t req;
    uv_buf_t buf;
};

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    (void)suggested;
    buf->base = malloc(4096);
    buf->len = buf->base ? 4096 : 0;
}

static void on_close(uv_handle_t *h)
{
    free(h);
    if (++closed == wanted)
        uv_close((uv_handle_t *)&listener, NULL);
}

static void on_write(uv_write_t *req, int status)
{
    struct write_req *w = (struct write_req *)req;
    if (status == 0)
        echoed += (long long)w->buf.len;
    free(w->buf.base);
    free(w);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
    if (n > 0) {
        struct write_req *w = malloc(sizeof *w);
        if (w == NULL) {
            free(buf->base);
            uv_close((uv_handle_t *)s, on_close);
            return;
        }
        w->buf = uv_buf_init(buf->base, (unsigned)n);
        uv_write(&w->req, s, &w->buf, 1, on_write);
        return;
    }
    free(buf->base);
    if (n < 0)
        uv_close((uv_handle_t *)s, on_close);
}

static void on_connection(uv_stream_t *server, int status)
{
    if (status < 0)
        return;
    uv_tcp_t *c = malloc(sizeof *c);
    if (c == NULL)
        return;
    uv_tcp_init(server->loop, c);
    if (uv_accept(server, (uv_stream_t *)c) == 0) {
        accepted++;
        uv_read_start((uv_stream_t *)c, on_alloc, on_read);
    } else {
        uv_close((uv_handle_t *)c, on_close);
    }
}

int main(int argc, char **argv)
{
    wanted = (long)bench_arg_n(argc, argv, 50);
    uv_loop_t *loop = uv_default_loop();
    struct sockaddr_in sa;
    uv_ip4_addr("127.0.0.1", 0, &sa);
    uv_tcp_init(loop, &listener);
    if (uv_tcp_bind(&listener, (const struct sockaddr *)&sa, 0) != 0 ||
        uv_listen((uv_stream_t *)&listener, 1024, on_connection) != 0) {
        fprintf(stderr, "echo/libuv: listen failed\n");
        return 1;
    }
    int len = sizeof sa;
    uv_tcp_getsockname(&listener, (struct sockaddr *)&sa, &len);
    printf("PORT %d\n", ntohs(sa.sin_port));
    fflush(stdout);

    double t0 = bench_now();
    uv_run(loop, UV_RUN_DEFAULT);
    double t = bench_now() - t0;
    uv_loop_close(loop);
    bench_report("echo", "libuv", wanted, echoed, echoed, t, "");
    return 0;
}
