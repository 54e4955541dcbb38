/* The consumer's library: an async function declared here and defined in
 * fetch/fetch.async.c, a separate translation unit. */
#ifndef FETCH_H
#define FETCH_H

#include <async.h>

/* Twice X, after a short sleep. */
async int fetch_double(int x);

/* From plain.c, which asyncc never sees. */
int plain_value(void);

#endif
