/* Separate compilation: the callee is known from its header only. */
#include <stdio.h>
#include "lib/fetch.h"

static async int amain(void)
{
    struct reply a = await(fetch(1, "a"));
    await(log_line(a.text));
    struct reply b;
    async_task *t = async_create_task(b = fetch(2, "b"));
    await(t);
    async_task_release(t);
    printf("%d %s\n", b.id, b.text);
    return a.id + b.id;
}

int main(void)
{
    int r = 0;
    int st = async_run(r = amain());
    printf("status %d r %d\n", st, r);
    return 0;
}
