#include <async.h>

async int fetch(int id);

async int user(void)
{
    fetch(1);
    return await(fetch(2));
}

void ordinary(void)
{
    fetch(3);
}
