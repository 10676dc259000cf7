;; Asks for 1000 initial pages (62.5 MiB), above the test cap.
(module
  (memory (export "memory") 1000)
  (func (export "cryfttee_abi_version") (result i32) (i32.const 1))
  (func (export "cryfttee_alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "cryfttee_free") (param i32 i32)))
