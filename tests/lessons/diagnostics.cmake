# What asyncc says about the lessons, checked against what the lessons say
# it says:
# - lesson 1 quotes the error for a bare call of a coroutine: uncomment the
#   call and the translation fails with exactly that line;
# - lesson 5 quotes the blocking-call warning: its translation prints that
#   line (once per nanosleep) and succeeds;
# - ASYNC_BLOCKING silences the warning (lesson 2, and a small file);
# - the other lessons translate without a word.
#   cmake -DASYNCC=exe -DINCLUDE=dir -DLESSONS=dir -DDATA=dir -DOUT=dir -P diagnostics.cmake
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")

# Translates SRC; sets rc and err in the caller.
macro(translate src)
  get_filename_component(_name "${src}" NAME)
  execute_process(COMMAND "${ASYNCC}" "${src}" -o "${OUT}/${_name}.out.c" --
                          -I "${INCLUDE}" -iquote "${LESSONS}" -std=c11
                  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
endmacro()

# The line a lesson quotes after "    NAME.async.c:" in its top comment.
function(quoted lesson kind out)
  file(READ "${LESSONS}/${lesson}.async.c" src)
  if(NOT src MATCHES "\n \\*     (${lesson}\\.async\\.c:[0-9]+:[0-9]+: ${kind}: [^\n]*)")
    message(FATAL_ERROR "${lesson}.async.c quotes no ${kind}")
  endif()
  set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()

function(expect_in text what)
  string(FIND "${text}" "${what}" at)
  if(at EQUAL -1)
    message(SEND_ERROR "FAILED: expected\n  ${what}\nin:\n${text}")
  else()
    message(STATUS "ok: ${what}")
  endif()
endfunction()

# Lesson 1: the bare call, uncommented in a copy, at the same line and column.
quoted(coroutine error want)
file(READ "${LESSONS}/coroutine.async.c" src)
string(REPLACE "/* make_pizza(\"basil\"); */" "make_pizza(\"basil\");" bad "${src}")
if(bad STREQUAL src)
  message(FATAL_ERROR "coroutine.async.c has no commented-out bare call")
endif()
file(WRITE "${OUT}/coroutine.async.c" "${bad}")
translate("${OUT}/coroutine.async.c")
if(NOT rc EQUAL 1)
  message(SEND_ERROR "FAILED: a bare call: exit ${rc}, expected 1\n${err}")
endif()
expect_in("${err}" "${want}")
if(EXISTS "${OUT}/coroutine.async.c.out.c")
  message(SEND_ERROR "FAILED: output written despite the error")
endif()

# Lesson 5: the warning, once per blocking call, and a translation.
quoted(sequential_vs_concurrent warning want)
translate("${LESSONS}/sequential_vs_concurrent.async.c")
if(NOT rc EQUAL 0)
  message(SEND_ERROR "FAILED: lesson 5: exit ${rc}\n${err}")
endif()
expect_in("${err}" "${want}")
expect_in("${err}" "warning: blocking call 'nanosleep' in async function 'make_burger_blocking' blocks the event loop")
string(REGEX MATCHALL "warning: blocking call" n "${err}")
list(LENGTH n n)
if(NOT n EQUAL 2)
  message(SEND_ERROR "FAILED: lesson 5: ${n} warnings, expected 2\n${err}")
endif()

# The warning as the issue words it, and ASYNC_BLOCKING.
translate("${DATA}/blocking.async.c")
if(NOT rc EQUAL 0)
  message(SEND_ERROR "FAILED: blocking.async.c: exit ${rc}\n${err}")
endif()
expect_in("${err}" "blocking.async.c:7:5: warning: blocking call 'sleep' in async function 'make_pizza' blocks the event loop")
translate("${DATA}/blocking_silenced.async.c")
if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
  message(SEND_ERROR "FAILED: ASYNC_BLOCKING(sleep(1)): exit ${rc}, stderr:\n${err}")
endif()

# The other lessons: not a word.
foreach(lesson coroutine await event_loop tasks)
  translate("${LESSONS}/${lesson}.async.c")
  if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
    message(SEND_ERROR "FAILED: lesson ${lesson}: exit ${rc}, stderr:\n${err}")
  else()
    message(STATUS "ok: ${lesson} translates silently")
  endif()
endforeach()
