// The GPUCISimulation layer; see Package.swift for where it sits.
