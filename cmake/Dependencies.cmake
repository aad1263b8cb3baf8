# Every third-party dependency, found once, exposed as an imported target.
# Debian 12 packages; see scripts/deps/build.txt.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

find_package(Boost 1.81 CONFIG REQUIRED COMPONENTS json program_options)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(CURL REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)

# SOCI 4.0.3 on Debian ships neither a CMake config nor a .pc file.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIB soci_core REQUIRED)
find_library(SOCI_SQLITE3_LIB soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL_LIB soci_postgresql REQUIRED)
add_library(shop_soci INTERFACE)
target_include_directories(shop_soci SYSTEM INTERFACE ${SOCI_INCLUDE_DIR})
target_link_libraries(shop_soci INTERFACE
  ${SOCI_SQLITE3_LIB} ${SOCI_POSTGRESQL_LIB} ${SOCI_CORE_LIB}
  SQLite::SQLite3 PostgreSQL::PostgreSQL Boost::headers ${CMAKE_DL_LIBS})

# Xapian's CMake config only sets variables.
find_package(xapian CONFIG REQUIRED)
add_library(shop_xapian INTERFACE)
target_include_directories(shop_xapian SYSTEM INTERFACE ${XAPIAN_INCLUDE_DIR})
target_link_libraries(shop_xapian INTERFACE ${XAPIAN_LIBRARIES})

# kainjow mustache is a single header.
find_path(MUSTACHE_INCLUDE_DIR mustache.hpp PATH_SUFFIXES kainjow REQUIRED)
add_library(shop_mustache INTERFACE)
target_include_directories(shop_mustache SYSTEM INTERFACE ${MUSTACHE_INCLUDE_DIR})

# utf8proc: Unicode normalisation (NFC) and case folding for e-mail addresses.
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)
