/*
 * skynet, asyncc: a 10-ary tree of tasks over N leaves (N a power of ten).
 * Every node is a task of its own, created with async_create_task and
 * awaited by its parent; leaves return their number and parents sum their
 * children, so the root returns N(N-1)/2.  The root is async_run's main
 * task.
 */
#define _POSIX_C_SOURCE 200809L
#include <async.h>

#include "../common/bench.h"

static async long long skynet(long long num, long long size)
{
    if (size == 1)
        return num;
    long long step = size / 10;
    long long sums[10];
    async_task *kids[10];
    for (int i = 0; i < 10; i++) {
        kids[i] = async_create_task(sums[i] = skynet(num + i * step, step));
        if (kids[i] == NULL)
            abort();
    }
    long long sum = 0;
    for (int i = 0; i < 10; i++) {
        await(kids[i]);
        async_task_release(kids[i]);
        sum += sums[i];
    }
    return sum;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 1000000);
    long long sum = -1;
    double t0 = bench_now();
    int status = async_run(sum = skynet(0, n));
    double t = bench_now() - t0;
    if (status != 0) {
        fprintf(stderr, "skynet/asyncc: async_run: %d\n", status);
        return 1;
    }
    bench_report("skynet", "asyncc", n, sum, n * (n - 1) / 2, t, "");
    return 0;
}
