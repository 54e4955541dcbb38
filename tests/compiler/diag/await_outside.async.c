#include <async.h>

async int fetch(int id);

int ordinary(void)
{
    return await(fetch(1));
}
