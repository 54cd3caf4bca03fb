// The GPUCIHistory layer; see Package.swift for where it sits.
