#include <async.h>

async int f(int x)
{
    int y = x +;
    return y;
}
