/*
 * bench.h - what every C and C++ benchmark program shares: the clock, peak
 * RSS, the seeded delays of the sleepers workload, argument parsing and the
 * one line of output that bench/run reads.
 *
 * Every program prints exactly one line that starts with "RESULT", then
 * key=value pairs:
 *
 *     RESULT workload=skynet peer=asyncc n=1000000 value=499999500000
 *            seconds=0.21 maxrss_kb=91234 [more keys]
 *
 * `value` is the workload's own check (a sum, a count) that the driver
 * compares with what it expects for `n`; a program whose own check fails
 * also says so on stderr and exits with status 1, so a fast wrong answer
 * never passes.  The Python and Go peers print the same line.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Peak resident set size of this process, in KiB: VmHWM from
 * /proc/self/status.  Not getrusage's ru_maxrss, which on Linux survives
 * exec and so starts at the RSS of whatever forked us (the driver). */
static inline long bench_maxrss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* CPU time (user + system) of this process so far, in seconds. */
static inline double bench_cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

/* The sleepers' delays: a 64-bit LCG (Knuth's MMIX constants) seeded with
 * 42, the same sequence in every peer; each delay is 0..1000 ms. */
#define BENCH_SEED 42u
static inline unsigned bench_next_delay_ms(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return (unsigned)((*state >> 33) % 1001u);
}

/* argv[1] is N; `def` when absent. */
static inline long long bench_arg_n(int argc, char **argv, long long def)
{
    if (argc > 1) {
        char *end;
        long long n = strtoll(argv[1], &end, 10);
        if (*end != '\0' || n <= 0) {
            fprintf(stderr, "usage: %s [N]\n", argv[0]);
            exit(2);
        }
        return n;
    }
    return def;
}

/* Prints the RESULT line; `extra` is more key=value text, or "". Exits 1
 * when the program's own check failed. */
static inline void bench_report(const char *workload, const char *peer, long long n,
                                long long value, long long expected, double seconds,
                                const char *extra)
{
    printf("RESULT workload=%s peer=%s n=%lld value=%lld seconds=%.9f maxrss_kb=%ld cpu=%.6f%s%s\n",
           workload, peer, n, value, seconds, bench_maxrss_kb(), bench_cpu_seconds(),
           extra[0] ? " " : "", extra);
    fflush(stdout);
    if (value != expected) {
        fprintf(stderr, "%s/%s: wrong result %lld, expected %lld\n", workload, peer, value,
                expected);
        exit(1);
    }
}

#endif /* BENCH_H */
