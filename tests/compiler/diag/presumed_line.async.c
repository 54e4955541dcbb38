#include <async.h>

async int fetch(int id);

#line 100 "renamed.c"
void ordinary(void)
{
    fetch(1);
}
