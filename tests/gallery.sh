# tests/gallery.sh PROGRAM DIR: writes the sample reports with the unit test
# program and renders every page to PNG in DIR, for people to look at
# (`cmake --build build --target report-gallery`).
set -eu
prog=$1
dir=$2
mkdir -p "$dir"
CP_REPORTS_OUT="$dir" "$prog" >/dev/null
for pdf in "$dir"/*.pdf; do
	pdftoppm -png -r 60 "$pdf" "${pdf%.pdf}" 2>/dev/null
done
echo "report gallery: $dir"
