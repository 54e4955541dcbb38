/*
 * spawn-join, asyncc: one parent creates N trivial tasks, keeping their
 * handles, then awaits and releases each in turn.  Task i returns i into
 * results[i]; the parent's sum, N(N-1)/2, is the check.
 */
#define _POSIX_C_SOURCE 200809L
#include <async.h>
#include <stdlib.h>

#include "../common/bench.h"

static async long long trivial(long long i)
{
    return i;
}

static async long long parent(long long n)
{
    async_task **tasks = malloc((size_t)n * sizeof *tasks);
    long long *results = malloc((size_t)n * sizeof *results);
    if (tasks == NULL || results == NULL)
        abort();
    for (long long i = 0; i < n; i++) {
        tasks[i] = async_create_task(results[i] = trivial(i));
        if (tasks[i] == NULL)
            abort();
    }
    long long sum = 0;
    for (long long i = 0; i < n; i++) {
        await(tasks[i]);
        async_task_release(tasks[i]);
        sum += results[i];
    }
    free(results);
    free(tasks);
    return sum;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 1000000);
    long long sum = -1;
    double t0 = bench_now();
    int status = async_run(sum = parent(n));
    double t = bench_now() - t0;
    if (status != 0) {
        fprintf(stderr, "spawn_join/asyncc: async_run: %d\n", status);
        return 1;
    }
    bench_report("spawn_join", "asyncc", n, sum, n * (n - 1) / 2, t, "");
    return 0;
}
