;; Has no cryfttee_abi_version export.
(module
  (memory (export "memory") 1)
  (func (export "cryfttee_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "cryfttee_free") (param i32 i32)))
