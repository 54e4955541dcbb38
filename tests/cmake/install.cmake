# Test fixture and test: installs the build under test into PREFIX, checks
# the layout that DESIGN.md §3 promises, and that no installed text file
# names the prefix, the source tree or the build tree (so the tree works
# wherever it is copied; the consumer tests then use copies of it).
#
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DPREFIX=... -DLIBDIR=lib
#         -DINCLUDEDIR=include -DBINDIR=bin -P install.cmake
include("${CMAKE_CURRENT_LIST_DIR}/helpers.cmake")

file(REMOVE_RECURSE "${PREFIX}")
step(out "install ${BUILD_DIR} into ${PREFIX}"
     COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}")

set(must
  "${BINDIR}/asyncc"
  "${INCLUDEDIR}/async.h"
  "${LIBDIR}/cmake/Asyncc/AsynccConfig.cmake"
  "${LIBDIR}/cmake/Asyncc/AsynccConfigVersion.cmake"
  "${LIBDIR}/cmake/Asyncc/AsynccTargets.cmake"
  "${LIBDIR}/cmake/Asyncc/AsynccFunctions.cmake"
  "${LIBDIR}/pkgconfig/asyncc.pc")
foreach(f IN LISTS must)
  if(NOT EXISTS "${PREFIX}/${f}")
    message(FATAL_ERROR "the install lacks ${f}:\n${out}")
  endif()
endforeach()
if(NOT EXISTS "${PREFIX}/${LIBDIR}/libasyncc.a" AND NOT EXISTS "${PREFIX}/${LIBDIR}/libasyncc.so")
  message(FATAL_ERROR "the install has neither ${LIBDIR}/libasyncc.a nor libasyncc.so:\n${out}")
endif()

# The translator runs from the installed tree.
step(version "installed asyncc --version" COMMAND "${PREFIX}/${BINDIR}/asyncc" --version)

# A shared libasyncc exports the API and the generated-code ABI only.
if(EXISTS "${PREFIX}/${LIBDIR}/libasyncc.so")
  find_program(NM nm)
  if(NM)
    step(syms "exported symbols of libasyncc.so"
         COMMAND "${NM}" -D --defined-only --format=posix "${PREFIX}/${LIBDIR}/libasyncc.so")
    string(REGEX MATCHALL "(^|\n)[^ \n]+ [A-Za-z]" entries "${syms}")
    set(n 0)
    foreach(e IN LISTS entries)
      string(STRIP "${e}" e)
      string(REGEX REPLACE " .*" "" name "${e}")
      string(REGEX REPLACE "@.*" "" name "${name}")
      if(NOT name MATCHES "^async_" AND NOT e MATCHES " A$")
        message(FATAL_ERROR "libasyncc.so exports '${name}', outside async_*/async__*")
      endif()
      math(EXPR n "${n} + 1")
    endforeach()
    if(n EQUAL 0)
      message(FATAL_ERROR "libasyncc.so exports nothing:\n${syms}")
    endif()
    message(STATUS "libasyncc.so exports ${n} symbols, all async_*/async__*")
  endif()
endif()

# Relocatable: no installed text file names where it was installed or built.
file(GLOB_RECURSE texts
     "${PREFIX}/${LIBDIR}/cmake/*" "${PREFIX}/${LIBDIR}/pkgconfig/*"
     "${PREFIX}/${INCLUDEDIR}/*")
foreach(f IN LISTS texts)
  file(READ "${f}" body)
  foreach(bad IN ITEMS "${PREFIX}" "${SOURCE_DIR}" "${BUILD_DIR}")
    string(FIND "${body}" "${bad}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${f} names ${bad}: the installed tree would not "
              "work once copied elsewhere")
    endif()
  endforeach()
endforeach()
message(STATUS "installed into ${PREFIX}; no installed text file names a build-time path")
