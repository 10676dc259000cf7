# cryfttee_wat_modules(TARGET <name> OUT_DIR_VAR <var>): compiles every wat/*.wat beside the
# calling CMakeLists.txt to <binary dir>/wasm/<name>.wasm with wat2wasm (Debian package wabt),
# defines custom target <name> that builds them all, and sets <var> to the output folder. Used by
# the test folders whose hostile and well-behaved modules are written in WAT.
include_guard(GLOBAL)
find_program(WAT2WASM wat2wasm REQUIRED)

function(cryfttee_wat_modules)
  cmake_parse_arguments(W "" "TARGET;OUT_DIR_VAR" "" ${ARGN})
  file(GLOB wat_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/wat/*.wat)
  set(wasm_dir ${CMAKE_CURRENT_BINARY_DIR}/wasm)
  set(wasm_files)
  foreach(wat ${wat_files})
    get_filename_component(name ${wat} NAME_WE)
    set(out ${wasm_dir}/${name}.wasm)
    add_custom_command(OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${wasm_dir}
      COMMAND ${WAT2WASM} ${wat} -o ${out}
      DEPENDS ${wat}
      COMMENT "wat2wasm ${name}.wat")
    list(APPEND wasm_files ${out})
  endforeach()
  add_custom_target(${W_TARGET} DEPENDS ${wasm_files})
  set(${W_OUT_DIR_VAR} ${wasm_dir} PARENT_SCOPE)
endfunction()
