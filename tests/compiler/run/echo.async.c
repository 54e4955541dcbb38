/* An echo server and its clients in one loop: awaits in loop conditions
 * with assignments, defers closing fds, gather of results. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <async.h>

static int served;

static async void handle(int fd)
{
    async_defer(close(fd));
    char buf[256];
    ssize_t n;
    while ((n = await(async_read(fd, buf, sizeof buf))) > 0) {
        if (await(async_write(fd, buf, (size_t)n)) < 0)
            break;
    }
    served++;
}

static async void server(int lfd, int clients)
{
    for (int i = 0; i < clients; i++) {
        int fd = await(async_accept(lfd, NULL, NULL));
        if (fd < 0) {
            printf("accept: %d\n", fd);
            return;
        }
        async_create_task(handle(fd));
    }
}


static async int client(int port, const char *msg)
{
    int fd = await(async_tcp_connect("127.0.0.1", port));
    if (fd < 0)
        return fd;
    async_defer(close(fd));
    size_t len = strlen(msg);
    if (await(async_write(fd, msg, len)) < 0)
        return -1;
    char got[64] = {0};
    size_t have = 0;
    while (have < len) {
        ssize_t n = await(async_read(fd, got + have, sizeof got - 1 - have));
        if (n <= 0)
            return -1;
        have += (size_t)n;
    }
    long sq = (long)(len * len);
    printf("%s -> %s (%ld)\n", msg, got, sq);
    return 0;
}

static async int amain(void)
{
    int lfd = async_tcp_listen("127.0.0.1", 0, 16);
    if (lfd < 0)
        return lfd;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(lfd, (struct sockaddr *)&ss, &sl);
    int port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    async_task *srv = async_create_task(server(lfd, 2));
    int a = -9, b = -9;
    await(async_gather(a = client(port, "hello"), b = client(port, "world!")));
    await(srv);
    async_task_release(srv);
    close(lfd);
    printf("clients %d %d\n", a, b);
    return 0;
}

int main(void)
{
    int r = -1;
    int st = async_run(r = amain());
    printf("status %d r %d served %d\n", st, r, served);
    return 0;
}
