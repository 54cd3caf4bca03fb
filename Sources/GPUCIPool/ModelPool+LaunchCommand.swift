extension ModelPool {
    /// The command the reference would run for the worker stored under `key`, as one argv:
    /// `env CUDA_VISIBLE_DEVICES=<slot ids>` (when it has a slot) then
    /// `python3 -m sglang.launch_server --model-path … --host 127.0.0.1 --port … --tp-size … --log-level warning`,
    /// `--grpc-mode` (grpc), `--is-embedding` (feature `embedding`), prefill
    /// `--disaggregation-mode prefill --disaggregation-bootstrap-port <bp> [--disaggregation-ib-device <dev>]`,
    /// decode `--disaggregation-mode decode --base-gpu-id 0 [--disaggregation-ib-device <dev>]`, then the
    /// model's `worker_args`. Ports are the pool's numbered ones, so the result is deterministic.
    ///
    /// Returns `[]` when no instance has `key`.
    public func launchCommand(for key: String) -> [String] {
        guard let instance = self.instance(key), let spec = catalog[instance.identity.model] else { return [] }
        var argv: [String] = []
        if let slot = instance.slot {
            argv += ["env", "CUDA_VISIBLE_DEVICES=\(slot.cudaVisibleDevices)"]
        }
        argv += ["python3", "-m", "sglang.launch_server", "--model-path", spec.hfPath.isEmpty ? spec.id : spec.hfPath,
                 "--host", "127.0.0.1"]
        if let port = instance.port { argv += ["--port", String(port)] }
        argv += ["--tp-size", String(spec.tp), "--log-level", "warning"]
        if instance.identity.mode == .grpc { argv.append("--grpc-mode") }
        if spec.features.contains("embedding") { argv.append("--is-embedding") }
        switch instance.identity.type {
        case .regular:
            break
        case .prefill:
            argv += ["--disaggregation-mode", "prefill"]
            if let bootstrap = instance.bootstrapPort { argv += ["--disaggregation-bootstrap-port", String(bootstrap)] }
            if let device = instance.rdmaDevice { argv += ["--disaggregation-ib-device", device] }
        case .decode:
            argv += ["--disaggregation-mode", "decode", "--base-gpu-id", "0"]
            if let device = instance.rdmaDevice { argv += ["--disaggregation-ib-device", device] }
        }
        return argv + spec.workerArgs
    }
}
