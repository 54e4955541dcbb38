# The consumer built inside this build (add_subdirectory, as the lessons use
# the functions): runs it and checks the generated files sit where the
# sources do, mirrored under the build tree.
#
#   cmake -DEXE=... -DGEN_DIR=... -P intree.cmake
include("${CMAKE_CURRENT_LIST_DIR}/helpers.cmake")
foreach(f main.c fetch/fetch.c)
  if(NOT EXISTS "${GEN_DIR}/${f}")
    message(FATAL_ERROR "no generated ${GEN_DIR}/${f}")
  endif()
endforeach()
run_consumer("${EXE}")
