#!/usr/bin/env bash
# Vendors the front-end libraries from the npm registry into crates/duban/assets/vendor, where the
# binary embeds them (no build step for users, no CDN at run time). Re-run to update; commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
out=crates/duban/assets/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
fetch() { # package@version file-in-package target-name
    (cd "$tmp" && npm pack --silent "$1" >/dev/null)
    local tgz
    tgz=$(ls "$tmp"/*.tgz)
    tar -xzf "$tgz" -C "$tmp"
    cp "$tmp/package/$2" "$out/$3"
    echo "$1 $3" >> "$out/VERSIONS.new"
    rm -rf "$tmp/package" "$tgz"
}
: > "$out/VERSIONS.new"
fetch bootstrap@5.3.3 dist/css/bootstrap.min.css bootstrap.min.css
fetch htmx.org@2.0.4 dist/htmx.min.js htmx.min.js
fetch echarts@5.6.0 dist/echarts.min.js echarts.min.js
mv "$out/VERSIONS.new" "$out/VERSIONS"
echo "vendored into $out:"; cat "$out/VERSIONS"
