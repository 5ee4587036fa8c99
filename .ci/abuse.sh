#!/usr/bin/env bash
# Hostile uploads against the real server binary on a fresh embedded database: spreadsheets
# built to exhaust memory (a cell at XFD1048576, a zip bomb, a CSV of one 8 MB line, a CSV
# 300 columns wide) and a corrupt workbook, each uploaded as a resident list by an
# administrator. Fails on any 5xx, on any answer but the expected refusal, or when the
# server's peak resident memory (VmHWM) passes 200 MB; prints that peak.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --workspace --quiet --bin hocvuso
work=$(mktemp -d)
port=18182
base="http://127.0.0.1:$port"
admin_email=canbo@abuse.vn admin_password='Quản trị 2025!'
printf '%s\n' "$admin_password" |
  HOCVUSO_DATA_DIR="$work" HOCVUSO_CONTENT__IMPORT_ON_START=false HOCVUSO_LOG__FILTER=error \
    target/debug/hocvuso admin create --email "$admin_email" --name 'Cán bộ' --unit-name 'Phường Thử' \
    >"$work/admin.log" 2>&1 || { cat "$work/admin.log"; echo "the administrator was not created" >&2; exit 1; }
HOCVUSO_DATA_DIR="$work" HOCVUSO_HTTP__BIND="127.0.0.1:$port" HOCVUSO_CONTENT__IMPORT_ON_START=false \
  HOCVUSO_LOG__FILTER=error HOCVUSO_HTTP__UPLOAD_LIMIT=16777216 \
  target/debug/hocvuso serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do curl -sf -o /dev/null "$base/readyz" && break; sleep 0.1; done
curl -sf -o /dev/null "$base/readyz" || { cat "$work/server.log"; echo "the server did not start" >&2; exit 1; }
token=$(curl -sf "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"identifier\":\"$admin_email\",\"password\":\"$admin_password\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

python3 - "$work" <<'PY'
import sys, zipfile
work = sys.argv[1]
parts = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}
def sheet(cells):
    rows = "".join(f'<row r="{r}"><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>' for r, ref, text in cells)
    return f'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>{rows}</sheetData></worksheet>'
def workbook(name, cells, extra=None):
    with zipfile.ZipFile(f"{work}/{name}", "w", zipfile.ZIP_DEFLATED) as z:
        for path, text in parts.items():
            z.writestr(path, text)
        z.writestr("xl/worksheets/sheet1.xml", sheet(cells))
        if extra:
            path, size = extra
            with z.open(path, "w", force_zip64=True) as f:
                block = b" " * (1 << 20)
                for _ in range(size):
                    f.write(block)
# 1.6 KB, with a cell as far as a sheet goes: what once drove the server to 11 GB.
workbook("far-cell.xlsx", [(1, "A1", "Họ và tên"), (1048576, "XFD1048576", "x")])
# A harmless sheet with a part that unpacks to 1 GB of spaces (about 1 MB packed).
workbook("zip-bomb.xlsx", [(1, "A1", "Họ và tên")], ("xl/padding.xml", 1024))
open(f"{work}/long-line.csv", "w").write("Họ và tên\n" + "a" * (8 << 20) + "\n")
open(f"{work}/wide.csv", "w").write(",".join(["cột"] * 300) + "\n")
open(f"{work}/corrupt.xlsx", "wb").write(b"PK\x03\x04" + b"\x00" * 4096)
PY

before_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$server/status")
xlsx=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
failed=0
upload() { # file, media type, expected status
  local status
  status=$(curl -s -o "$work/answer.json" -w '%{http_code}' "$base/api/v1/people/imports" \
    -H "Authorization: Bearer $token" -F "file=@$work/$1;type=$2")
  local code
  code=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("code",""))' "$work/answer.json" 2>/dev/null || echo '?')
  printf '%-16s %s %s\n' "$1" "$status" "$code"
  if [ "$status" != "$3" ] || [ "${status:0:1}" = 5 ]; then
    echo "  expected $3" >&2
    failed=1
  fi
}
upload far-cell.xlsx "$xlsx" 413
upload zip-bomb.xlsx "$xlsx" 413
upload long-line.csv text/csv 413
upload wide.csv text/csv 413
upload corrupt.xlsx "$xlsx" 400
peak_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$server/status")
echo "server peak memory (VmHWM): $((peak_kb / 1024)) MB, $((before_kb / 1024)) MB before the uploads"
if [ "$peak_kb" -gt $((200 * 1024)) ]; then
  echo "the server's peak memory passed 200 MB" >&2
  failed=1
fi
curl -sf -o /dev/null "$base/readyz" || { echo "the server is not ready after the uploads" >&2; failed=1; }
exit "$failed"
