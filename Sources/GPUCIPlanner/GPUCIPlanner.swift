// The GPUCIPlanner layer; see Package.swift for where it sits.
