# Signs the bundled modules at build time, the way a release is signed, but with a development
# publisher key that the build generates in its own tree (never committed, never shipped):
#
#   <build>/dev-publisher/publisher.key   Ed25519 private key, PKCS#8 PEM, mode 0600
#   <build>/modules/manifest.json         modules/manifest.json (the template) with hash+signature
#   <build>/config/trust.toml             trusts the template's publishers with the dev key only
#
# Every step goes through `cryftteectl module keygen|sign`, so the publisher tooling is exercised
# by every build. Production signing is described in docs/operations.md.
if(NOT CRYFTTEE_BUILD_MODULES OR NOT TARGET cryftteectl)
  return()
endif()

set(CRYFTTEE_DEV_TRUST_GRANTS "log;clock;random;keyvault;http"
  CACHE STRING "Host-function grants the development trust file allows the bundled modules")

set(template ${CMAKE_CURRENT_SOURCE_DIR}/manifest.json)
set(module_out ${CMAKE_BINARY_DIR}/modules)
# A release tree (make deb PUBLISHER_KEY_DIR=...) signs with an existing publisher key instead;
# the build then never generates one there.
set(CRYFTTEE_PUBLISHER_KEY_DIR "" CACHE PATH
  "Directory with publisher.key/publisher.pub to sign the bundled modules with (default: a development key generated in <build>/dev-publisher)")
if(CRYFTTEE_PUBLISHER_KEY_DIR)
  set(key_dir ${CRYFTTEE_PUBLISHER_KEY_DIR})
  if(NOT EXISTS ${key_dir}/publisher.key OR NOT EXISTS ${key_dir}/publisher.pub)
    message(FATAL_ERROR "CRYFTTEE_PUBLISHER_KEY_DIR=${key_dir} has no publisher.key and publisher.pub")
  endif()
  set(trust_kind release)
else()
  set(key_dir ${CMAKE_BINARY_DIR}/dev-publisher)
  set(trust_kind development)
endif()
set(signed_manifest ${module_out}/manifest.json)
set(dev_trust ${CMAKE_BINARY_DIR}/config/trust.toml)

set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${template})
file(READ ${template} manifest_text)
string(JSON module_count LENGTH "${manifest_text}" modules)

set(id_args)
set(wasm_deps)
set(publishers)
if(module_count GREATER 0)
  math(EXPR last "${module_count} - 1")
  foreach(i RANGE ${last})
    string(JSON id GET "${manifest_text}" modules ${i} id)
    string(JSON dir GET "${manifest_text}" modules ${i} dir)
    string(JSON file GET "${manifest_text}" modules ${i} file)
    string(JSON publisher GET "${manifest_text}" modules ${i} publisherId)
    if(NOT TARGET cryfttee_module_${id})
      message(FATAL_ERROR "modules/manifest.json lists \"${id}\" but no cryfttee_wasm_module(NAME ${id}) builds it")
    endif()
    get_target_property(wasm cryfttee_module_${id} CRYFTTEE_WASM_FILE)
    if(NOT wasm STREQUAL "${module_out}/${dir}/${file}")
      message(FATAL_ERROR "modules/manifest.json: \"${id}\" must have dir \"${id}\" and file \"module.wasm\" to match the build output ${wasm}")
    endif()
    list(APPEND id_args --id ${id})
    list(APPEND wasm_deps ${wasm} cryfttee_module_${id})
    list(APPEND publishers ${publisher})
  endforeach()
  list(REMOVE_DUPLICATES publishers)
endif()

# Runs only when the key is missing, so the development key stays stable across rebuilds. A
# given key is never a build output (a `clean` would delete it).
if(trust_kind STREQUAL "development")
  add_custom_command(OUTPUT ${key_dir}/publisher.key ${key_dir}/publisher.pub
    COMMAND cryftteectl module keygen --out ${key_dir} --force
    COMMENT "Generating the development module publisher key in ${key_dir}"
    VERBATIM)
endif()

add_custom_command(OUTPUT ${signed_manifest}
  COMMAND cryftteectl module sign --key ${key_dir}/publisher.key --manifest ${template}
          --module-dir ${module_out} --out ${signed_manifest} ${id_args}
  DEPENDS ${template} ${key_dir}/publisher.key ${wasm_deps} cryftteectl
  COMMENT "Signing the bundled modules with the development publisher key"
  VERBATIM)

string(REPLACE ";" "," publishers_arg "${publishers}")
string(REPLACE ";" "," grants_arg "${CRYFTTEE_DEV_TRUST_GRANTS}")
add_custom_command(OUTPUT ${dev_trust}
  COMMAND ${CMAKE_COMMAND} -DPUBLIC_KEY_FILE=${key_dir}/publisher.pub -DOUT=${dev_trust}
          -DPUBLISHERS=${publishers_arg} -DGRANTS=${grants_arg} -DKIND=${trust_kind}
          -P ${CMAKE_CURRENT_SOURCE_DIR}/write_dev_trust.cmake
  DEPENDS ${key_dir}/publisher.pub ${CMAKE_CURRENT_SOURCE_DIR}/write_dev_trust.cmake ${template}
  COMMENT "Writing the development trust file ${dev_trust}"
  VERBATIM)

add_custom_target(cryfttee_signed_modules ALL DEPENDS ${signed_manifest} ${dev_trust})
