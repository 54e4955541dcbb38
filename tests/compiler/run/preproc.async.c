/* Preprocessor conditionals inside an async body: the selected branch is
 * translated, the directives and the other branch are kept. */
#include <stdio.h>
#include <async.h>

#define FEATURE 1

static async int val(int x)
{
    await(async_sleep(0));
    return x;
}

static async int body(void)
{
    int total = 0;
#if FEATURE
    total += await(val(10));
#else
    total += await(val(1000));
    this is not C;
#endif
#ifdef NOT_DEFINED
    total = -1;
#endif
    return total;
}

int main(void)
{
    int r = 0;
    async_run(r = body());
    printf("total %d\n", r);
    return 0;
}
