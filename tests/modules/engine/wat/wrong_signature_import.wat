;; Imports a granted host function with the wrong signature.
(module
  (import "cryfttee" "now_ms" (func (result i32)))
  (memory (export "memory") 1)
  (func (export "cryfttee_abi_version") (result i32) (i32.const 1))
  (func (export "cryfttee_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "cryfttee_free") (param i32 i32)))
