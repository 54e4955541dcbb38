#include <async.h>

async int sum(int n, ...)
{
    return n;
}
