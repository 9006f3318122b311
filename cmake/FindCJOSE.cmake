# FindCJOSE - cjose, the JOSE library (JWK import, JWS verification) that
# single sign-on (core/access/oidc.c) checks ID tokens with; Debian's
# libcjose-dev. Through its pkg-config file when there is one, else by
# header and library. Defines the imported target CJOSE::CJOSE.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_CJOSE QUIET cjose)
endif()
find_path(CJOSE_INCLUDE_DIR cjose/cjose.h HINTS ${PC_CJOSE_INCLUDE_DIRS})
find_library(CJOSE_LIBRARY NAMES cjose HINTS ${PC_CJOSE_LIBRARY_DIRS})
set(CJOSE_VERSION "${PC_CJOSE_VERSION}")
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CJOSE
  REQUIRED_VARS CJOSE_LIBRARY CJOSE_INCLUDE_DIR
  VERSION_VAR CJOSE_VERSION)
if(CJOSE_FOUND AND NOT TARGET CJOSE::CJOSE)
  add_library(CJOSE::CJOSE UNKNOWN IMPORTED)
  set_target_properties(CJOSE::CJOSE PROPERTIES
    IMPORTED_LOCATION "${CJOSE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${CJOSE_INCLUDE_DIR}")
endif()
mark_as_advanced(CJOSE_INCLUDE_DIR CJOSE_LIBRARY)
