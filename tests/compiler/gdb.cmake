# gdb on a translated program: breakpoints set on the annotated source's
# lines stop there, in the right function, and `next` goes to the next
# source line (docs/translator.md, "The generated code").  Lines are those
# that gdb/step.async.c names.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
execute_process(COMMAND "${ASYNCC}" ${SRC}/step.async.c -o ${WORK}/step.c -- -I${RUNTIME_INC}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "asyncc failed: ${err}")
endif()
execute_process(COMMAND "${CC}" -std=c11 -g -O0 -I${RUNTIME_INC} ${WORK}/step.c ${RUNTIME_LIB}
                        -lpthread -o ${WORK}/step
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${CC} failed on the generated code: ${err}")
endif()
execute_process(COMMAND "${GDB}" -batch -nx -ex "set width 0"
                        -ex "break step.async.c:10" -ex "break step.async.c:12"
                        -ex "break step.async.c:27" -ex "break step.async.c:20"
                        -ex "run" -ex "frame" -ex "continue" -ex "frame"
                        -ex "continue" -ex "frame" -ex "continue" -ex "frame"
                        -ex "print counter" -ex "finish" -ex "next" -ex "frame"
                        -ex "continue"
                        ${WORK}/step
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
# Each `frame` prints "#0  FUNCTION (...) at FILE:LINE"; the order of the
# stops is the program's (`finish` returns from twice() into line 27).
string(REGEX MATCHALL "#0  [^\n]*" stops "${out}")
set(want
  "#0  async__resume_add_one \\(.*\\) at [^ ]*step\\.async\\.c:10$"
  "#0  async__resume_add_one \\(.*\\) at [^ ]*step\\.async\\.c:12$"
  "#0  async__resume_amain \\(.*\\) at [^ ]*step\\.async\\.c:27$"
  "#0  twice \\(v=2\\) at [^ ]*step\\.async\\.c:20$"
  "#0  async__resume_amain \\(.*\\) at [^ ]*step\\.async\\.c:28$")
list(LENGTH stops nstops)
list(LENGTH want nwant)
if(NOT nstops EQUAL nwant)
  message(FATAL_ERROR "gdb stopped ${nstops} times, expected ${nwant}:\n${out}\n${err}")
endif()
math(EXPR last "${nwant} - 1")
foreach(i RANGE ${last})
  list(GET stops ${i} got)
  list(GET want ${i} re)
  if(NOT got MATCHES "${re}")
    message(FATAL_ERROR "stop ${i}: gdb printed\n  ${got}\nexpected\n  ${re}\nwhole output:\n${out}\n${err}")
  endif()
endforeach()
# Line 20 of twice(), after an async function, is its second statement, not
# the one after it: the first has run, the second not yet.
if(NOT out MATCHES "\\$1 = 1\n")
  message(FATAL_ERROR "at line 20, counter is not 1:\n${out}\n${err}")
endif()
if(NOT out MATCHES "b=4")
  message(FATAL_ERROR "the program did not finish under gdb:\n${out}\n${err}")
endif()
