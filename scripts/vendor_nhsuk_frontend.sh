#!/usr/bin/env bash
# Refresh the vendored NHS.UK frontend under static/vendor/nhsuk-frontend/.
# Usage: scripts/vendor_nhsuk_frontend.sh 10.6.1   (needs npm; run by hand, then commit)
#
# We copy the compiled CSS and JS as published, with three changes so the
# service needs no CDN and passes its own Content Security Policy:
#  - the @font-face rule that loads Frutiger from assets.nhs.uk is removed
#    (the licensed font is not ours to serve; the CSS falls back to Arial);
#  - image URLs are made relative to the CSS file, so whitenoise serves them;
#  - sourceMappingURL comments are removed (we do not ship the .map files).
set -euo pipefail
version="${1:?give the nhsuk-frontend version, e.g. 10.6.1}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/static/vendor/nhsuk-frontend"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "nhsuk-frontend@$version" >/dev/null && tar xzf "nhsuk-frontend-$version.tgz")
src="$work/package/dist/nhsuk"

rm -rf "$dest"
mkdir -p "$dest/assets/images"
cp "$src"/assets/images/*.svg "$src"/assets/images/*.png "$src"/assets/images/favicon.ico "$dest/assets/images/"

sed -e 's#@font-face{[^}]*}##g' \
    -e 's#url(/assets/images/#url(assets/images/#g' \
    -e 's#/\*\# sourceMappingURL=[^*]*\*/##g' \
    "$src/nhsuk-frontend.min.css" > "$dest/nhsuk-frontend.min.css"
sed -e 's#//\# sourceMappingURL=.*$##' "$src/nhsuk-frontend.min.js" > "$dest/nhsuk-frontend.min.js"

cat > "$dest/VERSION" <<TXT
nhsuk-frontend $version (npm), compiled dist files.
Refreshed with scripts/vendor_nhsuk_frontend.sh $version
TXT
cat > "$dest/LICENSE" <<'TXT'
The MIT License (MIT)

Copyright (c) 2018 NHS Digital / NHS England

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.

The NHS.UK frontend documentation is (c) NHS England, available under the
Open Government Licence v3.0. The NHS logo and Frutiger font are not covered
by this licence and are not included here.
TXT
echo "Vendored nhsuk-frontend $version into $dest"
