# The layers point down only (DESIGN.md, Architecture: platform/ -> probes/ -> agent/): nothing in
# platform/ includes probes/ or agent/, and nothing in probes/ includes agent/. Run by the build
# (the preflight_layers target in the top-level CMakeLists.txt) before any library compiles:
#   cmake -DSOURCE_DIR=<repository> -P cmake/check_layers.cmake
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<repository> -P check_layers.cmake")
endif()

set(layers platform probes)
set(layers_above "probes|agent" agent)
set(violations "")
foreach(layer forbidden IN ZIP_LISTS layers layers_above)
  file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE ${SOURCE_DIR}
       ${SOURCE_DIR}/${layer}/*.h ${SOURCE_DIR}/${layer}/*.cpp)
  list(SORT files)
  foreach(file IN LISTS files)
    file(STRINGS ${SOURCE_DIR}/${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    foreach(line IN LISTS includes)
      # "agent/x.h", <agent/x.h> and "../../agent/x.h" alike.
      if(line MATCHES "include[ \t]*[<\"]([./]*)(${forbidden})/([^>\"]*)")
        string(APPEND violations
               "\n  ${file} includes ${CMAKE_MATCH_2}/${CMAKE_MATCH_3}: ${layer}/ may not "
               "include ${CMAKE_MATCH_2}/ (a layer above it)")
      endif()
    endforeach()
  endforeach()
endforeach()

if(violations)
  message(FATAL_ERROR "Upward include; dependencies point platform/ -> probes/ -> agent/ only "
                      "(DESIGN.md, Architecture). Move the shared piece down a layer, or pass it "
                      "in through an interface:${violations}")
endif()
