# Runs one lesson and compares its output with the expected story, line by
# line: the same lines in the same order.  Timing numbers (N.NN, in the
# [N.NNs] stamp and in the text) vary from run to run, so they are compared
# with bounds rather than exactly: never below the expected value, since
# timers do not fire early and a blocking sleep does not return early, and
# at most SLACK seconds above it, which a loaded machine stays within.
#   cmake -DLESSON=exe -DEXPECTED=file [-DSLACK=0.5] [-DENV=VAR=value] -P run_lesson.cmake
if(NOT DEFINED SLACK)
  set(SLACK 0.5)
endif()
# Seconds with two decimals to integer hundredths.
function(hundredths text out)
  string(REGEX MATCH "^([0-9]+)\\.([0-9][0-9])$" _ "${text}")
  # "1" before the decimals keeps a leading zero from reading as octal.
  math(EXPR v "${CMAKE_MATCH_1} * 100 + 1${CMAKE_MATCH_2} - 100")
  set(${out} ${v} PARENT_SCOPE)
endfunction()
hundredths("${SLACK}0" slack)   # "0.5" -> "0.50"
if(SLACK MATCHES "\\.[0-9][0-9]$")
  hundredths("${SLACK}" slack)
endif()

if(DEFINED ENV)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env "${ENV}" "${LESSON}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
else()
  execute_process(COMMAND "${LESSON}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
endif()
message(STATUS "output:\n${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${LESSON} exited with ${rc}\n${err}")
endif()
if(NOT err STREQUAL "")
  message(FATAL_ERROR "${LESSON} wrote to stderr:\n${err}")
endif()

file(READ "${EXPECTED}" want)
# Lines as lists; an empty line must survive, so mark each line's end.
string(REPLACE ";" "\\;" out "${out}")
string(REPLACE ";" "\\;" want "${want}")
string(REGEX REPLACE "\n$" "" out "${out}")
string(REGEX REPLACE "\n$" "" want "${want}")
string(REPLACE "\n" "|;" out_lines "${out}|")
string(REPLACE "\n" "|;" want_lines "${want}|")
list(LENGTH out_lines n_out)
list(LENGTH want_lines n_want)
if(NOT n_out EQUAL n_want)
  message(FATAL_ERROR "${n_out} lines of output, ${n_want} expected")
endif()

set(number_re "[0-9]+\\.[0-9][0-9]")
math(EXPR last "${n_want} - 1")
foreach(i RANGE ${last})
  list(GET out_lines ${i} got)
  list(GET want_lines ${i} exp)
  string(REGEX REPLACE "\\|$" "" got "${got}")
  string(REGEX REPLACE "\\|$" "" exp "${exp}")
  string(REGEX REPLACE "${number_re}" "#" got_shape "${got}")
  string(REGEX REPLACE "${number_re}" "#" exp_shape "${exp}")
  math(EXPR line "${i} + 1")
  if(NOT got_shape STREQUAL exp_shape)
    message(FATAL_ERROR "line ${line} differs:\n  got:      ${got}\n  expected: ${exp}")
  endif()
  string(REGEX MATCHALL "${number_re}" got_nums "${got}")
  string(REGEX MATCHALL "${number_re}" exp_nums "${exp}")
  set(k 0)
  foreach(e IN LISTS exp_nums)
    list(GET got_nums ${k} g)
    math(EXPR k "${k} + 1")
    hundredths("${e}" ev)
    hundredths("${g}" gv)
    math(EXPR hi "${ev} + ${slack}")
    if(gv LESS ev OR gv GREATER hi)
      message(FATAL_ERROR "line ${line}: ${g} is outside [${e}, ${e} + ${SLACK}]:\n"
                          "  got:      ${got}\n  expected: ${exp}")
    endif()
  endforeach()
endforeach()
message(STATUS "${n_out} lines as expected")
