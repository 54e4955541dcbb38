# Configures SOURCE_DIR in BINARY_DIR with a libclang root that holds none,
# and checks that configuring fails with the package to install.
file(REMOVE_RECURSE "${BINARY_DIR}")
file(MAKE_DIRECTORY "${BINARY_DIR}/empty-root")
execute_process(
  COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${BINARY_DIR}"
          -DASYNCC_LIBCLANG_ROOT=${BINARY_DIR}/empty-root -DBUILD_TESTING=OFF
          -DASYNCC_BUILD_EXAMPLES=OFF
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "configuring without libclang succeeded")
endif()
if(NOT err MATCHES "apt-get install libclang-dev")
  message(FATAL_ERROR "configure failed without naming the package:\n${err}")
endif()
message(STATUS "configure failed as expected and named libclang-dev")
