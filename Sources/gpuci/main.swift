import Foundation
import GPUCICommands

if let typo = GPUCI.subcommandTypo(in: Array(CommandLine.arguments.dropFirst())) {
    FileHandle.standardError.write(Data("Error: \(typo)\n".utf8))
    exit(64)
}
GPUCI.main()
