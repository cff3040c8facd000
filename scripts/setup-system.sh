#!/usr/bin/env bash
# Install the Debian packages consult needs, where this machine lets us (root or
# password-less sudo); otherwise say clearly what is missing and go on.
#   fonts-noto-core       Noto Naskh Arabic, for Arabic PDF reports
#   libpango*/harfbuzz    WeasyPrint's text layout
#   poppler-utils         pdftotext/pdftoppm, used by the tests to read PDFs back
#   chromium              the browser tests (Playwright drives /usr/bin/chromium)
#   postgresql-client     pg_dump/pg_restore, for `consult backup` on PostgreSQL and its tests
#   python3-venv          virtual environments on Debian's own Python
set -u
want=(fonts-noto-core fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)
if [ "${1:-}" = "--test" ]; then
  want+=(chromium postgresql-client)
fi
python3 -c "import ensurepip" 2>/dev/null || want+=(python3-venv)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup-system: not a Debian system; install these yourself if missing: ${want[*]}"
  exit 0
fi
missing=()
for package in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "setup-system: missing Debian packages: ${missing[*]}"
  echo "setup-system: install them with: sudo apt-get install ${missing[*]}"
  echo "setup-system: (without them Arabic PDFs fall back to DejaVu Sans and browser tests are skipped)"
  exit 0
fi
echo "setup-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null || echo "setup-system: apt-get update failed; trying the install anyway"
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || { echo "setup-system: apt-get install failed for: ${missing[*]}"; exit 1; }
