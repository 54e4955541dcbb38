#include <async.h>

async int fetch(int id);

async int f(void)
{
    int n = sizeof(await(fetch(1)));
    int g = _Generic(await(fetch(2)), int: 1, default: 0);
    return n + g;
}
