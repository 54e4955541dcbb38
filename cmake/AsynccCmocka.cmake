# Finds cmocka through its CMake config or pkg-config and defines the
# imported target Asyncc::cmocka; stops with the package to install where
# neither finds it.
find_package(cmocka CONFIG QUIET)
if(TARGET cmocka::cmocka)
  add_library(Asyncc::cmocka ALIAS cmocka::cmocka)
elseif(cmocka_FOUND AND CMOCKA_LIBRARIES)
  add_library(Asyncc::cmocka INTERFACE IMPORTED)
  set_target_properties(Asyncc::cmocka PROPERTIES
    INTERFACE_LINK_LIBRARIES "${CMOCKA_LIBRARIES}"
    INTERFACE_INCLUDE_DIRECTORIES "${CMOCKA_INCLUDE_DIR}")
else()
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(ASYNCC_CMOCKA QUIET IMPORTED_TARGET cmocka)
  endif()
  if(TARGET PkgConfig::ASYNCC_CMOCKA)
    add_library(Asyncc::cmocka ALIAS PkgConfig::ASYNCC_CMOCKA)
  else()
    message(FATAL_ERROR
      "The tests need cmocka, and it was not found.\n"
      "On Debian or Ubuntu:  apt-get install libcmocka-dev\n"
      "Or configure with -DBUILD_TESTING=OFF.")
  endif()
endif()
