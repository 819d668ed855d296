#!/usr/bin/env bash
# Fetches the dashboard's one third-party library, Cytoscape.js, from npm into crates/keel-server/web/, and
# checks it is the exact file committed (the server embeds what is committed; this script is for updating it
# and for anyone who wants to verify where it came from).
#
#   bash scripts/vendor-web.sh          # verify the committed copy against npm's
#   bash scripts/vendor-web.sh --write  # replace it (then update VERSION and SHA256 below and web.rs's comment)
set -euo pipefail
VERSION=3.35.0
SHA256=aa33b0103bbdb721aeb1506000cb6e056692400baba7264c552d000b09da01f2  # dist/cytoscape.esm.min.mjs
here=$(cd "$(dirname "$0")/.." && pwd)
web="$here/crates/keel-server/web"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "cytoscape@$VERSION" >/dev/null && tar xzf "cytoscape-$VERSION.tgz")
got=$(sha256sum "$tmp/package/dist/cytoscape.esm.min.mjs" | cut -d' ' -f1)
[ "$got" = "$SHA256" ] || { echo "npm's cytoscape $VERSION differs from the recorded checksum: $got" >&2; exit 1; }
if [ "${1:-}" = "--write" ]; then
  cp "$tmp/package/dist/cytoscape.esm.min.mjs" "$web/cytoscape.esm.min.js"
  cp "$tmp/package/LICENSE" "$web/cytoscape-LICENSE.txt"
  echo "wrote cytoscape $VERSION into $web"
else
  cmp "$tmp/package/dist/cytoscape.esm.min.mjs" "$web/cytoscape.esm.min.js"
  cmp "$tmp/package/LICENSE" "$web/cytoscape-LICENSE.txt"
  echo "the committed Cytoscape.js is npm's $VERSION, byte for byte"
fi
