/* Declared in a header, used, and defined later in the same file. */
#include <stdio.h>
#include "lib/svc.h"

static async int amain(void)
{
    return await(fetch(2));
}

async int fetch(int id)
{
    await(async_sleep(0));
    return id * 3;
}

int main(void)
{
    int r = 0;
    async_run(r = amain());
    printf("%d\n", r);
    return 0;
}
