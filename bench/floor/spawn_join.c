/*
 * spawn-join's memory floor: the memory traffic of spawn-join with no
 * scheduler at all, as a yardstick for the schedulers (bench/ANALYSIS.md).
 *
 * asyncc's spawn-join must, for each of N tasks: write a 64-byte task block
 * (header, function, result pointer, argument) in memory fresh from the
 * kernel, and keep its handle in an array (creation); read the block back,
 * store the result in the results array and mark the block done (the run);
 * read the handle, test the block for done, put the block on a free list
 * and add up the result (the join).  This program does exactly those loads
 * and stores, with the blocks in transparent huge pages as the runtime's
 * task pool takes them and the two arrays from malloc as the benchmark
 * program's are, and nothing else: no queue, no calls, no branches but the
 * loops.  What it takes is the least any scheduler built on that layout can
 * take; a bar below it cannot be met by code alone.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "../common/bench.h"

enum { BLOCK_WORDS = 8 };   /* 64 bytes, asyncc's block for trivial(i) */
#define HUGE_PAGE ((size_t)2 << 20)

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 1000000);
    double t0 = bench_now();

    size_t bytes = ((size_t)n * BLOCK_WORDS * sizeof(uint64_t) + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    char *map = mmap(NULL, bytes + HUGE_PAGE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED) {
        perror("floor/spawn_join: mmap");
        return 1;
    }
    uint64_t *blocks = (uint64_t *)(((uintptr_t)map + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    madvise(blocks, bytes, MADV_HUGEPAGE);
    uint64_t **handles = malloc((size_t)n * sizeof *handles);
    long long *results = malloc((size_t)n * sizeof *results);
    if (handles == NULL || results == NULL) {
        fprintf(stderr, "floor/spawn_join: out of memory\n");
        return 1;
    }

    /* Creation: the header's flags and the frame's function, result
     * pointer and argument, as async__frame_new and async__spawn write. */
    for (long long i = 0; i < n; i++) {
        uint64_t *b = blocks + i * BLOCK_WORDS;
        b[0] = 1;
        b[3] = (uint64_t)(uintptr_t)&argc;
        b[6] = (uint64_t)(uintptr_t)&results[i];
        b[7] = (uint64_t)i;
        handles[i] = b;
    }
    /* The run: each task stores its argument as its result, and is done. */
    for (long long i = 0; i < n; i++) {
        uint64_t *b = blocks + i * BLOCK_WORDS;
        *(long long *)(uintptr_t)b[6] = (long long)b[7];
        b[0] |= 2;
    }
    /* The join: done test, release onto a free list, the sum. */
    long long sum = 0;
    uint64_t *free_list = NULL;
    for (long long i = 0; i < n; i++) {
        uint64_t *b = handles[i];
        if (!(b[0] & 2))
            abort();
        b[0] = 0;
        b[1] = (uint64_t)(uintptr_t)free_list;
        free_list = b;
        sum += results[i];
    }
    free(results);
    free(handles);
    munmap(map, bytes + HUGE_PAGE);

    double t = bench_now() - t0;
    bench_report("spawn_join", "floor", n, sum, n * (n - 1) / 2, t, "");
    return 0;
}
