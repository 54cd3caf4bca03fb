// The GPUCIPool layer; see Package.swift for where it sits.
