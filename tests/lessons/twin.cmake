# A lesson against its asyncio twin (twins/NAME.py, the guide's Python
# written the same way): both must print the same lines in the same order.
# Timing numbers (N.NN) are left out of the comparison: the expected-output
# test bounds them, and the two runtimes may legitimately differ by a few
# hundredths (DESIGN.md 1.7).  Numbers that differ by more than 0.03 s are
# listed, for the reader.
#   cmake -DLESSON=exe -DPYTHON=python3 -DTWIN=file.py -P twin.cmake
execute_process(COMMAND "${LESSON}" RESULT_VARIABLE rc OUTPUT_VARIABLE c_out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${LESSON} exited with ${rc}")
endif()
execute_process(COMMAND "${PYTHON}" "${TWIN}" RESULT_VARIABLE rc OUTPUT_VARIABLE py_out
  ERROR_VARIABLE py_err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the twin ${TWIN} failed (${rc}):\n${py_err}")
endif()

include("${CMAKE_CURRENT_LIST_DIR}/story.cmake")
story_compare("${c_out}" "${py_out}" note 3 "C" "asyncio")
story_lines("${c_out}" c_lines)
list(LENGTH c_lines nc)
message(STATUS "${nc} lines, the same as asyncio's")
