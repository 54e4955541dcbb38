/* ASYNC_NO_KEYWORDS: the long spellings, and await and async as the user's
 * own identifiers. */
#define ASYNC_NO_KEYWORDS
#include <stdio.h>
#include <async.h>
static int await = 3;   /* an identifier of the user's own */
static async_function int twice(int async)
{
    async_await(async_sleep(0));
    return async * 2 + await;
}
int main(void)
{
    int r = 0;
    async_run(r = twice(5));
    printf("%d\n", r);
    return 0;
}
