/* Included by fetch.async.c only, with quotes, from the same directory:
 * found through -iquote once the file is translated into the build tree. */
#ifndef FETCH_DELAY_H
#define FETCH_DELAY_H

#define FETCH_DELAY 0.001

#endif
