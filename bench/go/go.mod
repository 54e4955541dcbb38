module asyncc/bench/go

go 1.19
