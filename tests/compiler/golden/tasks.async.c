/* Tasks, gather with results, wait_for, a defer and a switch. */
#include <stdio.h>
#include <async.h>

async int fetch(int id);

async int collect(int n)
{
    int a = 0, b = 0;
    async_defer(printf("collect done\n"));
    async_task *t = async_create_task(fetch(n));
    int status = await(async_gather(a = fetch(1), b = fetch(2), t));
    switch (status) {
    case 0:
        return a + b + (int)(await(t) != NULL);
    case ASYNC_CANCELLED:
        break;
    default:
        if (await(async_wait_for(fetch(3), 0.5)) == ASYNC_TIMEOUT)
            return -1;
    }
    return 0;
}
