# shop_doctest(<name> SOURCES ... LIBS ... [DEFINITIONS ...])
#
# A doctest executable linked with the shared doctest main, each TEST_CASE
# registered with ctest. Does nothing when SHOPD_BUILD_TESTS is off. Test
# names must not contain ';' (ctest would split them and match nothing; the
# shared main, tests/support/doctest_main.cpp, fails such a run).
function(shop_doctest name)
  if(NOT SHOPD_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;DEFINITIONS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} shop_doctest_main)
  if(T_DEFINITIONS)
    target_compile_definitions(${name} PRIVATE ${T_DEFINITIONS})
  endif()
  doctest_discover_tests(${name})
endfunction()
