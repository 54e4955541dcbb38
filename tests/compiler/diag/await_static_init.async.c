#include <async.h>

async int fetch(int id);

async int f(void)
{
    static int cached = await(fetch(1));
    return cached;
}
