#!/usr/bin/env bash
# Builds gpuci in release mode and installs it on PATH:
#   PREFIX/lib/gpuci/{gpuci, gpuci_GPUCIData.resources/}   the binary and its bundled data
#   PREFIX/bin/gpuci -> ../lib/gpuci/gpuci                  (the binary finds its data through the link)
#   PREFIX/share/bash-completion/completions/gpuci, PREFIX/share/zsh/site-functions/_gpuci
# PREFIX defaults to /usr/local as root and to ~/.local otherwise; pass another as the first argument.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:-$([ "$(id -u)" = 0 ] && echo /usr/local || echo "$HOME/.local")}"
Scripts/setup.sh
swift build -c release --product gpuci
bin="$(swift build -c release --show-bin-path)"
rm -rf "$prefix/lib/gpuci.new"
mkdir -p "$prefix/lib/gpuci.new" "$prefix/bin" "$prefix/share/bash-completion/completions" "$prefix/share/zsh/site-functions"
cp "$bin/gpuci" "$prefix/lib/gpuci.new/gpuci"
cp -R "$bin/gpuci_GPUCIData.resources" "$prefix/lib/gpuci.new/"
rm -rf "$prefix/lib/gpuci"
mv "$prefix/lib/gpuci.new" "$prefix/lib/gpuci"
ln -sfn ../lib/gpuci/gpuci "$prefix/bin/gpuci"
"$prefix/bin/gpuci" --generate-completion-script bash > "$prefix/share/bash-completion/completions/gpuci"
"$prefix/bin/gpuci" --generate-completion-script zsh > "$prefix/share/zsh/site-functions/_gpuci"
"$prefix/bin/gpuci" topology show a10-4 > /dev/null
echo "installed $prefix/bin/gpuci ($("$prefix/bin/gpuci" --version))"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "add $prefix/bin to PATH: export PATH=\"$prefix/bin:\$PATH\"" ;; esac
