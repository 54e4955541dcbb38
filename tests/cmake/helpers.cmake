# Helpers for the build-integration tests, which are CMake scripts run with
# `cmake -P`: run a step and stop on failure, tell which files a build
# translated, and copy trees.  A test fails by message(FATAL_ERROR), which
# makes `cmake -P` exit non-zero.

# step(OUT_VAR WHAT [WORKING_DIRECTORY DIR] COMMAND ...): runs COMMAND with
# its output and errors merged into OUT_VAR; on a non-zero exit, prints them
# and stops.
function(step out_var what)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "WORKING_DIRECTORY" "COMMAND")
  set(wd "")
  if(arg_WORKING_DIRECTORY)
    set(wd WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
  endif()
  message(STATUS "${what}")
  execute_process(COMMAND ${arg_COMMAND} ${wd}
                  OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what}: failed (${rc})\n${out}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# translated(OUT_VAR TEXT): the sorted list of annotated files that a build
# log shows being translated: "asyncc: translating FILE" from the CMake
# functions, "asyncc FILE -o" from the Makefile's pattern rule.
function(translated out_var text)
  set(files "")
  string(REGEX MATCHALL "asyncc: translating [^\r\n]+" hits "${text}")
  foreach(hit IN LISTS hits)
    string(REGEX REPLACE "^asyncc: translating " "" f "${hit}")
    string(STRIP "${f}" f)
    list(APPEND files "${f}")
  endforeach()
  string(REGEX MATCHALL "asyncc[^ \r\n]* [^ \r\n]+\\.async\\.c -o" hits "${text}")
  foreach(hit IN LISTS hits)
    string(REGEX REPLACE "^asyncc[^ ]* ([^ ]+) -o$" "\\1" f "${hit}")
    list(APPEND files "${f}")
  endforeach()
  list(SORT files)
  set(${out_var} "${files}" PARENT_SCOPE)
endfunction()

# expect_translated(WHAT LOG FILES...): the build whose log is LOG translated
# exactly FILES (none when FILES is empty).
function(expect_translated what log)
  translated(got "${log}")
  set(want ${ARGN})
  list(SORT want)
  if(NOT "${got}" STREQUAL "${want}")
    message(FATAL_ERROR "${what}: expected the build to translate [${want}], "
            "it translated [${got}]. Build log:\n${log}")
  endif()
  message(STATUS "${what}: translated [${got}], as expected")
endfunction()

# A pause before touching a file, so that its new time stamp is surely
# later than the outputs of the build just before, on any file system.
function(settle)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E sleep 1.1)
endfunction()

# fresh_copy(FROM TO): TO becomes a copy of the directory FROM.
function(fresh_copy from to)
  file(REMOVE_RECURSE "${to}")
  get_filename_component(parent "${to}" DIRECTORY)
  file(MAKE_DIRECTORY "${parent}")
  execute_process(COMMAND "${CMAKE_COMMAND}" -E copy_directory "${from}" "${to}"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "could not copy ${from} to ${to}")
  endif()
endfunction()

# run_consumer(EXE): runs the consumer's program, which exits 0 and prints
# its line only when its async calls gave the right results.
function(run_consumer exe)
  step(out "run ${exe}" COMMAND "${exe}")
  if(NOT out MATCHES "hello from the consumer: 42 6 5")
    message(FATAL_ERROR "${exe} printed an unexpected line:\n${out}")
  endif()
  message(STATUS "${exe}: ${out}")
endfunction()
