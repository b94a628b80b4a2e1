#!/usr/bin/env bash
# Trains the zstd dictionaries the store compresses documents with (crates/fudao-store/src/codec.rs)
# from the documents of a synthetic demo store, one dictionary per kind.
#
#   scripts/train-doc-dicts.sh VERSION [FIRMS] [SEED]
#
# A dictionary, once released, is never replaced: stored rows name the dictionary they were
# compressed with. A new one is a new VERSION (and a new tag in codec.rs); this script refuses
# to overwrite an existing file. v1: 3,000 firms, seed 11 (16 KiB for firms, 8 KiB for the rest).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
version="${1:?usage: train-doc-dicts.sh VERSION [FIRMS] [SEED]}"
firms="${2:-3000}"
seed="${3:-11}"
command -v zstd >/dev/null || { echo "needs the zstd command (apt install zstd)" >&2; exit 1; }
samples="$(mktemp -d)"
trap 'rm -rf "$samples"' EXIT
cargo run -q --release --manifest-path "$ROOT/Cargo.toml" -p fudao-store --example doc_samples -- "$samples" "$firms" "$seed"
for dir in "$samples"/*/; do
  kind="$(basename "$dir")"
  out="$ROOT/crates/fudao-store/dict/$kind.v$version.zdict"
  [ -e "$out" ] && { echo "$out exists: dictionaries are never replaced, pick a new version" >&2; exit 1; }
  size=8192
  [ "$kind" = firm ] && size=16384
  zstd -q --train -r "$dir" -o "$out" --maxdict="$size"
  echo "$out ($size bytes)"
done
