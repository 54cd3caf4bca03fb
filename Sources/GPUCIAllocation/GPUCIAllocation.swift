// The GPUCIAllocation layer; see Package.swift for where it sits.
