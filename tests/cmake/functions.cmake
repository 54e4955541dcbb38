# Builds functions/ against the installed tree INSTALLED and checks where
# each translation went, with which -std, and what the programs print; then
# configures each misuse case and checks that it stops with its message.
#
#   cmake -DWORK=... -DSOURCE=... -DINSTALLED=... -DC_COMPILER=...
#         -DBUILD_TYPE=... -P functions.cmake
include("${CMAKE_CURRENT_LIST_DIR}/helpers.cmake")

file(REMOVE_RECURSE "${WORK}")
set(build "${WORK}/build")
set(args -G Ninja "-DCMAKE_C_COMPILER=${C_COMPILER}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
         "-DCMAKE_PREFIX_PATH=${INSTALLED}")
step(out "configure functions/" COMMAND "${CMAKE_COMMAND}" -S "${SOURCE}" -B "${build}" ${args})
step(log "build functions/" COMMAND "${CMAKE_COMMAND}" --build "${build}" -j 2)
expect_translated("build" "${log}" ../shared/hello.async.c lib/twice.async.c
                  lib/twice.async.c prog.async.c prog.async.c)

foreach(f lib/twice.c asyncc-twice3/lib/twice.c prog.c asyncc-prog3/prog.c
          app/__/shared/hello.c)
  if(NOT EXISTS "${build}/${f}")
    message(FATAL_ERROR "no translation at ${build}/${f}")
  endif()
endforeach()

# The -std that each translation of prog.async.c got.
file(READ "${build}/build.ninja" ninja)
string(REGEX MATCH "-o ${build}/prog\\.c [^\n]*" cmd2 "${ninja}")
string(REGEX MATCH "-o ${build}/asyncc-prog3/prog\\.c [^\n]*" cmd3 "${ninja}")
if(NOT cmd2 MATCHES " -std=gnu99( |$)" OR NOT cmd3 MATCHES " -std=c11( |$)")
  message(FATAL_ERROR "expected -std=gnu99 for prog2 and -std=c11 for prog3:\n"
          "${cmd2}\n${cmd3}")
endif()

step(out "run prog2" COMMAND "${build}/prog2")
if(NOT out MATCHES "twice\\(21\\) = 42")
  message(FATAL_ERROR "prog2 printed: ${out}")
endif()
step(out "run prog3" COMMAND "${build}/prog3")
if(NOT out MATCHES "twice\\(21\\) = 63")
  message(FATAL_ERROR "prog3 printed: ${out}")
endif()
step(out "run outside" COMMAND "${build}/app/outside")
if(NOT out MATCHES "hello from outside")
  message(FATAL_ERROR "outside printed: ${out}")
endif()

foreach(case_msg
    "other_directory|call it in the directory that creates 'other_dir'"
    "missing_file|no such file: "
    "no_target|no target named 'no_such_target'"
    "wrong_version|compatible with requested version \"0.2\"")
  string(REPLACE "|" ";" pair "${case_msg}")
  list(GET pair 0 case)
  list(GET pair 1 msg)
  message(STATUS "misuse: ${case}")
  execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SOURCE}" -B "${WORK}/${case}" ${args}
                          "-DCASE=${case}"
                  OUTPUT_VARIABLE out ERROR_VARIABLE out RESULT_VARIABLE rc)
  string(REGEX REPLACE "[ \n]+" " " flat "${out}")
  string(FIND "${flat}" "${msg}" at)
  if(rc EQUAL 0 OR at EQUAL -1)
    message(FATAL_ERROR "CASE=${case}: expected configuring to fail with "
            "\"${msg}\"; it exited ${rc}:\n${out}")
  endif()
endforeach()
