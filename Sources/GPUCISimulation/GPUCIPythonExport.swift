// The collector's public API speaks GPUCIPython's types (`PythonModule`); clients of the
// simulation get them with it.
@_exported import GPUCIPython
