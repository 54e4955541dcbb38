// spawn-join, C++20 peer: one parent spawns N trivial tasks, then awaits
// each in turn; task i returns i, and the parent sums the results.
#include "rt.hpp"
#include "../common/bench.h"
#include <vector>

static rt::task<long long> trivial(long long i)
{
    co_return i;
}

static rt::task<long long> parent(long long n)
{
    std::vector<rt::task<long long>> tasks(n);
    for (long long i = 0; i < n; i++)
        tasks[i] = rt::spawn(trivial(i));
    long long sum = 0;
    for (long long i = 0; i < n; i++) {
        sum += co_await tasks[i];
        tasks[i] = rt::task<long long>();  // release the finished task
    }
    co_return sum;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 1000000);
    double t0 = bench_now();
    long long sum = rt::run(parent(n));
    double t = bench_now() - t0;
    bench_report("spawn_join", "cpp", n, sum, n * (n - 1) / 2, t, "");
}
