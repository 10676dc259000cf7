;; Asks for a host function nobody granted it.
(module
  (import "cryfttee" "http_request" (func (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "cryfttee_abi_version") (result i32) (i32.const 1))
  (func (export "cryfttee_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "cryfttee_free") (param i32 i32)))
