# shellcheck shell=bash
# bench_csv.sh: read bench/downtime.sh's results.csv in tests (sourced).
#
#   bench_csv_col CSV WORKLOAD COLUMN   the COLUMN (by its header name) of
#                                       the rows whose workload (column 6)
#                                       is WORKLOAD, one value a line
bench_csv_col() {
	awk -F, -v w="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++)
	    if ($i == c) k = i; next } $6 == w { print $k }' "$1"
}
