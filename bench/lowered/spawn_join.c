/*
 * spawn-join, hand-lowered: bench/asyncc/spawn_join.async.c at the level
 * of the ABI (docs/abi.md), as the translator would write it.
 */
#define _POSIX_C_SOURCE 200809L
#include <async.h>
#include <stdlib.h>

#include "../common/bench.h"

/* static async long long trivial(long long i) */
struct trivial_frame {
    async_frame hdr;
    long long *ret;
    long long i;
};

static int trivial_resume(async_frame *frame);
static const unsigned trivial_lines[] = {13};
static const async__fninfo trivial_info = {trivial_resume, "trivial", __FILE__, trivial_lines, 1,
    sizeof(struct trivial_frame), 0,
    _Alignof(struct trivial_frame)};

static inline async_frame *async__new_trivial(unsigned mode, long long *ret, long long i)
{
    struct trivial_frame *f =
        (struct trivial_frame *)async__frame_new(sizeof *f, &trivial_info, mode);
    if (f == NULL)
        return NULL;
    f->ret = ret;
    f->i = i;
    return &f->hdr;
}

static int trivial_resume(async_frame *frame)
{
    struct trivial_frame *self = (struct trivial_frame *)frame;
    if (self->hdr.state != 0)
        return ASYNC__DONE;
    if (self->ret)
        *self->ret = self->i;
    return ASYNC__DONE;
}

/* static async long long parent(long long n) */
struct parent_frame {
    async_frame hdr;
    long long *ret;
    long long n;
    async_task **tasks;
    long long *results;
    long long sum, i;
};

static int parent_resume(async_frame *frame);
static const unsigned parent_lines[] = {18, 29};
static const async__fninfo parent_info = {parent_resume, "parent", __FILE__, parent_lines, 2,
    sizeof(struct parent_frame), offsetof(struct parent_frame, n) + sizeof(long long),
    _Alignof(struct parent_frame)};

static inline async_frame *async__new_parent(unsigned mode, long long *ret, long long n)
{
    struct parent_frame *f =
        (struct parent_frame *)async__frame_new(sizeof *f, &parent_info, mode);
    if (f == NULL)
        return NULL;
    f->ret = ret;
    f->n = n;
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
    self->results = malloc((size_t)self->n * sizeof *self->results);
    if (self->tasks == NULL || self->results == NULL)
        abort();
    for (long long i = 0; i < self->n; i++) {
        self->tasks[i] = async__spawn(async__new_trivial(ASYNC__TASK, &self->results[i], i));
        if (self->tasks[i] == NULL)
            abort();
    }
    self->sum = 0;
    for (self->i = 0; self->i < self->n; self->i++) {
        /* await(tasks[i]) */
        if (!async_task_done(self->tasks[self->i])) {
            self->hdr.state = 1;
            if (async__await(&self->hdr,
                             async__new_async__task_await(ASYNC__AWAIT, NULL, self->tasks[self->i])))
                return ASYNC__SUSPENDED;
        }
    resume_1:
        async_task_release(self->tasks[self->i]);
        self->sum += self->results[self->i];
    }
    free(self->results);
    free(self->tasks);
    if (self->ret)
        *self->ret = self->sum;
unwind:
    return ASYNC__DONE;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 1000000);
    long long sum = -1;
    double t0 = bench_now();
    int status = async__run(async__new_parent(ASYNC__MAIN, &sum, n));
    double t = bench_now() - t0;
    if (status != 0) {
        fprintf(stderr, "spawn_join/lowered: async_run: %d\n", status);
        return 1;
    }
    bench_report("spawn_join", "asyncc-lowered", n, sum, n * (n - 1) / 2, t, "");
    return 0;
}
