# Settings: stored, overridden from the environment, secrets never stored
# or printed.
. "$CP_TEST_LIB"
expect_exit 0 init
expect_exit 0 config get threshold
[ "$(cat "$T/out")" = 5 ] || fail "default threshold"
expect_exit 0 config set threshold 7
expect_exit 0 config get threshold
[ "$(cat "$T/out")" = 7 ] || fail "stored threshold"
CAREPULSE_THRESHOLD=4 expect_exit 0 config get threshold
[ "$(cat "$T/out")" = 4 ] || fail "env override"
expect_exit 65 config set threshold 2
expect_in err "from 3 to 10"
expect_exit 65 config set comment_threshold 6
expect_in err "below threshold"
expect_exit 64 config set smtp.password hunter2
expect_in err "CAREPULSE_SMTP_PASSWORD"
expect_exit 64 config set nosuch 1
expect_in err "unknown setting 'nosuch'"
CAREPULSE_SMTP_PASSWORD=hunter2 expect_exit 0 config list
expect_not_in out hunter2
expect_in out "(set)"
CAREPULSE_WEBHOOK_URL=https://hooks.example.org/secret-path expect_exit 0 config list --format json
expect_not_in out "secret-path"
expect_exit 64 config get smtp.password
expect_exit 0 config unset threshold
expect_exit 0 config get threshold
[ "$(cat "$T/out")" = 5 ] || fail "unset"
echo "config ok"
