/* Ordinary C in the same executable, compiled as it is. */
#include "fetch.h"
#include "unrelated.h"

int plain_value(void)
{
    return UNRELATED_VALUE;
}
