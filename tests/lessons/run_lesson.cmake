# Runs one lesson and compares its output with the expected story, line by
# line: the same lines in the same order.  Timing numbers (N.NN, in the
# [N.NNs] stamp and in the text) vary from run to run, so they are compared
# with bounds rather than exactly: never below the expected value, since
# timers do not fire early and a blocking sleep does not return early, and
# at most SLACK seconds above it, which a loaded machine stays within.
#   cmake -DLESSON=exe -DEXPECTED=file [-DSLACK=0.5] [-DENV=VAR=value] -P run_lesson.cmake
include("${CMAKE_CURRENT_LIST_DIR}/story.cmake")
if(NOT DEFINED SLACK)
  set(SLACK 0.5)
endif()
story_hundredths("${SLACK}0" slack)   # "0.5" -> "0.50"
if(SLACK MATCHES "\\.[0-9][0-9]$")
  story_hundredths("${SLACK}" slack)
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
story_compare("${out}" "${want}" bounds ${slack} "got" "expected")
story_lines("${out}" out_lines)
list(LENGTH out_lines n_out)
message(STATUS "${n_out} lines as expected")
