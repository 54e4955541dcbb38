/*
 * sleepers, asyncc: N tasks, each sleeping a seeded random 0..1000 ms (the
 * same delays in every peer).  The parent creates them all, keeping their
 * handles, then awaits each.  bench/run runs it at N = 1,000 and 100,000
 * and takes the difference of peak RSS as the cost of a sleeping task; the
 * overshoot is how long the run took past the longest delay.
 */
#define _POSIX_C_SOURCE 200809L
#include <async.h>
#include <stdlib.h>

#include "../common/bench.h"

static long long woken;

static async void sleeper(unsigned ms)
{
    await(async_sleep(ms / 1000.0));
    woken++;
}

static async long long parent(long long n, unsigned *longest)
{
    async_task **tasks = malloc((size_t)n * sizeof *tasks);
    if (tasks == NULL)
        abort();
    uint64_t state = BENCH_SEED;
    for (long long i = 0; i < n; i++) {
        unsigned ms = bench_next_delay_ms(&state);
        if (ms > *longest)
            *longest = ms;
        tasks[i] = async_create_task(sleeper(ms));
        if (tasks[i] == NULL)
            abort();
    }
    for (long long i = 0; i < n; i++) {
        await(tasks[i]);
        async_task_release(tasks[i]);
    }
    free(tasks);
    return woken;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 100000);
    long long got = -1;
    unsigned longest = 0;
    double t0 = bench_now();
    int status = async_run(got = parent(n, &longest));
    double t = bench_now() - t0;
    if (status != 0) {
        fprintf(stderr, "sleepers/asyncc: async_run: %d\n", status);
        return 1;
    }
    char extra[64];
    snprintf(extra, sizeof extra, "overshoot=%.6f", t - longest / 1000.0);
    bench_report("sleepers", "asyncc", n, got, n, t, extra);
    return 0;
}
