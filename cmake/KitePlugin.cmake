# kite_add_plugin(NAME SOURCE...): an actor library that kite-edge and kite-cloud load from the
# `plugins:` list of their YAML (docs/writing-actors.md). It links only Kite's headers: the Kite
# code it calls is the loading node's own.
function(kite_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE Kite::sdk)
  # Only its manifest is exported, so its copies of inline code never stand in for the node's.
  set_target_properties(${name} PROPERTIES PREFIX "" CXX_VISIBILITY_PRESET hidden
                                           VISIBILITY_INLINES_HIDDEN ON)
  # Static libraries it links keep their symbols to themselves too.
  target_link_options(${name} PRIVATE "LINKER:--exclude-libs,ALL")
endfunction()
