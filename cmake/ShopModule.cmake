# shop_module(NAME <m> SOURCES ... [USES <other modules>] [PLATFORM <platform targets>])
#
# Makes the two targets every module is (DESIGN §1):
#   shop_<m>_api  INTERFACE: include/ only — the module's public contract.
#   shop_<m>      STATIC: src/ kept PRIVATE, linking only the _api targets of
#                 the modules it USES, so a module cannot even find another
#                 module's internals. Only src/app links shop_<m>.
# A module declared without SOURCES is a contract only (its _api target): other
# modules can already build against it before its implementation exists.
function(shop_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;USES;PLATFORM" ${ARGN})
  set(dir ${CMAKE_CURRENT_SOURCE_DIR})
  add_library(shop_${M_NAME}_api INTERFACE)
  target_include_directories(shop_${M_NAME}_api INTERFACE ${dir}/include)
  target_link_libraries(shop_${M_NAME}_api INTERFACE shop_platform_core)

  if(NOT M_SOURCES)
    return()
  endif()

  add_library(shop_${M_NAME} STATIC ${M_SOURCES})
  target_include_directories(shop_${M_NAME} PRIVATE ${dir}/src)
  set(deps shop_${M_NAME}_api)
  foreach(other IN LISTS M_USES)
    list(APPEND deps shop_${other}_api)
  endforeach()
  target_link_libraries(shop_${M_NAME} PUBLIC ${deps} PRIVATE ${M_PLATFORM})
endfunction()
