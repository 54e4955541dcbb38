/*
 * round robin (ping-pong), asyncc: two tasks take turns through
 * async_sleep(0), each of which puts the caller at the tail of the ready
 * queue, until N switches have happened in all.
 */
#define _POSIX_C_SOURCE 200809L
#include <async.h>

#include "../common/bench.h"

static long long switches;

static async void player(long long n)
{
    while (switches < n) {
        switches++;
        await(async_sleep(0));
    }
}

static async long long game(long long n)
{
    async_task *a = async_create_task(player(n));
    async_task *b = async_create_task(player(n));
    if (a == NULL || b == NULL)
        abort();
    await(a);
    await(b);
    async_task_release(a);
    async_task_release(b);
    return switches;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 10000000);
    long long got = -1;
    double t0 = bench_now();
    int status = async_run(got = game(n));
    double t = bench_now() - t0;
    if (status != 0) {
        fprintf(stderr, "pingpong/asyncc: async_run: %d\n", status);
        return 1;
    }
    bench_report("pingpong", "asyncc", n, got, n, t, "");
    return 0;
}
