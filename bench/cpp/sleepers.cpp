// sleepers, C++20 peer: N tasks, each sleeping a seeded random 0..1000 ms;
// the parent spawns them all, then awaits each.  Reports the overshoot of
// the whole run past the longest delay, and peak RSS.
#include "rt.hpp"
#include "../common/bench.h"
#include <vector>

static long long woken;

static rt::task<void> sleeper(unsigned ms)
{
    co_await rt::sleep{ms / 1000.0};
    woken++;
}

static rt::task<long long> parent(long long n, unsigned *longest)
{
    std::vector<rt::task<void>> tasks(n);
    uint64_t state = BENCH_SEED;
    for (long long i = 0; i < n; i++) {
        unsigned ms = bench_next_delay_ms(&state);
        if (ms > *longest)
            *longest = ms;
        tasks[i] = rt::spawn(sleeper(ms));
    }
    for (long long i = 0; i < n; i++)
        co_await tasks[i];
    co_return woken;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 100000);
    unsigned longest = 0;
    double t0 = bench_now();
    long long got = rt::run(parent(n, &longest));
    double t = bench_now() - t0;
    char extra[64];
    snprintf(extra, sizeof extra, "overshoot=%.6f", t - longest / 1000.0);
    bench_report("sleepers", "cpp", n, got, n, t, extra);
}
