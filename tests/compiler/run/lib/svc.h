#include <async.h>
async int fetch(int id);
