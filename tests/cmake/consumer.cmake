# Builds the consumer project (consumer/) in a fresh work directory, runs it,
# and checks incremental builds by which files the build logs show being
# translated:
#   - a first build translates both annotated files, and a second does nothing;
#   - touching fetch/fetch_delay.h, which only fetch.async.c includes,
#     re-translates that file alone;
#   - touching unrelated.h, which no annotated file includes, translates
#     nothing;
#   - a new translator re-translates everything.
#
# MODE=installed: the consumer finds a copy of the installed tree INSTALLED
#   with find_package(Asyncc) (a copy, so this also shows the tree works
#   where it was not installed); the new translator is a touched bin/asyncc.
# MODE=buildtree: the consumer finds the package that the build tree
#   BUILD_DIR exports (-DAsyncc_DIR=BUILD_DIR/cmake), without installing;
#   the translator there is left alone, so no new-translator step.
# MODE=vendored: a super-project add_subdirectory()s a copy of the asyncc
#   sources at SOURCE_DIR and then the consumer; the new translator comes
#   from touching one of its sources, so it is really rebuilt.
#
#   cmake -DMODE=... -DWORK=... -DCONSUMER=... -DGENERATOR=...
#         -DC_COMPILER=... -DBUILD_TYPE=... [-DINSTALLED=...] [-DSOURCE_DIR=...]
#         [-DSANITIZE=...] [-DBINDIR=bin] [-DBUILD_DIR=...] -P consumer.cmake
include("${CMAKE_CURRENT_LIST_DIR}/helpers.cmake")
if(NOT BINDIR)
  set(BINDIR bin)
endif()

file(REMOVE_RECURSE "${WORK}")
fresh_copy("${CONSUMER}" "${WORK}/src")
set(build "${WORK}/build")
set(args -G "${GENERATOR}" "-DCMAKE_C_COMPILER=${C_COMPILER}"
         "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")

if(MODE STREQUAL "installed")
  fresh_copy("${INSTALLED}" "${WORK}/prefix")
  step(out "configure the consumer (${GENERATOR}) against ${WORK}/prefix"
       COMMAND "${CMAKE_COMMAND}" -S "${WORK}/src" -B "${build}" ${args}
               "-DCMAKE_PREFIX_PATH=${WORK}/prefix")
  # find_package() must have found the copy, not some other asyncc.
  file(STRINGS "${build}/CMakeCache.txt" dir REGEX "^Asyncc_DIR:")
  string(FIND "${dir}" "${WORK}/prefix/" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "find_package(Asyncc) found ${dir}, not the copy in ${WORK}/prefix")
  endif()
  set(exe "${build}/asyncc_consumer")
  set(gen_dir "${build}")
  set(prefix_rel "")
elseif(MODE STREQUAL "buildtree")
  step(out "configure the consumer (${GENERATOR}) against the build tree ${BUILD_DIR}"
       COMMAND "${CMAKE_COMMAND}" -S "${WORK}/src" -B "${build}" ${args}
               "-DAsyncc_DIR=${BUILD_DIR}/cmake")
  set(exe "${build}/asyncc_consumer")
  set(gen_dir "${build}")
elseif(MODE STREQUAL "vendored")
  # The asyncc sources without their build trees and history.
  file(MAKE_DIRECTORY "${WORK}/asyncc")
  file(GLOB entries RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*")
  foreach(e IN LISTS entries)
    if(NOT e MATCHES "^(\\.git|build.*|_build.*|Testing)$")
      if(IS_DIRECTORY "${SOURCE_DIR}/${e}")
        fresh_copy("${SOURCE_DIR}/${e}" "${WORK}/asyncc/${e}")
      else()
        file(COPY "${SOURCE_DIR}/${e}" DESTINATION "${WORK}/asyncc")
      endif()
    endif()
  endforeach()
  file(MAKE_DIRECTORY "${WORK}/super")
  file(WRITE "${WORK}/super/CMakeLists.txt" "\
cmake_minimum_required(VERSION 3.20)
project(super LANGUAGES C)
add_subdirectory(\"${WORK}/asyncc\" asyncc)
add_subdirectory(\"${WORK}/src\" consumer)
")
  step(out "configure a project that vendors asyncc (${GENERATOR})"
       COMMAND "${CMAKE_COMMAND}" -S "${WORK}/super" -B "${build}" ${args}
               "-DASYNCC_SANITIZE=${SANITIZE}")
  set(exe "${build}/consumer/asyncc_consumer")
  set(gen_dir "${build}/consumer")
else()
  message(FATAL_ERROR "MODE must be installed or vendored, not '${MODE}'")
endif()

set(all fetch/fetch.async.c main.async.c)
set(build_cmd "${CMAKE_COMMAND}" --build "${build}" -j 2)

step(log "first build" COMMAND ${build_cmd})
expect_translated("first build" "${log}" ${all})
# Outputs mirror the sources under the build tree: NAME.async.c -> NAME.c.
foreach(f main.c fetch/fetch.c)
  if(NOT EXISTS "${gen_dir}/${f}")
    message(FATAL_ERROR "no generated ${gen_dir}/${f}")
  endif()
endforeach()
run_consumer("${exe}")

step(log "second build, nothing changed" COMMAND ${build_cmd})
expect_translated("second build" "${log}")

settle()
file(TOUCH "${WORK}/src/fetch/fetch_delay.h")
step(log "build after touching fetch/fetch_delay.h" COMMAND ${build_cmd})
expect_translated("fetch_delay.h touched" "${log}" fetch/fetch.async.c)

settle()
file(TOUCH "${WORK}/src/unrelated.h")
step(log "build after touching unrelated.h" COMMAND ${build_cmd})
expect_translated("unrelated.h touched" "${log}")
if(NOT log MATCHES "plain\\.c")
  message(FATAL_ERROR "touching unrelated.h did not even recompile plain.c:\n${log}")
endif()

if(MODE STREQUAL "buildtree")
  return()
endif()
settle()
if(MODE STREQUAL "installed")
  file(TOUCH "${WORK}/prefix/${BINDIR}/asyncc")
  set(what "build after installing a new asyncc (touched)")
else()
  file(GLOB tool_sources "${WORK}/asyncc/compiler/*.c")
  list(GET tool_sources 0 tool_source)
  file(TOUCH "${tool_source}")
  set(what "build after changing the translator's ${tool_source}")
endif()
step(log "${what}" COMMAND ${build_cmd})
expect_translated("new translator" "${log}" ${all})
if(MODE STREQUAL "vendored" AND NOT log MATCHES "Linking C executable [^\n]*asyncc")
  message(FATAL_ERROR "the translator was not relinked:\n${log}")
endif()
run_consumer("${exe}")
