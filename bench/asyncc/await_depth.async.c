/*
 * await depth, asyncc: chains of nested inline awaits, 100 deep, that never
 * suspend, N awaits in all (N a multiple of 100).  Each await runs its
 * callee at once in the same task, with a frame from the loop's pool; the
 * chain's value, 100 per chain, is the check.
 */
#define _POSIX_C_SOURCE 200809L
#include <async.h>

#include "../common/bench.h"

enum { DEPTH = 100 };

static async long long chain(int d)
{
    if (d == 1)
        return 1;
    return await(chain(d - 1)) + 1;
}

static async long long top(long long n)
{
    long long total = 0;
    for (long long i = 0; i < n / DEPTH; i++)
        total += await(chain(DEPTH));
    return total;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 10000000);
    long long got = -1;
    double t0 = bench_now();
    int status = async_run(got = top(n));
    double t = bench_now() - t0;
    if (status != 0) {
        fprintf(stderr, "await_depth/asyncc: async_run: %d\n", status);
        return 1;
    }
    bench_report("await_depth", "asyncc", n, got, n / DEPTH * DEPTH, t, "");
    return 0;
}
