/* The first lesson in miniature: one coroutine awaiting another. */
#include <stdio.h>
#include <async.h>

async int fetch(int id)
{
    printf("fetching %d\n", id);
    await(async_sleep(0.1));
    return id * 2;
}

static async int amain(void)
{
    int a = await(fetch(1));
    int b = await(fetch(2)) + a;
    return b;
}

int main(void)
{
    int r = 0;
    int status = async_run(r = amain());
    printf("%d %d\n", status, r);
    return 0;
}
