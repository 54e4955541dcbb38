# Install rules: what `cmake --install` lays out.
#
#   bin/asyncc                          the translator
#   include/async.h (+ include/asyncc/) the public header
#   lib/libasyncc.a                     or libasyncc.so with BUILD_SHARED_LIBS
#   lib/cmake/Asyncc/                   AsynccConfig.cmake, the version file,
#                                       the targets files, AsynccFunctions.cmake
#   lib/pkgconfig/asyncc.pc
#
# The build tree gets the CMake package too, in BUILD/cmake/.
#
# (lib/ is CMAKE_INSTALL_LIBDIR.)  Nothing installed names the prefix: the
# CMake files find their place from their own directory and asyncc.pc from
# ${pcfiledir}, so the tree works wherever it is copied.
#
# The top-level CMakeLists.txt includes this file last, once the targets
# asyncc (the translator) and asyncc_runtime (libasyncc) exist.  Properties
# that only matter for installing and linking the runtime from elsewhere are
# set here rather than in runtime/, which stays about the runtime itself.
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)

set(ASYNCC_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/Asyncc" CACHE STRING
    "Where the CMake package of asyncc is installed, under the prefix")
mark_as_advanced(ASYNCC_INSTALL_CMAKEDIR)

get_target_property(_asyncc_rt_type asyncc_runtime TYPE)

# A static libasyncc is built as the project's own code is (PIE on Debian,
# where it links into executables only); -DCMAKE_POSITION_INDEPENDENT_CODE=ON
# makes one that can go into a shared library.  Not the default: gcc -fPIC
# does not inline one exported function into another, which the hot paths
# rely on.

if(_asyncc_rt_type STREQUAL "SHARED_LIBRARY")
  # Export the API and the generated-code ABI, nothing else.  Before 1.0 a
  # minor release may change either, so the soname carries it.
  set(_asyncc_map "${CMAKE_CURRENT_LIST_DIR}/asyncc.map")
  target_link_options(asyncc_runtime PRIVATE "LINKER:--version-script=${_asyncc_map}")
  set_property(TARGET asyncc_runtime APPEND PROPERTY LINK_DEPENDS "${_asyncc_map}")
  set_target_properties(asyncc_runtime PROPERTIES
    VERSION "${PROJECT_VERSION}"
    SOVERSION "${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR}")
endif()

# A sanitized libasyncc needs the sanitizer's runtime wherever it is linked:
# from an installed tree, and from a parent project that vendors this one
# (whose targets do not see this project's add_link_options()).  The
# consumer must then use the same C compiler.
if(ASYNCC_SANITIZE)
  set_property(TARGET asyncc_runtime APPEND PROPERTY
    INTERFACE_LINK_OPTIONS "-fsanitize=${ASYNCC_SANITIZE}")
endif()

# The translator finds a libclang outside the system's default paths (one
# named by ASYNCC_LIBCLANG_ROOT) after installation too.
set_property(TARGET asyncc PROPERTY INSTALL_RPATH_USE_LINK_PATH ON)

install(TARGETS asyncc EXPORT AsynccTargets
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(TARGETS asyncc_runtime EXPORT AsynccTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
# async.h, and any header it includes from include/asyncc/.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/runtime/include/"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
  FILES_MATCHING PATTERN "*.h")

install(EXPORT AsynccTargets
  NAMESPACE Asyncc::
  FILE AsynccTargets.cmake
  DESTINATION "${ASYNCC_INSTALL_CMAKEDIR}")

# What the runtime links besides libc, for the package's find_dependency()
# and for asyncc.pc.  A static libasyncc passes these on to its users.
set(ASYNCC_CONFIG_DEPENDENCIES "")
set(_asyncc_pc_private "")
get_target_property(_asyncc_rt_libs asyncc_runtime LINK_LIBRARIES)
if(NOT _asyncc_rt_libs)
  set(_asyncc_rt_libs "")
endif()
foreach(_lib IN LISTS _asyncc_rt_libs)
  if(_lib STREQUAL "Threads::Threads")
    list(APPEND ASYNCC_CONFIG_DEPENDENCIES Threads)
    list(APPEND _asyncc_pc_private "-pthread")
  elseif(_lib MATCHES "^-")
    list(APPEND _asyncc_pc_private "${_lib}")
  elseif(_lib MATCHES "^[A-Za-z0-9_+.-]+$")
    list(APPEND _asyncc_pc_private "-l${_lib}")
  endif()
  # Other targets and generator expressions: the CMake package carries them.
endforeach()
list(REMOVE_DUPLICATES ASYNCC_CONFIG_DEPENDENCIES)
list(REMOVE_DUPLICATES _asyncc_pc_private)
set(ASYNCC_PC_LIBS_PRIVATE "")
foreach(_flag IN LISTS _asyncc_pc_private)
  string(APPEND ASYNCC_PC_LIBS_PRIVATE " ${_flag}")
endforeach()
if(_asyncc_rt_type STREQUAL "STATIC_LIBRARY")
  set(ASYNCC_PC_LIBS "${ASYNCC_PC_LIBS_PRIVATE}")
else()
  set(ASYNCC_PC_LIBS "")
endif()
if(ASYNCC_SANITIZE)
  string(APPEND ASYNCC_PC_LIBS " -fsanitize=${ASYNCC_SANITIZE}")
endif()

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/AsynccConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/cmake/AsynccConfig.cmake"
  INSTALL_DESTINATION "${ASYNCC_INSTALL_CMAKEDIR}")
# Before 1.0 a minor release may break the API, so 0.1 does not satisfy a
# request for 0.2, nor 0.2 one for 0.1.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/cmake/AsynccConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMinorVersion)
install(FILES
    "${PROJECT_BINARY_DIR}/cmake/AsynccConfig.cmake"
    "${PROJECT_BINARY_DIR}/cmake/AsynccConfigVersion.cmake"
    "${CMAKE_CURRENT_LIST_DIR}/AsynccFunctions.cmake"
  DESTINATION "${ASYNCC_INSTALL_CMAKEDIR}")

# The same package for the build tree, without installing:
# -DAsyncc_DIR=BUILD/cmake.  Its targets name files in this build tree.
export(EXPORT AsynccTargets NAMESPACE Asyncc::
       FILE "${PROJECT_BINARY_DIR}/cmake/AsynccTargets.cmake")
configure_file("${CMAKE_CURRENT_LIST_DIR}/AsynccFunctions.cmake"
               "${PROJECT_BINARY_DIR}/cmake/AsynccFunctions.cmake" COPYONLY)

# asyncc.pc, with the prefix found from the file's own directory.  (Where
# a directory was given as an absolute path, the tree is not relocatable and
# the .pc file says so plainly.)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(ASYNCC_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _asyncc_up "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
  string(REGEX REPLACE "/$" "" _asyncc_up "${_asyncc_up}")
  set(ASYNCC_PC_PREFIX "\${pcfiledir}/${_asyncc_up}")
endif()
foreach(_dir BINDIR LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_dir}}")
    set(ASYNCC_PC_${_dir} "${CMAKE_INSTALL_${_dir}}")
  else()
    set(ASYNCC_PC_${_dir} "\${prefix}/${CMAKE_INSTALL_${_dir}}")
  endif()
endforeach()
configure_file("${CMAKE_CURRENT_LIST_DIR}/asyncc.pc.in"
               "${PROJECT_BINARY_DIR}/cmake/asyncc.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/cmake/asyncc.pc"
  DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
