#!/usr/bin/env bash
# Vega's integration features at v0.72.6 (those the fidelity suite is judged against, listed in
# tests/fidelity/feature_files.txt) and their named market defaults, into DEST
# (default ../shared/vega-features, where the fidelity suite looks for them).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-../shared/vega-features}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet --depth 1 --branch v0.72.6 --filter=blob:none --sparse \
    "${VEGA_REPOSITORY:-https://github.com/vegaprotocol/vega}" "$work/vega"
git -C "$work/vega" sparse-checkout set core/integration/features core/integration/steps/market/defaults
while read -r feature; do
    install -D -m 0644 "$work/vega/core/integration/$feature" "$dest/$feature"
done < tests/fidelity/feature_files.txt
mkdir -p "$dest/defaults"
(cd "$work/vega/core/integration/steps/market" && find defaults -name '*.json' -exec install -D -m 0644 {} "$dest/{}" \;)
echo "$(wc -l < tests/fidelity/feature_files.txt) feature files and their defaults in $dest"
