// skynet, C++20 peer: a 10-ary tree of tasks over N leaves; each node is a
// task of its own (spawn), leaves return their number, parents sum.
#include "rt.hpp"
#include "../common/bench.h"

static rt::task<long long> skynet(long long num, long long size)
{
    if (size == 1)
        co_return num;
    long long step = size / 10;
    rt::task<long long> kids[10];
    for (int i = 0; i < 10; i++)
        kids[i] = rt::spawn(skynet(num + i * step, step));
    long long sum = 0;
    for (int i = 0; i < 10; i++)
        sum += co_await kids[i];
    co_return sum;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 1000000);
    double t0 = bench_now();
    long long sum = rt::run(skynet(0, n));
    double t = bench_now() - t0;
    bench_report("skynet", "cpp", n, sum, n * (n - 1) / 2, t, "");
}
