/*
 * await depth, hand-lowered: bench/asyncc/await_depth.async.c at the level
 * of the ABI (docs/abi.md), as the translator would write it.
 */
#define _POSIX_C_SOURCE 200809L
#include <async.h>

#include "../common/bench.h"

enum { DEPTH = 100 };

/* static async long long chain(int d) */
struct chain_frame {
    async_frame hdr;
    long long *ret;
    int d;
    long long t1;   /* the value of await(chain(d - 1)) */
};

static int chain_resume(async_frame *frame);
static const unsigned chain_lines[] = {15, 19};
static const async__fninfo chain_info = {chain_resume, "chain", __FILE__, chain_lines, 2,
    sizeof(struct chain_frame), offsetof(struct chain_frame, d) + sizeof(int),
    _Alignof(struct chain_frame)};

static inline async_frame *async__new_chain(unsigned mode, long long *ret, int d)
{
    struct chain_frame *f = (struct chain_frame *)async__frame_new(sizeof *f, &chain_info, mode);
    if (f == NULL)
        return NULL;
    f->ret = ret;
    f->d = d;
    return &f->hdr;
}

static int chain_resume(async_frame *frame)
{
    struct chain_frame *self = (struct chain_frame *)frame;
    switch (self->hdr.state) {
    case 0: break;
    case 1: goto resume_1;
    default: goto unwind;
    }
    if (self->d == 1) {
        if (self->ret)
            *self->ret = 1;
        return ASYNC__DONE;
    }
    self->hdr.state = 1;
    if (async__await(&self->hdr, async__new_chain(ASYNC__AWAIT, &self->t1, self->d - 1)))
        return ASYNC__SUSPENDED;
resume_1:
    if (self->ret)
        *self->ret = self->t1 + 1;
unwind:
    return ASYNC__DONE;
}

/* static async long long top(long long n) */
struct top_frame {
    async_frame hdr;
    long long *ret;
    long long n;
    long long total, i;
    long long t1;
};

static int top_resume(async_frame *frame);
static const unsigned top_lines[] = {22, 26};
static const async__fninfo top_info = {top_resume, "top", __FILE__, top_lines, 2,
    sizeof(struct top_frame), offsetof(struct top_frame, n) + sizeof(long long),
    _Alignof(struct top_frame)};

static inline async_frame *async__new_top(unsigned mode, long long *ret, long long n)
{
    struct top_frame *f = (struct top_frame *)async__frame_new(sizeof *f, &top_info, mode);
    if (f == NULL)
        return NULL;
    f->ret = ret;
    f->n = n;
    return &f->hdr;
}

static int top_resume(async_frame *frame)
{
    struct top_frame *self = (struct top_frame *)frame;
    switch (self->hdr.state) {
    case 0: break;
    case 1: goto resume_1;
    default: goto unwind;
    }
    self->total = 0;
    for (self->i = 0; self->i < self->n / DEPTH; self->i++) {
        self->hdr.state = 1;
        if (async__await(&self->hdr, async__new_chain(ASYNC__AWAIT, &self->t1, DEPTH)))
            return ASYNC__SUSPENDED;
    resume_1:
        self->total += self->t1;
    }
    if (self->ret)
        *self->ret = self->total;
unwind:
    return ASYNC__DONE;
}

int main(int argc, char **argv)
{
    long long n = bench_arg_n(argc, argv, 10000000);
    long long got = -1;
    double t0 = bench_now();
    int status = async__run(async__new_top(ASYNC__MAIN, &got, n));
    double t = bench_now() - t0;
    if (status != 0) {
        fprintf(stderr, "await_depth/lowered: async_run: %d\n", status);
        return 1;
    }
    bench_report("await_depth", "asyncc-lowered", n, got, n / DEPTH * DEPTH, t, "");
    return 0;
}
