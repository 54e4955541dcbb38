// round robin (ping-pong), C++20 peer: two tasks take turns through
// sleep(0) until N switches have happened in all.
#include "rt.hpp"
#include "../common/bench.h"

static long long switches;

static rt::task<void> player(long long n)
{
    while (switches < n) {
        switches++;
        co_await rt::sleep{0};
    }
}

static rt::task<long long> game(long long n)
{
    auto a = rt::spawn(player(n));
    auto b = rt::spawn(player(n));
    co_await a;
    co_await b;
    co_return switches;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 10000000);
    double t0 = bench_now();
    long long got = rt::run(game(n));
    double t = bench_now() - t0;
    bench_report("pingpong", "cpp", n, got, n, t, "");
}
