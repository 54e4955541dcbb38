/* Async functions declared in a header, defined in another file. */
#ifndef FETCH_H
#define FETCH_H
#include <async.h>

struct reply { int id; char text[16]; };

async struct reply fetch(int id, const char *what);
async void log_line(const char *msg);
#endif
