;; Imports from a namespace other than "cryfttee".
(module
  (import "env" "log" (func (param i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "cryfttee_abi_version") (result i32) (i32.const 1))
  (func (export "cryfttee_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "cryfttee_free") (param i32 i32)))
