#!/usr/bin/env bash
# Copy the pinned npm front-end packages into static/vendor (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/bootstrap ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
v=static/vendor
rm -rf "$v"
mkdir -p "$v"/bootstrap "$v"/bootstrap-icons/fonts "$v"/htmx "$v"/alpinejs "$v"/echarts "$v"/signature_pad
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map "$v"/bootstrap/
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map "$v"/bootstrap/
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$v"/bootstrap-icons/
cp node_modules/bootstrap-icons/font/fonts/* "$v"/bootstrap-icons/fonts/
cp node_modules/htmx.org/dist/htmx.min.js "$v"/htmx/
cp node_modules/alpinejs/dist/cdn.min.js "$v"/alpinejs/alpine.min.js
cp node_modules/echarts/dist/echarts.min.js "$v"/echarts/
cp node_modules/signature_pad/dist/signature_pad.umd.min.js node_modules/signature_pad/dist/signature_pad.umd.min.js.map "$v"/signature_pad/
echo "assets copied to $v"
