module github.com/cryft-labs/cryfttee/clients/go/cryfttee

go 1.19
