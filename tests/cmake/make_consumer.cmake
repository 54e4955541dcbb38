# Builds the consumer with plain make (consumer/Makefile), pkg-config and the
# asyncc command, against a copy of the installed tree INSTALLED, runs it,
# and checks incremental builds as consumer.cmake does: a header that an
# annotated file includes re-translates it, an unrelated one translates
# nothing, a new asyncc re-translates everything.
#
#   cmake -DWORK=... -DCONSUMER=... -DINSTALLED=... -DMAKE=... -DC_COMPILER=...
#         [-DLIBDIR=lib] [-DBINDIR=bin] -P make_consumer.cmake
include("${CMAKE_CURRENT_LIST_DIR}/helpers.cmake")
if(NOT LIBDIR)
  set(LIBDIR lib)
endif()
if(NOT BINDIR)
  set(BINDIR bin)
endif()

file(REMOVE_RECURSE "${WORK}")
fresh_copy("${CONSUMER}" "${WORK}/src")
fresh_copy("${INSTALLED}" "${WORK}/prefix")
# Only the copy's asyncc.pc, whatever the environment says.
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_LIBDIR} "${WORK}/prefix/${LIBDIR}/pkgconfig")
set(make_cmd "${MAKE}" "CC=${C_COMPILER}")

step(log "make" COMMAND ${make_cmd} WORKING_DIRECTORY "${WORK}/src")
expect_translated("make" "${log}" fetch/fetch.async.c main.async.c)
# pkg-config found the translator in the copy.
string(FIND "${log}" "${WORK}/prefix/" at)
if(at EQUAL -1)
  message(FATAL_ERROR "make did not use the asyncc in ${WORK}/prefix:\n${log}")
endif()
run_consumer("${WORK}/src/build/asyncc_consumer")

step(log "make again, nothing changed" COMMAND ${make_cmd} WORKING_DIRECTORY "${WORK}/src")
expect_translated("make again" "${log}")

settle()
file(TOUCH "${WORK}/src/fetch/fetch_delay.h")
step(log "make after touching fetch/fetch_delay.h" COMMAND ${make_cmd}
     WORKING_DIRECTORY "${WORK}/src")
expect_translated("fetch_delay.h touched" "${log}" fetch/fetch.async.c)

settle()
file(TOUCH "${WORK}/src/unrelated.h")
step(log "make after touching unrelated.h" COMMAND ${make_cmd}
     WORKING_DIRECTORY "${WORK}/src")
expect_translated("unrelated.h touched" "${log}")

settle()
file(TOUCH "${WORK}/prefix/${BINDIR}/asyncc")
step(log "make after a new asyncc (touched)" COMMAND ${make_cmd}
     WORKING_DIRECTORY "${WORK}/src")
expect_translated("new asyncc" "${log}" fetch/fetch.async.c main.async.c)
run_consumer("${WORK}/src/build/asyncc_consumer")
