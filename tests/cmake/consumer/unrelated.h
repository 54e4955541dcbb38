/* Included by plain.c and by no annotated file: touching it must not make
 * asyncc run again. */
#ifndef UNRELATED_H
#define UNRELATED_H

#define UNRELATED_VALUE 5

#endif
