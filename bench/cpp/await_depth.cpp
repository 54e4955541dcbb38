// await depth, C++20 peer: chains of nested inline awaits that never
// suspend, 100 deep, N awaits in all (N a multiple of 100).
#include "rt.hpp"
#include "../common/bench.h"

enum { DEPTH = 100 };

static rt::task<long long> chain(int d)
{
    if (d == 1)
        co_return 1;
    co_return co_await chain(d - 1) + 1;
}

static rt::task<long long> top(long long n)
{
    long long total = 0;
    for (long long i = 0; i < n / DEPTH; i++)
        total += co_await chain(DEPTH);
    co_return total;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 10000000);
    double t0 = bench_now();
    long long got = rt::run(top(n));
    double t = bench_now() - t0;
    bench_report("await_depth", "cpp", n, got, n / DEPTH * DEPTH, t, "");
}
