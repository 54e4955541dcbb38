/* On the include path only through a target_include_directories() call made
 * after asyncc_add_executable(). */
#ifndef LATE_H
#define LATE_H

#define LATE_VALUE 21

#endif
