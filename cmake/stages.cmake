# One static library per stage folder, linked only to stages declared before it.
#
#   riposte_stage(NAME [DIR dir] [DEPENDS stage...] SOURCES file... [LIBS target...])
#     -> library riposte_NAME from the files of DIR (default agent/NAME), linked PUBLIC to
#        riposte_<each dependency> and LIBS.
#
# A stage may only depend on stages already declared, so the stage graph is acyclic by
# construction; the graph is written to ${CMAKE_BINARY_DIR}/stage_graph.txt, and
# cmake/check_layering.cmake (run here at configure time and again as the `layering`
# test) refuses any #include that reaches a stage the including one does not depend on,
# and any source file of a folder that its stage does not build.

set(RIPOSTE_STAGE_GRAPH ${CMAKE_BINARY_DIR}/stage_graph.txt CACHE INTERNAL "the stage graph cmake/check_layering.cmake reads")
file(WRITE ${RIPOSTE_STAGE_GRAPH} "")
set_property(GLOBAL PROPERTY RIPOSTE_STAGES "")

function(riposte_stage name)
  cmake_parse_arguments(S "" "DIR" "DEPENDS;SOURCES;LIBS" ${ARGN})
  if(NOT S_DIR)
    set(S_DIR ${CMAKE_CURRENT_SOURCE_DIR}/${name})
  endif()
  get_property(declared GLOBAL PROPERTY RIPOSTE_STAGES)
  foreach(dep IN LISTS S_DEPENDS)
    if(NOT dep IN_LIST declared)
      message(FATAL_ERROR "stage '${name}' depends on '${dep}', which is not declared before it: "
                          "stages link only downward")
    endif()
  endforeach()
  set(files "")
  foreach(src IN LISTS S_SOURCES)
    list(APPEND files ${S_DIR}/${src})
  endforeach()
  add_library(riposte_${name} STATIC ${files})
  target_include_directories(riposte_${name} PUBLIC ${CMAKE_SOURCE_DIR}/agent ${CMAKE_BINARY_DIR}/agent
                             ${CMAKE_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/bpf)
  list(TRANSFORM S_DEPENDS PREPEND riposte_ OUTPUT_VARIABLE dep_targets)
  target_link_libraries(riposte_${name} PUBLIC ${dep_targets} ${S_LIBS})
  set_property(GLOBAL APPEND PROPERTY RIPOSTE_STAGES ${name})
  string(JOIN "," deps ${S_DEPENDS})
  string(JOIN "," srcs ${S_SOURCES})
  file(APPEND ${RIPOSTE_STAGE_GRAPH} "${name}|${S_DIR}|${deps}|${srcs}\n")
endfunction()
