# The command line itself: help from the table, usage errors, suggestions.
. "$CP_TEST_LIB"

expect_exit 64
expect_exit 0 --help
expect_in out "survey validate"
expect_in out "team import"
expect_exit 0 --version
expect_in out "carepulse "

# Every command answers --help and `help CMD` with the same text.
"$CAREPULSE" --help | awk '/^commands:/{on=1;next} on && /^  /{print $1" "$2}' |
	sed 's/ [a-z]*[A-Z].*//' >"$T/names"
[ -s "$T/names" ] || fail "no commands listed"
while read -r a b; do
	name="$a"
	"$CAREPULSE" help "$a" "$b" >/dev/null 2>&1 && name="$a $b"
	# shellcheck disable=SC2086
	expect_exit 0 $name --help
	cp "$T/out" "$T/help1"
	# shellcheck disable=SC2086
	expect_exit 0 help $name
	cmp -s "$T/out" "$T/help1" || fail "help $name differs from $name --help"
	expect_in out "usage: carepulse $name"
done <"$T/names"

# Unknown commands suggest the nearest name; exit 64.
expect_exit 64 survy list
expect_in err "did you mean 'survey'"
expect_exit 64 survey lst
expect_in err "did you mean 'survey list'"
expect_exit 64 survey
expect_in out "survey validate"

# Usage errors come from the entry and exit 64.
expect_exit 64 survey show
expect_in err "missing argument"
expect_in err "usage: carepulse survey show ID"
expect_exit 64 team list --bogus
expect_in err "unknown option '--bogus'"
expect_exit 64 team list --format xml
expect_in err "expected table, csv or json"
expect_exit 64 survey show a b
expect_in err "unexpected argument 'b'"

# A command that needs the database says how to get one.
expect_exit 74 team list --db "$T/none.db"
expect_in err "run 'carepulse init' first"
[ ! -e "$T/none.db" ] || fail "a missing database was created by team list"
# --db may come before the command too.
"$CAREPULSE" init --db "$T/g.db" >/dev/null || fail "init"
expect_exit 0 --db "$T/g.db" survey list
expect_in out "compassionate-pulse"
expect_exit 0 --db="$T/g.db" team list
expect_exit 64 --db
echo "cli ok"
