#include <async.h>

async int fetch(int id);

async int (*p)(int) = fetch;

void take(void)
{
    void *q = (void *)&fetch;
    (void)q;
}
