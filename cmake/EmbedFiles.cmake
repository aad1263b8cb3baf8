# shop_embed_migrations(<target> <root dir>): compiles every *.sql under <root>
# into the binary, so one file is all a deployment needs. The list is
# re-globbed on every build (CONFIGURE_DEPENDS) and the generated source is
# rebuilt when any file changes.
function(shop_embed_migrations target root)
  file(GLOB_RECURSE files CONFIGURE_DEPENDS "${root}/*.sql")
  list(SORT files)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_migrations.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DROOT=${root} -DOUT=${out} "-DFILES=${files}"
            -P "${PROJECT_SOURCE_DIR}/cmake/GenerateEmbeddedMigrations.cmake"
    DEPENDS ${files} "${PROJECT_SOURCE_DIR}/cmake/GenerateEmbeddedMigrations.cmake"
    COMMENT "Embedding migrations"
    VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()
