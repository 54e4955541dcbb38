/*
 * sleepers, hand-lowered: bench/asyncc/sleepers.async.c at the level of
 * the ABI (docs/abi.md), as the translator would write it.
 */
#define _POSIX_C_SOURCE 200809L
#include <async.h>
#include <stdlib.h>

#include "../common/bench.h"

static long long woken;

/* static async void sleeper(unsigned ms) */
struct sleeper_frame {
    async_frame hdr;
    unsigned ms;
};

static int sleeper_resume(async_frame *frame);
static const unsigned sleeper_lines[] = {16, 18};
static const async__fninfo sleeper_info = {sleeper_resume, "sleeper", __FILE__, sleeper_lines, 2,
    sizeof(struct sleeper_frame), 0,
    _Alignof(struct sleeper_frame)};

static inline async_frame *async__new_sleeper(unsigned mode, unsigned ms)
{
    struct sleeper_frame *f =
        (struct sleeper_frame *)async__frame_new(sizeof *f, &sleeper_info, mode);
    if (f == NULL)
        return NULL;
    f->ms = ms;
    return &f->hdr;
}

static int sleeper_resume(async_frame *frame)
{
    struct sleeper_frame *self = (struct sleeper_frame *)frame;
    switch (self->hdr.state) {
    case 0: break;
    case 1: goto resume_1;
    default: goto unwind;
    }
    self->hdr.state = 1;
    if (async__await(&self->hdr, async__new_async_sleep(ASYNC__AWAIT, self->ms / 1000.0)))
        return ASYNC__SUSPENDED;
resume_1:
    woken++;
unwind:
    return ASYNC__DONE;
}

/* static async long long parent(long long n, unsigned *longest) */
struct parent_frame {
    async_frame hdr;
    long long *ret;
    long long n;
    unsigned *longest;
    async_task **tasks;
    long long i;
};

static int parent_resume(async_frame *frame);
static const unsigned parent_lines[] = {22, 36};
static const async__fninfo parent_info = {parent_resume, "parent", __FILE__, parent_lines, 2,
    sizeof(struct parent_frame), offsetof(struct parent_frame, longest) + sizeof(unsigned *),
    _Alignof(struct parent_frame)};

static inline async_frame *async__new_parent(unsigned mode, long long *ret, long long n,
                                      unsigned *longest)
{
    struct parent_frame *f =
        (struct parent_frame *)async__frame_new(sizeof *f, &parent_info, mode);
    if (f == NULL)
        return NULL;
    f->ret = ret;
    f->n = n;
    f->longest = longest;
    return &f->hdr;
}

static int parent_resume(async_frame *frame)
{
    struct parent_frame *self = (struct parent_frame *)frame;
    switch (self->hdr.state) {
    case 0: break;
    case 1: goto resume_1;
    default: goto unwind;
    }
    self->tasks = malloc((size_t)self->n * sizeof *self->tasks);
    if (self->tasks == NULL)
        abort();
    uint64_t state = BENCH_SEED;
    for (long long i = 0; i < self->n; i++) {
        unsigned ms = bench_next_delay_ms(&state);
        if (ms > *self->longest)
            *self->longest = ms;
        self->tasks[i] = async__spawn(async__new_sleeper(ASYNC__TASK, ms));
        if (self->tasks[i] == NULL)
            abort();
    }
    for (self->i = 0; self->i < self->n; self->i++) {
        if (!async_task_done(self->tasks[self->i])) {
            self->hdr.state = 1;
            if (async__await(&self->hdr,
                             async__new_async__task_await(ASYNC__AWAIT, NULL, self->tasks[self->i])))
                return ASYNC__SUSPENDED;
        }
    resume_1:
        async_task_release(self->tasks[self->i]);
    }
    free(self->tasks);
    if (self->ret)
        *self->ret = woken;
unwind:
    return ASYNC__DONE;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 100000);
    long long got = -1;
    unsigned longest = 0;
    double t0 = bench_now();
    int status = async__run(async__new_parent(ASYNC__MAIN, &got, n, &longest));
    double t = bench_now() - t0;
    if (status != 0) {
        fprintf(stderr, "sleepers/lowered: async_run: %d\n", status);
        return 1;
    }
    char extra[64];
    snprintf(extra, sizeof extra, "overshoot=%.6f", t - longest / 1000.0);
    bench_report("sleepers", "asyncc-lowered", n, got, n, t, extra);
    return 0;
}
