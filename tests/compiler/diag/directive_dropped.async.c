#include <async.h>

async int fetch(int id);

async int f(void)
{
    int x =
#ifdef A
        1;
#else
        await(fetch(2));
#endif
    await(fetch(x));
    return x;
}
