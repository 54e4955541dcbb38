/*
 * skynet, hand-lowered: bench/asyncc/skynet.async.c at the level of the
 * ABI (docs/abi.md), as the translator would write it.
 */
#define _POSIX_C_SOURCE 200809L
#include <async.h>
#include <stdlib.h>

#include "../common/bench.h"

/* static async long long skynet(long long num, long long size) */
struct skynet_frame {
    async_frame hdr;
    long long *ret;
    long long num, size;
    long long sums[10];
    async_task *kids[10];
    long long sum;
    int i;
};

static int skynet_resume(async_frame *frame);
static const unsigned skynet_lines[] = {14, 27};
/* A task's block holds the head (header, ret, num, size) until it starts. */
static const async__fninfo skynet_info = {
    skynet_resume, "skynet", __FILE__, skynet_lines, 2, sizeof(struct skynet_frame),
    offsetof(struct skynet_frame, size) + sizeof(long long), _Alignof(struct skynet_frame)};

static inline async_frame *async__new_skynet(unsigned mode, long long *ret, long long num,
                                      long long size)
{
    struct skynet_frame *f =
        (struct skynet_frame *)async__frame_new(sizeof *f, &skynet_info, mode);
    if (f == NULL)
        return NULL;
    f->ret = ret;
    f->num = num;
    f->size = size;
    return &f->hdr;
}

static int skynet_resume(async_frame *frame)
{
    struct skynet_frame *self = (struct skynet_frame *)frame;
    switch (self->hdr.state) {
    case 0: break;
    case 1: goto resume_1;
    default: goto unwind;
    }
    if (self->size == 1) {
        if (self->ret)
            *self->ret = self->num;
        return ASYNC__DONE;
    }
    long long step = self->size / 10;
    for (int i = 0; i < 10; i++) {
        self->kids[i] = async__spawn(async__new_skynet(ASYNC__TASK, &self->sums[i],
                                                       self->num + i * step, step));
        if (self->kids[i] == NULL)
            abort();
    }
    self->sum = 0;
    for (self->i = 0; self->i < 10; self->i++) {
        /* await(kids[i]) */
        if (!async_task_done(self->kids[self->i])) {
            self->hdr.state = 1;
            if (async__await(&self->hdr,
                             async__new_async__task_await(ASYNC__AWAIT, NULL, self->kids[self->i])))
                return ASYNC__SUSPENDED;
        }
    resume_1:
        async_task_release(self->kids[self->i]);
        self->sum += self->sums[self->i];
    }
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
    int status = async__run(async__new_skynet(ASYNC__MAIN, &sum, 0, n));
    double t = bench_now() - t0;
    if (status != 0) {
        fprintf(stderr, "skynet/lowered: async_run: %d\n", status);
        return 1;
    }
    bench_report("skynet", "asyncc-lowered", n, sum, n * (n - 1) / 2, t, "");
    return 0;
}
