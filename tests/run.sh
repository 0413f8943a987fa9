#!/usr/bin/env bash
# Installs what the tests need and runs every test: the README's test command.
#   PostgreSQL (Debian package; the tests start their own throwaway clusters with initdb + pg_ctl),
#   nginx (Debian package; NginxFrontTests start their own nginx with deploy/nginx/wegoassembly.conf),
#   chromium (Debian package, /usr/bin/chromium; the browser tests drive it through Playwright, no browser download)
#   fonts-nanum (Korean glyphs in their screenshots) and poppler-utils (pdftotext, pdfimages: the documents read back),
#   the npm packages of the interop tests (@grpc/grpc-js, @grpc/proto-loader, @bufbuild/buf),
#   then buf lint on the contract, builds the solution and runs every xunit test project, one after another.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
[ -x /usr/sbin/nginx ] || need_apt+=(nginx)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# A Korean font, so that the Korean screens render as text (not boxes) in the browser tests' screenshots.
[ -d /usr/share/fonts/truetype/nanum ] || need_apt+=(fonts-nanum)
# pdftotext and pdfimages, which read back the PDFs the server makes (names in both scripts, the photo).
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]} from apt"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

echo "== npm packages for the interop tests"
(cd tests/interop && npm install --no-audit --no-fund --loglevel=error)

echo "== buf lint"
(cd proto && ../tests/interop/node_modules/.bin/buf lint && ../tests/interop/node_modules/.bin/buf format --diff --exit-code)

echo "== dotnet build"
dotnet build WeGoAssembly.sln --nologo
# One test project at a time (-m:1): on two cores the crash, cluster and browser suites each start servers,
# clusters or chromium, and run side by side they starve each other past their timeouts (a browser journey
# failed that way in CI). Serial costs about a minute and keeps every timing-sensitive test honest.
echo "== dotnet test"
dotnet test WeGoAssembly.sln --no-build --nologo -m:1 "$@"
