#include <async.h>

async int broken(int x)
{
    return x +;
}
