#include <async.h>

async int main(void)
{
    return 0;
}
