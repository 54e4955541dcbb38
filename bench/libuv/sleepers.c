/*
 * sleepers, libuv peer: N timers, each firing after a seeded random
 * 0..1000 ms (the same delays as every other peer).  A libuv program has
 * no tasks, so one uv_timer_t per sleeper is what a sleeping task costs
 * there; they live in one array, the way a libuv user would lay them out.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <uv.h>

#include "../common/bench.h"

static long long woken;

static void on_timer(uv_timer_t *timer)
{
    woken++;
    uv_close((uv_handle_t *)timer, NULL);
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 100000);
    uv_timer_t *timers = malloc((size_t)n * sizeof *timers);
    if (timers == NULL)
        return 1;
    uv_loop_t *loop = uv_default_loop();
    uint64_t state = BENCH_SEED;
    unsigned longest = 0;

    /* libuv's timers count from the loop's cached time, in whole ms;
     * refresh it so that they count from (about) t0. */
    uv_update_time(loop);
    double t0 = bench_now();
    for (long long i = 0; i < n; i++) {
        unsigned ms = bench_next_delay_ms(&state);
        if (ms > longest)
            longest = ms;
        uv_timer_init(loop, &timers[i]);
        uv_timer_start(&timers[i], on_timer, ms, 0);
    }
    uv_run(loop, UV_RUN_DEFAULT);
    double t = bench_now() - t0;

    char extra[64];
    snprintf(extra, sizeof extra, "overshoot=%.6f", t - longest / 1000.0);
    bench_report("sleepers", "libuv", n, woken, n, t, extra);
    uv_loop_close(loop);
    free(timers);
    return 0;
}
