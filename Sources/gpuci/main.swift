import GPUCICommands

GPUCI.main()
