# cryfttee_wasm_module(NAME <name> SOURCES <files...> [MODULE_JSON <file>] [OUTPUT_DIR <dir>]
#                      [INCLUDE_DIRS <dirs...>] [ALL])
#
# Builds a cryfttee WebAssembly module from C/C++ sources with clang-14 --target=wasm32 and no
# libc, against the SDK in sdk/: the SDK's implementation (sdk/cryfttee_sdk.c) is compiled as a
# translation unit of its own and linked in, so a module reaches only the public header's API;
# link-time optimisation inlines across the two. The output is <OUTPUT_DIR>/module.wasm (default
# ${CMAKE_BINARY_DIR}/modules/<name>/), with MODULE_JSON copied beside it as module.json, so
# the output directory is a complete module directory. Defines target cryfttee_module_<name>
# with properties CRYFTTEE_WASM_FILE and CRYFTTEE_MODULE_DIR, for signing steps and tests to
# depend on. Project compile flags (sanitizers, -std) are deliberately not applied: the module
# is a different target machine.
include_guard(GLOBAL)

find_program(CRYFTTEE_WASM_CC NAMES clang-14 clang REQUIRED)
find_program(CRYFTTEE_WASM_LD NAMES wasm-ld-14 wasm-ld REQUIRED)

set(CRYFTTEE_WASM_CFLAGS
  --target=wasm32 -nostdlib -O2 -mbulk-memory -flto -fno-exceptions -Wall -Wextra -Werror
  CACHE STRING "Flags for compiling cryfttee WebAssembly module sources")
# --stack-first puts the C stack below static data, so an overflow traps (out of bounds) instead
# of silently corrupting globals.
set(CRYFTTEE_WASM_LDFLAGS
  --no-entry --export-dynamic --stack-first -z stack-size=65536 --lto-O2
  CACHE STRING "Flags for linking cryfttee WebAssembly modules with wasm-ld")

function(cryfttee_wasm_module)
  cmake_parse_arguments(M "ALL" "NAME;MODULE_JSON;OUTPUT_DIR" "SOURCES;INCLUDE_DIRS" ${ARGN})
  if(NOT M_NAME OR NOT M_SOURCES)
    message(FATAL_ERROR "cryfttee_wasm_module needs NAME and SOURCES")
  endif()
  if(NOT M_OUTPUT_DIR)
    set(M_OUTPUT_DIR ${CMAKE_BINARY_DIR}/modules/${M_NAME})
  endif()
  set(out ${M_OUTPUT_DIR}/module.wasm)
  set(sources)
  foreach(src ${M_SOURCES} ${CMAKE_SOURCE_DIR}/sdk/cryfttee_sdk.c)
    get_filename_component(abs ${src} ABSOLUTE)
    list(APPEND sources ${abs})
  endforeach()
  set(includes -I${CMAKE_SOURCE_DIR}/sdk)
  foreach(dir ${M_INCLUDE_DIRS})
    get_filename_component(abs ${dir} ABSOLUTE)
    list(APPEND includes -I${abs})
  endforeach()
  set(objects)
  foreach(src ${sources})
    get_filename_component(base ${src} NAME_WE)
    set(obj ${CMAKE_CURRENT_BINARY_DIR}/wasm_obj/${M_NAME}/${base}.o)
    add_custom_command(OUTPUT ${obj}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/wasm_obj/${M_NAME}
      COMMAND ${CRYFTTEE_WASM_CC} ${CRYFTTEE_WASM_CFLAGS} ${includes} -c -o ${obj} ${src}
      DEPENDS ${src} ${CMAKE_SOURCE_DIR}/sdk/cryfttee_module.h ${CMAKE_SOURCE_DIR}/sdk/cryfttee_sdk.c
      COMMENT "Compiling ${base} for WebAssembly module ${M_NAME}"
      VERBATIM)
    list(APPEND objects ${obj})
  endforeach()
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${M_OUTPUT_DIR}
    COMMAND ${CRYFTTEE_WASM_LD} ${CRYFTTEE_WASM_LDFLAGS} -o ${out} ${objects}
    DEPENDS ${objects}
    COMMENT "Linking WebAssembly module ${M_NAME}"
    VERBATIM)
  set(outputs ${out})
  if(M_MODULE_JSON)
    get_filename_component(json ${M_MODULE_JSON} ABSOLUTE)
    add_custom_command(OUTPUT ${M_OUTPUT_DIR}/module.json
      COMMAND ${CMAKE_COMMAND} -E copy ${json} ${M_OUTPUT_DIR}/module.json
      DEPENDS ${json}
      VERBATIM)
    list(APPEND outputs ${M_OUTPUT_DIR}/module.json)
  endif()
  if(M_ALL)
    add_custom_target(cryfttee_module_${M_NAME} ALL DEPENDS ${outputs})
  else()
    add_custom_target(cryfttee_module_${M_NAME} DEPENDS ${outputs})
  endif()
  set_target_properties(cryfttee_module_${M_NAME} PROPERTIES
    CRYFTTEE_WASM_FILE ${out}
    CRYFTTEE_MODULE_DIR ${M_OUTPUT_DIR})
endfunction()
