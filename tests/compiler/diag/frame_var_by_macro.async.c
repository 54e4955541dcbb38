#include <async.h>
#define DECL(n) int n = 5
async int f(void)
{
    DECL(x);
    await(async_sleep(0));
    return x;
}
