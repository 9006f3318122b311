/*
 * store.c - opening the database, migrations, transactions, configuration.
 */
#include "store_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "crypto.h"
#include "i18n.h"

#define BUSY_TIMEOUT_MS 10000
/* How long a checkpoint waits for readers to leave the WAL: after a commit
 * that stored answers, and when a writer opens the file. */
#define COMMIT_CHECKPOINT_MS 20
#define OPEN_CHECKPOINT_MS   50
#define CLOSE_CHECKPOINT_MS  1000

/*
 * The answer and declined views over response_slot, as migration 12 made
 * them and migration 16 makes them again over the new table: one text, so
 * that the two cannot drift apart.
 */
#define ANSWER_VIEWS                                                           \
	"CREATE VIEW answer AS"                                                \
	" SELECT r.id AS response_id, j.value ->> 'id' AS item_id,"            \
	"  CASE WHEN substr(r.answers, j.key + 1, 1) BETWEEN 'a' AND 'k'"      \
	"  THEN unicode(substr(r.answers, j.key + 1, 1)) - 97"                 \
	"  ELSE CAST(substr(r.answers, j.key + 1, 1) AS INTEGER) END AS value" \
	" FROM response_slot r JOIN wave w ON w.id = r.wave_id"                \
	" JOIN survey s ON s.id = CASE"                                        \
	"  WHEN r.self AND w.self_survey_ref IS NOT NULL"                      \
	"  THEN w.self_survey_ref ELSE w.survey_ref END"                       \
	" JOIN json_each(s.definition, '$.items') j"                           \
	" WHERE r.filled = 1"                                                  \
	"  AND substr(r.answers, j.key + 1, 1) NOT IN ('0', 'x');"             \
	"CREATE VIEW declined AS"                                              \
	" SELECT r.id AS response_id, j.value ->> 'id' AS item_id"             \
	" FROM response_slot r JOIN wave w ON w.id = r.wave_id"                \
	" JOIN survey s ON s.id = CASE"                                        \
	"  WHEN r.self AND w.self_survey_ref IS NOT NULL"                      \
	"  THEN w.self_survey_ref ELSE w.survey_ref END"                       \
	" JOIN json_each(s.definition, '$.items') j"                           \
	" WHERE r.filled = 1 AND substr(r.answers, j.key + 1, 1) = 'x';"

/*
 * The numbered migrations. Entry i takes the schema from version i to i+1;
 * each runs in its own transaction together with the user_version bump, so
 * a crash leaves the file at one version or the next.
 */
static const char *const migrations[] = {
    /* 0 -> 1: the first schema (DESIGN.md section 4). */
    "CREATE TABLE config ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE team ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  parent_id INTEGER REFERENCES team(id),"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX team_parent ON team(parent_id);"
    "CREATE TABLE member ("
    "  id INTEGER PRIMARY KEY,"
    "  email TEXT NOT NULL,"
    "  email_key TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  team_id INTEGER NOT NULL REFERENCES team(id),"
    "  role TEXT NOT NULL CHECK (role IN ('leader', 'member')),"
    "  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX member_team ON member(team_id);"
    "CREATE TABLE survey ("
    "  id INTEGER PRIMARY KEY,"
    "  survey_id TEXT NOT NULL,"
    "  version TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  hash TEXT NOT NULL,"
    "  definition TEXT NOT NULL,"
    "  builtin INTEGER NOT NULL DEFAULT 0,"
    "  added_at INTEGER NOT NULL,"
    "  UNIQUE (survey_id, hash)"
    ");"
    "CREATE TABLE wave ("
    "  id INTEGER PRIMARY KEY,"
    "  survey_ref INTEGER NOT NULL REFERENCES survey(id),"
    "  self_survey_ref INTEGER REFERENCES survey(id),"
    "  status TEXT NOT NULL"
    "    CHECK (status IN ('scheduled', 'open', 'closed')),"
    "  opens_at INTEGER NOT NULL,"
    "  closes_at INTEGER,"
    "  channel TEXT NOT NULL,"
    "  every_days INTEGER,"
    "  previous_wave INTEGER REFERENCES wave(id),"
    "  threshold INTEGER,"
    "  comment_threshold INTEGER,"
    "  include_subteams INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE wave_team ("
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  team_id INTEGER NOT NULL REFERENCES team(id),"
    "  PRIMARY KEY (wave_id, team_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE invitation ("
    "  id INTEGER PRIMARY KEY,"
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  member_id INTEGER NOT NULL REFERENCES member(id),"
    "  team_id INTEGER NOT NULL REFERENCES team(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('team', 'self')),"
    "  token_hash BLOB NOT NULL UNIQUE,"
    "  state TEXT NOT NULL DEFAULT 'pending'"
    "    CHECK (state IN ('pending', 'sending', 'sent', 'failed')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT,"
    "  next_attempt_at INTEGER,"
    "  sent_at INTEGER,"
    "  reminders INTEGER NOT NULL DEFAULT 0,"
    "  last_reminded_at INTEGER,"
    "  answered INTEGER NOT NULL DEFAULT 0 CHECK (answered IN (0, 1)),"
    "  UNIQUE (wave_id, member_id, kind)"
    ");"
    "CREATE INDEX invitation_state ON invitation(wave_id, state);"
    /*
     * Responses carry wave and team only. The key is 16 random bytes and
     * the tables have no rowid, so neither ids nor row order say who
     * answered first; the date is coarsened to the day.
     */
    "CREATE TABLE response ("
    "  id BLOB PRIMARY KEY,"
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  team_id INTEGER NOT NULL REFERENCES team(id),"
    "  self INTEGER NOT NULL DEFAULT 0 CHECK (self IN (0, 1)),"
    "  day TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX response_wave_team ON response(wave_id, team_id, self);"
    "CREATE TABLE answer ("
    "  response_id BLOB NOT NULL REFERENCES response(id) ON DELETE CASCADE,"
    "  item_id TEXT NOT NULL,"
    "  value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),"
    "  PRIMARY KEY (response_id, item_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE comment ("
    "  response_id BLOB NOT NULL REFERENCES response(id) ON DELETE CASCADE,"
    "  question_id TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  PRIMARY KEY (response_id, question_id)"
    ") WITHOUT ROWID;",
    /*
     * 1 -> 2: aggregates kept current in the transaction that stores a
     * response, so results cost follows the number of groups, not of
     * answers. agg_item counts raw answers per value (reverse scoring is
     * applied when reading, from the pinned survey); agg_dim sums each
     * respondent's own dimension mean and its square.
     */
    "CREATE TABLE agg_group ("
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  team_id INTEGER NOT NULL REFERENCES team(id),"
    "  self INTEGER NOT NULL,"
    "  responses INTEGER NOT NULL,"
    "  PRIMARY KEY (wave_id, team_id, self)"
    ") WITHOUT ROWID;"
    "CREATE TABLE agg_item ("
    "  wave_id INTEGER NOT NULL,"
    "  team_id INTEGER NOT NULL,"
    "  self INTEGER NOT NULL,"
    "  item_id TEXT NOT NULL,"
    "  c1 INTEGER NOT NULL DEFAULT 0,"
    "  c2 INTEGER NOT NULL DEFAULT 0,"
    "  c3 INTEGER NOT NULL DEFAULT 0,"
    "  c4 INTEGER NOT NULL DEFAULT 0,"
    "  c5 INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (wave_id, team_id, self, item_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE agg_dim ("
    "  wave_id INTEGER NOT NULL,"
    "  team_id INTEGER NOT NULL,"
    "  self INTEGER NOT NULL,"
    "  dimension TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  sum REAL NOT NULL,"
    "  sumsq REAL NOT NULL,"
    "  PRIMARY KEY (wave_id, team_id, self, dimension)"
    ") WITHOUT ROWID;",
    /*
     * 2 -> 3: team-level chat posts (Slack, Microsoft Teams): the
     * announcement (number 0) and reminders (1, 2, ...) of a wave in each
     * team's channel, so a rerun never posts one twice. Never per person.
     */
    "CREATE TABLE chat_post ("
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  team_id INTEGER NOT NULL REFERENCES team(id),"
    "  number INTEGER NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT,"
    "  posted_at INTEGER,"
    "  PRIMARY KEY (wave_id, team_id, number)"
    ") WITHOUT ROWID;",
    /*
     * 3 -> 4: frozen waves (DESIGN.md section 5). wave_team_snapshot is
     * the team tree a wave was sent to, as it was when the wave was
     * created: the teams it went to (in_wave) and their ancestors, with
     * the names and parents they had then. wave_frozen marks a closed
     * wave (seq: the order waves closed in) and, once its suppression
     * decisions are made, the thresholds they were made with;
     * wave_hidden holds those decisions: a row per suppressed group
     * (measure 'responses') and per measure hidden in a group that is
     * shown (dimension, item, comments), with its reason and, for
     * protects_group, the group it protects (scope and team, and how many
     * it protects), so the words are the same after a re-org. Results of a
     * closed wave are read from these, never recomputed from today's roster or
     * config.
     *
     * Existing waves get their snapshot here from the teams as they are
     * now (the best record there is); closed ones are marked frozen in
     * the order they opened, and their decisions are made at the first
     * look at their results, with the configuration of that moment.
     */
    "CREATE TABLE wave_team_snapshot ("
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  team_id INTEGER NOT NULL,"
    "  name TEXT NOT NULL,"
    "  parent_id INTEGER,"
    "  in_wave INTEGER NOT NULL CHECK (in_wave IN (0, 1)),"
    "  PRIMARY KEY (wave_id, team_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE wave_frozen ("
    "  seq INTEGER PRIMARY KEY,"
    "  wave_id INTEGER NOT NULL UNIQUE REFERENCES wave(id),"
    "  threshold INTEGER,"
    "  comment_threshold INTEGER"
    ");"
    "CREATE TABLE wave_hidden ("
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  scope TEXT NOT NULL"
    "    CHECK (scope IN ('organisation', 'subtree', 'team')),"
    "  team_id INTEGER NOT NULL,"
    "  measure TEXT NOT NULL"
    "    CHECK (measure IN ('responses', 'comments', 'dimension', 'item')),"
    "  measure_id TEXT NOT NULL DEFAULT '',"
    "  reason TEXT"
    "    CHECK (reason IN ('fewer_than_k', 'protects_group')),"
    "  protects_scope TEXT"
    "    CHECK (protects_scope IN ('organisation', 'subtree', 'team')),"
    "  protects_team_id INTEGER,"
    "  nprotects INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (wave_id, scope, team_id, measure, measure_id)"
    ") WITHOUT ROWID;" CP_SNAPSHOT_SQL("",
				       "SELECT wave_id, team_id FROM invitation"
				       " UNION SELECT wave_id, team_id FROM "
				       "agg_group") ";"
						    "INSERT INTO "
						    "wave_frozen(wave_id)"
						    " SELECT id FROM wave "
						    "WHERE status = 'closed' "
						    "ORDER BY opens_at, id;"
						    /* No reopening, and nothing
						       lands in a closed wave's
						       totals. */
						    "CREATE TRIGGER "
						    "wave_stays_closed BEFORE "
						    "UPDATE OF status ON wave"
						    " WHEN OLD.status = "
						    "'closed' AND NEW.status "
						    "<> 'closed'"
						    " BEGIN SELECT "
						    "RAISE(ABORT, 'a closed "
						    "wave cannot be "
						    "reopened'); END;"
						    "CREATE TRIGGER "
						    "agg_group_wave_open "
						    "BEFORE INSERT ON agg_group"
						    " WHEN (SELECT status FROM "
						    "wave WHERE id = "
						    "NEW.wave_id) = 'closed'"
						    " BEGIN SELECT "
						    "RAISE(ABORT, 'the wave is "
						    "closed: its results are"
						    " frozen'); END;",
    /*
     * 4 -> 5: responses nobody can pair with an invitation at rest
     * (docs/anonymity.md). A response has no date, and no key, page or
     * place in a page that follows its arrival: an online answer fills a
     * slot made in advance for its whole group, a row of fixed size that
     * SQLite rewrites in place (filled 0 -> 1; answers one digit per item
     * of the pinned survey, in its order, 0 for none). Comments are kept
     * per group, sorted by content, so they carry no order and no tie to
     * one response's answers. The views response, answer and comment
     * read them as rows. The old tables are copied in key order and
     * dropped; secure_delete zeroes the pages they held.
     */
    "CREATE TABLE response_slot ("
    "  id BLOB PRIMARY KEY,"
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  team_id INTEGER NOT NULL REFERENCES team(id),"
    "  self INTEGER NOT NULL DEFAULT 0 CHECK (self IN (0, 1)),"
    "  filled INTEGER NOT NULL DEFAULT 0 CHECK (filled IN (0, 1)),"
    "  answers TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "INSERT INTO response_slot(id, wave_id, team_id, self, filled, answers)"
    " SELECT r.id, r.wave_id, r.team_id, r.self, 1, coalesce(("
    "  SELECT group_concat(coalesce(a.value, 0), '')"
    "  FROM wave w JOIN survey s ON s.id = CASE"
    "   WHEN r.self AND w.self_survey_ref IS NOT NULL"
    "   THEN w.self_survey_ref ELSE w.survey_ref END"
    "  JOIN json_each(s.definition, '$.items') j"
    "  LEFT JOIN answer a ON a.response_id = r.id"
    "   AND a.item_id = j.value ->> 'id'"
    "  WHERE w.id = r.wave_id), '')"
    " FROM response r ORDER BY r.id;"
    "CREATE TABLE comment_group ("
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  team_id INTEGER NOT NULL REFERENCES team(id),"
    "  self INTEGER NOT NULL,"
    "  comments TEXT NOT NULL,"
    "  PRIMARY KEY (wave_id, team_id, self)"
    ") WITHOUT ROWID;"
    "INSERT INTO comment_group(wave_id, team_id, self, comments)"
    " SELECT wave_id, team_id, self, json_group_array(json(c)) FROM ("
    "  SELECT r.wave_id, r.team_id, r.self,"
    "   json_array(c.question_id, c.text) AS c"
    "  FROM response r JOIN comment c ON c.response_id = r.id"
    "  ORDER BY 1, 2, 3, 4)"
    " GROUP BY wave_id, team_id, self;"
    "DROP TABLE comment;"
    "DROP TABLE answer;"
    "DROP TABLE response;"
    "CREATE INDEX response_slot_group"
    "  ON response_slot(wave_id, team_id, self);"
    /* How many slots a group gets: its invitations, counted at once. */
    "CREATE INDEX invitation_group ON invitation(wave_id, team_id, kind);"
    "CREATE VIEW response AS"
    " SELECT id, wave_id, team_id, self, answers FROM response_slot"
    " WHERE filled = 1;"
    "CREATE VIEW answer AS"
    " SELECT r.id AS response_id, j.value ->> 'id' AS item_id,"
    "  CAST(substr(r.answers, j.key + 1, 1) AS INTEGER) AS value"
    " FROM response_slot r JOIN wave w ON w.id = r.wave_id"
    " JOIN survey s ON s.id = CASE"
    "  WHEN r.self AND w.self_survey_ref IS NOT NULL"
    "  THEN w.self_survey_ref ELSE w.survey_ref END"
    " JOIN json_each(s.definition, '$.items') j"
    " WHERE r.filled = 1 AND substr(r.answers, j.key + 1, 1) <> '0';"
    "CREATE VIEW comment AS"
    " SELECT c.wave_id, c.team_id, c.self, j.value ->> 0 AS question_id,"
    "  j.value ->> 1 AS text"
    " FROM comment_group c, json_each(c.comments) j;",
    /*
     * 5 -> 6: which installation key this database belongs to: a check
     * value (an HMAC of a fixed label under the key, which reveals
     * nothing of it), so a command given another key refuses to make
     * links that would all be unknown.
     */
    "CREATE TABLE key_check ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  value TEXT NOT NULL,"
    "  recorded_at INTEGER NOT NULL"
    ");",
    /*
     * 6 -> 7: waves over months and years. A wave can be cancelled (a
     * new status: its answers are deleted, the wave stays as a gap with
     * its reason), records when it closed, and belongs to a recurring
     * series, which has a state of its own (active, paused, stopped) and
     * a cadence in days or calendar months counted from its anchor (the
     * opening of its first wave). cancelled_link keeps the token hashes
     * of a wave deleted before any answer, so its links say "cancelled"
     * rather than "unknown"; nothing else of that wave is kept.
     *
     * A wave's id is never used again (AUTOINCREMENT): tokens are
     * derived from it, so a new wave with a deleted one's id would bring
     * that wave's links back to life.
     *
     * The status CHECK changes, so wave is rebuilt (SQLite's documented
     * way: a new table, the rows copied, the old one dropped, the new one
     * renamed; migrate() turns foreign keys off around it and checks them
     * after). The view answer, which reads it, is made again, and so are
     * its triggers, letting a closed wave become cancelled and nothing
     * land in a cancelled wave.
     *
     * Existing series (waves linked by previous_wave with every_days)
     * become series objects: active when their newest wave is not closed
     * yet, else stopped, as closing one by hand used to end a series, so
     * an upgrade never starts sending again on its own. A closed wave's
     * closing time is taken to be its closes_at, the best record there is.
     */
    "CREATE TABLE series ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  anchor INTEGER NOT NULL,"
    "  every_days INTEGER,"
    "  every_months INTEGER,"
    "  state TEXT NOT NULL DEFAULT 'active'"
    "    CHECK (state IN ('active', 'paused', 'stopped')),"
    "  created_at INTEGER NOT NULL"
    ");"
    "DROP TRIGGER agg_group_wave_open;"
    "DROP VIEW answer;"
    "CREATE TABLE wave_new ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  survey_ref INTEGER NOT NULL REFERENCES survey(id),"
    "  self_survey_ref INTEGER REFERENCES survey(id),"
    "  status TEXT NOT NULL"
    "    CHECK (status IN ('scheduled', 'open', 'closed', 'cancelled')),"
    "  opens_at INTEGER NOT NULL,"
    "  closes_at INTEGER,"
    "  channel TEXT NOT NULL,"
    "  every_days INTEGER,"
    "  previous_wave INTEGER REFERENCES wave(id),"
    "  threshold INTEGER,"
    "  comment_threshold INTEGER,"
    "  include_subteams INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  every_months INTEGER,"
    "  series_id INTEGER REFERENCES series(id),"
    "  series_seq INTEGER,"
    "  closed_at INTEGER,"
    "  cancelled_at INTEGER,"
    "  cancel_reason TEXT"
    ");"
    "INSERT INTO wave_new(id, survey_ref, self_survey_ref, status, opens_at,"
    " closes_at, channel, every_days, previous_wave, threshold,"
    " comment_threshold, include_subteams, created_at, closed_at)"
    " SELECT id, survey_ref, self_survey_ref, status, opens_at, closes_at,"
    " channel, every_days, previous_wave, threshold, comment_threshold,"
    " include_subteams, created_at,"
    " CASE WHEN status = 'closed' THEN closes_at END FROM wave;"
    "DROP TABLE wave;"
    "ALTER TABLE wave_new RENAME TO wave;"
    "CREATE INDEX wave_series ON wave(series_id, series_seq);"
    "CREATE VIEW answer AS"
    " SELECT r.id AS response_id, j.value ->> 'id' AS item_id,"
    "  CAST(substr(r.answers, j.key + 1, 1) AS INTEGER) AS value"
    " FROM response_slot r JOIN wave w ON w.id = r.wave_id"
    " JOIN survey s ON s.id = CASE"
    "  WHEN r.self AND w.self_survey_ref IS NOT NULL"
    "  THEN w.self_survey_ref ELSE w.survey_ref END"
    " JOIN json_each(s.definition, '$.items') j"
    " WHERE r.filled = 1 AND substr(r.answers, j.key + 1, 1) <> '0';"
    "CREATE TEMP TABLE chain AS WITH RECURSIVE c(head, id, seq) AS ("
    " SELECT w.id, w.id, 0 FROM wave w WHERE coalesce(w.every_days, 0) > 0"
    " AND NOT EXISTS (SELECT 1 FROM wave p WHERE p.id = w.previous_wave"
    " AND coalesce(p.every_days, 0) > 0)"
    " UNION ALL SELECT c.head, w.id, c.seq + 1 FROM c"
    " JOIN wave w ON w.previous_wave = c.id) SELECT * FROM c;"
    "INSERT INTO series(id, anchor, every_days, state, created_at)"
    " SELECT h.id, h.opens_at, h.every_days,"
    " CASE WHEN (SELECT w.status FROM chain c JOIN wave w ON w.id = c.id"
    " WHERE c.head = h.id ORDER BY c.seq DESC LIMIT 1) = 'closed'"
    " THEN 'stopped' ELSE 'active' END, h.created_at"
    " FROM wave h WHERE h.id IN (SELECT head FROM chain);"
    "UPDATE wave SET series_id = (SELECT head FROM chain c"
    " WHERE c.id = wave.id), series_seq = (SELECT seq FROM chain c"
    " WHERE c.id = wave.id) WHERE id IN (SELECT id FROM chain);"
    "DROP TABLE temp.chain;"
    "CREATE TABLE cancelled_link ("
    "  token_hash BLOB PRIMARY KEY,"
    "  reason TEXT"
    ") WITHOUT ROWID;"
    /* No reopening; a closed wave may only be cancelled, a cancelled one
     * stays so; nothing lands in a closed or cancelled wave's totals. */
    "CREATE TRIGGER wave_stays_closed BEFORE UPDATE OF status ON wave"
    " WHEN (OLD.status = 'closed' AND NEW.status NOT IN ('closed',"
    " 'cancelled')) OR (OLD.status = 'cancelled'"
    " AND NEW.status <> 'cancelled')"
    " BEGIN SELECT RAISE(ABORT, 'a closed wave cannot be reopened'); END;"
    "CREATE TRIGGER agg_group_wave_open BEFORE INSERT ON agg_group"
    " WHEN (SELECT status FROM wave WHERE id = NEW.wave_id)"
    " IN ('closed', 'cancelled')"
    " BEGIN SELECT RAISE(ABORT, 'the wave is closed: its results are"
    " frozen'); END;",
    /*
     * 7 -> 8: imports that cannot count twice, retention and erasure.
     *
     * import records each import: the SHA-256 of the file, its wave, how
     * many responses and when; import_row the SHA-256 of each row's own
     * identifier where the file has one (an id or response_id column or
     * field), unique per wave. A response an import stored carries the
     * import's id, and its comments are kept in a list of their own per
     * group and import (online comments: import 0), so --replace can take
     * exactly those out again: that ties them to their batch (one file),
     * never to a row of the file or to a person (docs/anonymity.md).
     *
     * Retention counts from wave.closed_at (schema 7). wave_purged marks a wave
     * whose answers, comments and invitations retention deleted; agg_invited
     * keeps the invitation counts of such a wave per team, for its response
     * rates. member.forgotten_at marks a member whose name and address were
     * erased (member forget).
     */
    /* AUTOINCREMENT: an import's number is never given again, so a
     * message naming one names it alone. */
    "CREATE TABLE import ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  digest BLOB NOT NULL,"
    "  responses INTEGER NOT NULL,"
    "  imported_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX import_digest ON import(digest);"
    "CREATE TABLE import_row ("
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  row_key BLOB NOT NULL,"
    "  import_id INTEGER NOT NULL REFERENCES import(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (wave_id, row_key)"
    ") WITHOUT ROWID;"
    "CREATE INDEX import_row_import ON import_row(import_id);"
    "ALTER TABLE response_slot ADD COLUMN"
    "  import_id INTEGER REFERENCES import(id);"
    "CREATE INDEX response_slot_import ON response_slot(import_id)"
    "  WHERE import_id IS NOT NULL;"
    "DROP VIEW response;"
    "CREATE VIEW response AS"
    " SELECT id, wave_id, team_id, self, answers, import_id"
    " FROM response_slot WHERE filled = 1;"
    "CREATE TABLE comment_list ("
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  team_id INTEGER NOT NULL REFERENCES team(id),"
    "  self INTEGER NOT NULL,"
    "  import_id INTEGER NOT NULL DEFAULT 0,"
    "  comments TEXT NOT NULL,"
    "  PRIMARY KEY (wave_id, team_id, self, import_id)"
    ") WITHOUT ROWID;"
    "INSERT INTO comment_list(wave_id, team_id, self, import_id, comments)"
    " SELECT wave_id, team_id, self, 0, comments FROM comment_group"
    " ORDER BY 1, 2, 3;"
    "DROP VIEW comment;"
    "DROP TABLE comment_group;"
    "ALTER TABLE comment_list RENAME TO comment_group;"
    "CREATE VIEW comment AS"
    " SELECT c.wave_id, c.team_id, c.self, j.value ->> 0 AS question_id,"
    "  j.value ->> 1 AS text"
    " FROM comment_group c, json_each(c.comments) j;"
    "CREATE TABLE wave_purged ("
    "  wave_id INTEGER PRIMARY KEY REFERENCES wave(id),"
    "  purged_at INTEGER NOT NULL,"
    "  responses INTEGER NOT NULL,"
    "  comments INTEGER NOT NULL,"
    "  invitations INTEGER NOT NULL"
    ");"
    "CREATE TABLE agg_invited ("
    "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
    "  team_id INTEGER NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('team', 'self')),"
    "  invitations INTEGER NOT NULL,"
    "  delivered INTEGER NOT NULL,"
    "  answered INTEGER NOT NULL,"
    "  reminders INTEGER NOT NULL,"
    "  PRIMARY KEY (wave_id, team_id, kind)"
    ") WITHOUT ROWID;"
    "ALTER TABLE member ADD COLUMN forgotten_at INTEGER;",
    /*
     * 8 -> 9: one-click "no more reminders for this pulse" (RFC 8058).
     * A flag on the invitation, no time: remind skips it; it says nothing
     * about answers (docs/anonymity.md, "What the holder can learn").
     */
    ("ALTER TABLE invitation ADD COLUMN no_reminders INTEGER NOT NULL"
     "  DEFAULT 0 CHECK (no_reminders IN (0, 1));"),
    /*
     * 9 -> 10: who may see results in the portal (core/access, issue 13).
     *
     * viewer: a person who may sign in (not a respondent). access_grant:
     * their roles, a team for leader and facilitator (NULL for HR), a
     * facilitator's end date. Sign-in tokens and sessions are kept as
     * the SHA-256 of the secret only. signin_rate counts sign-in requests
     * per hour by the SHA-256 of the address or the client, so a typed
     * address without access is never stored. audit: what viewers did;
     * it names viewers, waves and teams, never a respondent. ready_mail:
     * the results-ready mail of a viewer for a wave, sent once (marked
     * sending before it goes, as invitations are); ready_wave: the
     * closed waves whose mails were queued. Waves closed before this
     * schema count as queued: their results were given out already.
     */
    ("CREATE TABLE viewer ("
     "  id INTEGER PRIMARY KEY,"
     "  email TEXT NOT NULL,"
     "  email_key TEXT NOT NULL UNIQUE,"
     "  name TEXT NOT NULL DEFAULT '',"
     "  created_at INTEGER NOT NULL"
     ");"
     "CREATE TABLE access_grant ("
     "  id INTEGER PRIMARY KEY,"
     "  viewer_id INTEGER NOT NULL REFERENCES viewer(id),"
     "  role TEXT NOT NULL CHECK (role IN ('hr', 'leader', 'facilitator')),"
     "  team_id INTEGER REFERENCES team(id) ON DELETE CASCADE,"
     "  until INTEGER NOT NULL DEFAULT 0,"
     "  granted_at INTEGER NOT NULL,"
     "  CHECK ((role = 'hr') = (team_id IS NULL))"
     ");"
     "CREATE UNIQUE INDEX access_grant_one"
     "  ON access_grant(viewer_id, role, coalesce(team_id, 0));"
     "CREATE TABLE signin_token ("
     "  hash BLOB PRIMARY KEY,"
     "  viewer_id INTEGER NOT NULL REFERENCES viewer(id),"
     "  created_at INTEGER NOT NULL,"
     "  expires_at INTEGER NOT NULL,"
     "  used_at INTEGER"
     ") WITHOUT ROWID;"
     "CREATE TABLE session ("
     "  hash BLOB PRIMARY KEY,"
     "  viewer_id INTEGER NOT NULL REFERENCES viewer(id),"
     "  created_at INTEGER NOT NULL,"
     "  last_seen INTEGER NOT NULL"
     ") WITHOUT ROWID;"
     "CREATE TABLE signin_rate ("
     "  kind TEXT NOT NULL CHECK (kind IN ('address', 'client')),"
     "  key BLOB NOT NULL,"
     "  hour INTEGER NOT NULL,"
     "  requests INTEGER NOT NULL,"
     "  PRIMARY KEY (kind, key, hour)"
     ") WITHOUT ROWID;"
     "CREATE TABLE audit ("
     "  id INTEGER PRIMARY KEY,"
     "  at INTEGER NOT NULL,"
     "  viewer_id INTEGER REFERENCES viewer(id),"
     "  event TEXT NOT NULL,"
     "  wave_id INTEGER,"
     "  team_id INTEGER,"
     "  detail TEXT NOT NULL DEFAULT ''"
     ");"
     "CREATE INDEX audit_at ON audit(at);"
     "CREATE TABLE ready_wave ("
     "  wave_id INTEGER PRIMARY KEY REFERENCES wave(id) ON DELETE CASCADE,"
     "  queued_at INTEGER NOT NULL"
     ");"
     "CREATE TABLE ready_mail ("
     "  wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,"
     "  viewer_id INTEGER NOT NULL REFERENCES viewer(id),"
     "  state TEXT NOT NULL DEFAULT 'pending'"
     "    CHECK (state IN ('pending', 'sending', 'sent', 'failed')),"
     "  message_id TEXT NOT NULL,"
     "  attempts INTEGER NOT NULL DEFAULT 0,"
     "  last_error TEXT,"
     "  sent_at INTEGER,"
     "  PRIMARY KEY (wave_id, viewer_id)"
     ") WITHOUT ROWID;"
     "INSERT INTO ready_wave(wave_id, queued_at)"
     " SELECT id, 0 FROM wave WHERE status IN ('closed', 'cancelled');"),
    /*
     * 10 -> 11: the action loop (issue 13.6). What a team agreed after the
     * results of a wave: the action, who takes it forward (a name as
     * typed, not a member), when to look at it again and when it was
     * done. It is about the team and its leader, never a respondent.
     * A wave deleted (never the case for a closed one) takes its
     * actions with it.
     */
    ("CREATE TABLE action ("
     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  team_id INTEGER NOT NULL REFERENCES team(id),"
     "  wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,"
     "  text TEXT NOT NULL CHECK (length(text) > 0),"
     "  owner TEXT NOT NULL DEFAULT '',"
     "  review_at INTEGER,"
     "  done_at INTEGER,"
     "  created_at INTEGER NOT NULL"
     ");"
     "CREATE INDEX action_team_wave ON action(team_id, wave_id);"),
    /*
     * 11 -> 12: "prefer not to say" and eNPS items (surveys/README.md). A
     * slot still keeps one character per item, so its size says nothing
     * new: 'x' is "prefer not to say", 'a'-'k' an eNPS item's 0-10.
     * agg_item counts them in columns of their own: c0 and c6-c10 for
     * eNPS answers (which use c1-c5 too), declined for "prefer not to
     * say", which is in no n. The view answer gives the values and leaves
     * out 'x'; the view declined names the items a response declined.
     */
    ("ALTER TABLE agg_item ADD COLUMN c0 INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE agg_item ADD COLUMN c6 INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE agg_item ADD COLUMN c7 INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE agg_item ADD COLUMN c8 INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE agg_item ADD COLUMN c9 INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE agg_item ADD COLUMN c10 INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE agg_item ADD COLUMN declined INTEGER NOT NULL DEFAULT 0;"
     "DROP VIEW answer;" ANSWER_VIEWS),
    /* 12 -> 13: each person's language (issue 14), a BCP 47 tag or NULL:
     * on the member from the roster, copied onto each invitation for its
     * messages and its form. Never on a response (docs/anonymity.md). */
    ("ALTER TABLE member ADD COLUMN language TEXT;"
     "ALTER TABLE invitation ADD COLUMN language TEXT;"),
    /* 13 -> 14: single sign-on (core/access/oidc.c): a begun sign-in,
       found by the SHA-256 of its state and taken once by the callback;
       the SHA-256 of the secret of the browser that began it. */
    ("CREATE TABLE oidc_pending ("
     "  state_hash BLOB PRIMARY KEY,"
     "  nonce TEXT NOT NULL,"
     "  verifier TEXT NOT NULL,"
     "  binding_hash BLOB NOT NULL,"
     "  created_at INTEGER NOT NULL"
     ") WITHOUT ROWID;"),
    /*
     * 14 -> 15: a closed wave's results, computed once (issue 17.1).
     * When a wave is frozen its statistics are computed from the
     * aggregates and kept here, a row per group (the organisation, a
     * team's own members, a team with its sub-teams): the group's
     * counts and the encoded statistics of every dimension, item and
     * self-assessment (core/results owns the encoding). Only what may be
     * shown is kept: a hidden group or measure is stored as hidden, with
     * no numbers. A wave has stored results when its organisation row
     * exists; closed waves of an older database get theirs at the first
     * look at their results that can write (never here: SQL cannot
     * compute them). A purge or a cancellation drops them, so they are
     * computed again from what remains.
     *
     * wave_result_counts gives a report on one team every group's counts
     * without reading the other groups' bodies (a page each).
     * invitation_kind_team counts a wave's team invitations per team from
     * the index alone (the response rates of an open wave).
     */
    ("CREATE TABLE wave_result ("
     "  wave_id INTEGER NOT NULL REFERENCES wave(id) ON DELETE CASCADE,"
     "  team_id INTEGER NOT NULL,"
     "  scope TEXT NOT NULL"
     "    CHECK (scope IN ('organisation', 'subtree', 'team')),"
     "  answered INTEGER NOT NULL,"
     "  delivered INTEGER NOT NULL,"
     "  body BLOB NOT NULL,"
     "  UNIQUE (wave_id, team_id, scope)"
     ");"
     "CREATE INDEX wave_result_counts"
     "  ON wave_result(wave_id, team_id, scope, answered, delivered);"
     "CREATE INDEX invitation_kind_team"
     "  ON invitation(wave_id, kind, team_id, state);"),
    /*
     * 15 -> 16: responses clustered by group (issue 17.2). The key of
     * response_slot becomes (wave_id, team_id, self, id): a group's
     * responses sit together, ordered by their random ids, so an import
     * sorted by key writes them as a run at the end of its group (a
     * merge, not a scatter over the whole table), and a group's free
     * slot is found from the key alone. The id stays 16 random bytes, so
     * the order of a group's rows, like before, says nothing of when
     * they came; across groups the key order is the order of wave and
     * team ids, which the rows carry anyway. response_slot_group is the
     * key now and goes; the columns keep their order. The rows are copied in
     * key order and the old table dropped (secure_delete zeroes its pages); the
     * views that read it are made again, the same.
     */
    ("CREATE TABLE response_slot_new ("
     "  id BLOB NOT NULL,"
     "  wave_id INTEGER NOT NULL REFERENCES wave(id),"
     "  team_id INTEGER NOT NULL REFERENCES team(id),"
     "  self INTEGER NOT NULL DEFAULT 0 CHECK (self IN (0, 1)),"
     "  filled INTEGER NOT NULL DEFAULT 0 CHECK (filled IN (0, 1)),"
     "  answers TEXT NOT NULL,"
     "  import_id INTEGER REFERENCES import(id),"
     "  PRIMARY KEY (wave_id, team_id, self, id)"
     ") WITHOUT ROWID;"
     "INSERT INTO response_slot_new(id, wave_id, team_id, self, filled,"
     " answers, import_id)"
     " SELECT id, wave_id, team_id, self, filled, answers, import_id"
     " FROM response_slot ORDER BY wave_id, team_id, self, id;"
     "DROP VIEW response;"
     "DROP VIEW answer;"
     "DROP VIEW declined;"
     "DROP TABLE response_slot;"
     "ALTER TABLE response_slot_new RENAME TO response_slot;"
     "CREATE INDEX response_slot_import ON response_slot(import_id)"
     "  WHERE import_id IS NOT NULL;"
     "CREATE VIEW response AS"
     " SELECT id, wave_id, team_id, self, answers, import_id"
     " FROM response_slot WHERE filled = 1;" ANSWER_VIEWS),
    /*
     * 16 -> 17: a report on one team reads the team's path in each
     * wave's snapshot of the tree (cp_store_wave_snapshot_path): its
     * ancestors by the key, the teams below it by their parent, which
     * without this index is a scan of the wave's snapshot (2,100 rows at
     * full scale) for each level below the team, each of 12 waves. (IF
     * NOT EXISTS: a test replays the migrations after 14 on what they
     * made.)
     */
    "CREATE INDEX IF NOT EXISTS wave_team_snapshot_parent"
    "  ON wave_team_snapshot(wave_id, parent_id);",
    /*
     * 17 -> 18: one index holds an invitation's state, not two (issue
     * 17, send). invitation_kind_team (wave_id, kind, team_id, state)
     * serves every query invitation_state (wave_id, state) served: the
     * counts of a wave by state read it alone, the lists to send, remind
     * or retry search it by wave and test the state in the index. What
     * the second one cost is in every mark of `send`: an invitation going
     * from pending to sending to sent moved its entry across the wave's
     * pending, sending and sent runs, three leaves a commit of the five it
     * wrote; in invitation_kind_team it moves within its team's entries.
     * secure_delete zeroes the freed pages. (IF EXISTS: a test replays the
     * migrations after 14 on what they made.)
     */
    "DROP INDEX IF EXISTS invitation_state;",
};

#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

_Static_assert(NMIGRATIONS == CP_SCHEMA_VERSION,
	       "one migration per schema version");

const char *cp_store_migration_sql(int v)
{
	return v >= 0 && (size_t)v < NMIGRATIONS ? migrations[v] : NULL;
}

/*
 * What an operator can do something about, in words (translated): a full
 * disk, a database another program holds, a damaged or unwritable file.
 * NULL for the rest, which only a developer meets.
 */
static const char *fail_reason(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return N_("the disk is full");
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return N_("the database is busy: another program holds it; "
			  "try again in a moment");
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return N_("the database file is damaged: restore it from a "
			  "backup");
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return N_("the database cannot be written: check the "
			  "permissions of the file and its folder");
	case SQLITE_IOERR:
		return N_("reading or writing the database file failed");
	case SQLITE_CANTOPEN:
		return N_("the database file cannot be opened");
	default:
		return NULL;
	}
}

int cp_store_fail(struct cp_store *s, struct cp_error *err, const char *what)
{
	int rc = sqlite3_errcode(s->db);
	int code = CP_EIO;
	const char *reason = fail_reason(rc);

	if (rc == SQLITE_CONSTRAINT)
		code = CP_ECONFLICT;
	else if (rc == SQLITE_NOMEM)
		code = CP_ENOMEM;
	/* What failed and SQLite's text stay English, for a developer. */
	if (reason)
		return cp_error_set_at(
		    err, code, s->path, 0, 0,
		    /* TRANSLATORS: the first %s is a reason, such as "the
		     * disk is full"; then, for a developer and in English,
		     * what carepulse was doing and SQLite's own message. */
		    N_("%s (%s: %s)"), cp_gettext_error(reason), what,
		    sqlite3_errmsg(s->db));
	return cp_error_set_at(err, code, s->path, 0, 0, "%s: %s", what,
			       sqlite3_errmsg(s->db));
}

int cp_store_prepare(struct cp_store *s, sqlite3_stmt **st, const char *sql,
		     struct cp_error *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return cp_store_fail(s, err, "cannot prepare a query");
	return 0;
}

int cp_store_int64_of(struct cp_store *s, sqlite3_stmt *st, int64_t *out,
		      bool *found, const char *what, struct cp_error *err)
{
	int rc = 0, step;

	*out = 0;
	if (found)
		*found = false;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		if (found)
			*found = true;
	} else if (step != SQLITE_DONE || found == NULL) {
		/* an error, or no row from a query that always gives one */
		rc = cp_store_fail(s, err, what);
	}
	sqlite3_finalize(st);
	return rc;
}

int cp_store_cached(struct cp_store *s, enum cp_stmt slot, const char *sql,
		    sqlite3_stmt **st, struct cp_error *err)
{
	if (s->cache[slot] == NULL &&
	    sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &s->cache[slot], NULL) != SQLITE_OK)
		return cp_store_fail(s, err, "cannot prepare a query");
	*st = s->cache[slot];
	sqlite3_reset(*st);
	sqlite3_clear_bindings(*st);
	return 0;
}

int cp_store_exec(struct cp_store *s, const char *sql, struct cp_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return cp_store_fail(s, err, "database error");
	return 0;
}

static int collect(struct cp_store *s, sqlite3_stmt *st, bool cached,
		   size_t elem, size_t first, cp_store_fill_fn fill, void *arg,
		   void **rows, size_t *n, const char *what,
		   struct cp_error *err)
{
	void *arr = NULL, *grown, *row;
	size_t count = 0, alloc = 0;
	int step, rc = 0;

	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == alloc) {
			grown = cp_array_grow(arr, elem, &alloc, first);
			if (grown == NULL) {
				rc = cp_error_set(err, CP_ENOMEM,
						  N_("out of memory"));
				break;
			}
			arr = grown;
		}
		row = (char *)arr + count++ * elem;
		memset(row, 0, elem);
		if (fill(st, row, arg) != 0) {
			rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
			break;
		}
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = cp_store_fail(s, err, what);
	if (cached)
		sqlite3_reset(st);
	else
		sqlite3_finalize(st);
	*rows = arr;
	*n = count;
	return rc;
}

int cp_store_collect(struct cp_store *s, sqlite3_stmt *st, size_t elem,
		     size_t first, cp_store_fill_fn fill, void *arg,
		     void **rows, size_t *n, const char *what,
		     struct cp_error *err)
{
	return collect(s, st, false, elem, first, fill, arg, rows, n, what,
		       err);
}

int cp_store_collect_cached(struct cp_store *s, sqlite3_stmt *st, size_t elem,
			    size_t first, cp_store_fill_fn fill, void *arg,
			    void **rows, size_t *n, const char *what,
			    struct cp_error *err)
{
	return collect(s, st, true, elem, first, fill, arg, rows, n, what, err);
}

char *cp_store_column_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? cp_strdup((const char *)t) : NULL;
}

/* See cp_store_clock_pin: 0 when the clock is not pinned. */
static int64_t pinned_now;

void cp_store_clock_pin(int64_t t)
{
	pinned_now = t > 0 ? t : 0;
}

int64_t cp_store_now(void)
{
	const char *fixed = getenv("CAREPULSE_NOW");
	char *end;
	long long v;

	if (pinned_now)
		return pinned_now;
	if (fixed && *fixed) {
		errno = 0;
		v = strtoll(fixed, &end, 10);
		if (errno == 0 && *end == '\0' && v > 0)
			return v;
	}
	return (int64_t)time(NULL);
}

int cp_store_schema_version(struct cp_store *s)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* CP_EDATA when a row refers to one that is not there. */
static int foreign_keys_hold(struct cp_store *s, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0, step;

	if ((rc = cp_store_prepare(s, &st, "PRAGMA foreign_key_check", err)))
		return rc;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		rc = cp_error_set_at(
		    err, CP_EDATA, s->path, 0, 0,
		    N_("table %s refers to a missing row of %s"),
		    sqlite3_column_text(st, 0), sqlite3_column_text(st, 2));
	else if (step != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot check foreign keys");
	sqlite3_finalize(st);
	return rc;
}

static int migrate(struct cp_store *s, struct cp_error *err)
{
	char sql[64];
	int v = cp_store_schema_version(s);
	int rc, rc2;

	if (v < 0)
		return cp_store_fail(s, err, "cannot read the schema version");
	if (v > CP_SCHEMA_VERSION)
		return cp_error_set_at(
		    err, CP_EVERSION, s->path, 0, 0,
		    N_("database schema version %d is newer than this "
		       "carepulse understands (%d): upgrade carepulse to open "
		       "it"),
		    v, CP_SCHEMA_VERSION);
	if (v == CP_SCHEMA_VERSION)
		return 0;
	/*
	 * A migration may rebuild a table that others refer to (SQLite's
	 * documented procedure needs foreign keys off, which only works
	 * outside a transaction); each one checks them before it commits.
	 */
	if ((rc = cp_store_exec(s, "PRAGMA foreign_keys = OFF", err)))
		return rc;
	for (rc = 0; rc == 0 && v < CP_SCHEMA_VERSION; v++) {
		if ((rc = cp_store_begin(s, err)))
			break;
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if ((rc = cp_store_exec(s, migrations[v], err)) ||
		    (rc = foreign_keys_hold(s, err)) ||
		    (rc = cp_store_exec(s, sql, err))) {
			cp_store_rollback(s);
			cp_error_prefix(
			    err, cp_gettext_error(N_("migration %d failed")),
			    v + 1);
			break;
		}
		rc = cp_store_commit(s, err);
	}
	/* After a failed migration its own error is the one to report. */
	rc2 = cp_store_exec(s, "PRAGMA foreign_keys = ON", rc ? NULL : err);
	return rc ? rc : rc2;
}

/*
 * Why the database at path cannot be written, or NULL when nothing says
 * so: a read-only file system, the file, or its folder (SQLite creates
 * the -wal and -shm files beside it).
 */
static const char *why_read_only(const char *path)
{
	struct statvfs vfs;
	char dir[4096];
	const char *slash = strrchr(path, '/');

	if (statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		return "it is on a read-only file system";
	if (access(path, W_OK) != 0)
		return "the file is not writable";
	if (slash == NULL)
		cp_strlcpy(dir, ".", sizeof(dir));
	else if (slash == path)
		cp_strlcpy(dir, "/", sizeof(dir));
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		return NULL;
	if (access(dir, W_OK) != 0)
		return "its folder is not writable, and SQLite keeps its "
		       "-wal and -shm files beside it";
	return NULL;
}

/* path as a file: URI with the immutable parameter (see open_file). */
static int immutable_uri(struct cp_buf *b, const char *path,
			 struct cp_error *err)
{
	int rc = cp_buf_adds(b, "file:", err);

	for (const char *p = path; rc == 0 && *p; p++)
		rc = (*p == '%' || *p == '?' || *p == '#')
			 ? cp_buf_printf(b, err, "%%%02X", (unsigned char)*p)
			 : cp_buf_addc(b, *p, err);
	return rc ? rc : cp_buf_adds(b, "?immutable=1", err);
}

/* Reading the schema first catches a file that is not a database. */
static int schema_read(struct cp_store *s, const char *path,
		       struct cp_error *err)
{
	if (cp_store_exec(s, "SELECT count(*) FROM sqlite_schema", NULL))
		return cp_error_set_at(err, CP_EDATA, path, 0, 0,
				       N_("not a carepulse database: %s"),
				       sqlite3_errmsg(s->db));
	return 0;
}

/*
 * Opens s->db on path and reads its schema (which catches a file that is
 * not a database). A read-only open of a database in WAL mode needs its
 * -shm file, or the right to create it; when neither is there and there
 * is no -wal file either (every commit is in the main file), the file is
 * opened as immutable, which needs neither.
 */
static int open_file(struct cp_store *s, const char *path, int oflags,
		     const char *vfs, struct cp_error *err)
{
	struct cp_buf uri;
	struct stat sb;
	char wal[4096];
	int rc;

	if (sqlite3_open_v2(path, &s->db, oflags, vfs) != SQLITE_OK)
		return cp_error_set_at(
		    err, CP_EIO, path, 0, 0, N_("cannot open the database: %s"),
		    s->db ? sqlite3_errmsg(s->db) : "out of memory");
	sqlite3_extended_result_codes(s->db, 0);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	rc = schema_read(s, path, err);
	if (rc == 0 || !(oflags & SQLITE_OPEN_READONLY) ||
	    why_read_only(path) == NULL)
		return rc;
	if ((size_t)snprintf(wal, sizeof(wal), "%s-wal", path) >= sizeof(wal) ||
	    stat(wal, &sb) == 0)
		return cp_error_set_at(
		    err, CP_EIO, path, 0, 0,
		    N_("the database is read-only (%s) and its write-ahead log "
		       "cannot be read without a -shm file: open it once where "
		       "it can be written"),
		    why_read_only(path));
	sqlite3_close_v2(s->db);
	s->db = NULL;
	cp_buf_init(&uri, 8192);
	rc = immutable_uri(&uri, path, err);
	if (rc == 0 &&
	    sqlite3_open_v2(uri.data, &s->db, oflags | SQLITE_OPEN_URI, NULL) !=
		SQLITE_OK)
		rc = cp_error_set_at(
		    err, CP_EIO, path, 0, 0, N_("cannot open the database: %s"),
		    s->db ? sqlite3_errmsg(s->db) : "out of memory");
	cp_buf_release(&uri);
	if (rc)
		return rc;
	sqlite3_extended_result_codes(s->db, 0);
	return schema_read(s, path, err);
}

int cp_store_open(struct cp_store **out, const char *path, int flags,
		  struct cp_error *err)
{
	struct cp_store *s;
	struct stat sb;
	const char *why = NULL;
	int oflags;
	int rc;

	*out = NULL;
	if (path == NULL || *path == '\0')
		return cp_error_set(err, CP_EUSAGE,
				    N_("no database path given"));
	if (!(flags & CP_STORE_CREATE) && stat(path, &sb) != 0)
		return cp_error_set_at(err, CP_ENOTFOUND, path, 0, 0,
				       N_("no database here: run 'carepulse "
					  "init' first, or pass --db PATH"));
	s = calloc(1, sizeof(*s));
	if (s == NULL || (s->path = cp_strdup(path)) == NULL) {
		free(s);
		return cp_error_set(err, CP_ENOMEM, N_("out of memory"));
	}
	oflags = (flags & CP_STORE_READONLY) ? SQLITE_OPEN_READONLY
					     : SQLITE_OPEN_READWRITE;
	if (flags & CP_STORE_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	oflags |= SQLITE_OPEN_NOMUTEX;
	s->walbuf = (flags & CP_STORE_WAL_BUFFER) &&
		    !(flags & CP_STORE_READONLY) && cp_store_walbuf_vfs();
	rc = open_file(s, path, oflags,
		       s->walbuf ? cp_store_walbuf_vfs() : NULL, err);
	/* SQLite opens a file it cannot write read-only without a word, or
	 * fails on the first read of a WAL database whose folder it cannot
	 * write: either way, say so plainly. */
	if (!(flags & CP_STORE_READONLY) && s->db &&
	    (rc || sqlite3_db_readonly(s->db, "main") == 1))
		why = why_read_only(path);
	if (why && (flags & CP_STORE_READ_FALLBACK)) {
		cp_store_close(s);
		return cp_store_open(out, path, CP_STORE_READONLY, err);
	}
	if (why)
		rc = cp_error_set_at(err, CP_EIO, path, 0, 0,
				     N_("the database is read-only (%s), and "
					"this command changes it"),
				     why);
	/*
	 * WAL lets the form server read while a send writes. synchronous=FULL
	 * makes every commit durable before we say "thank you" or "sent".
	 */
	/*
	 * secure_delete zeroes what a change frees (cells, pages), so no old
	 * row lingers in the file; journal_size_limit = 0 truncates the WAL
	 * whenever it is reset (docs/anonymity.md).
	 */
	if (rc == 0)
		rc = cp_store_exec(s,
				   "PRAGMA foreign_keys = ON;"
				   "PRAGMA synchronous = FULL;"
				   "PRAGMA secure_delete = ON;"
				   "PRAGMA journal_size_limit = 0;",
				   err);
	if (rc == 0 && !(flags & CP_STORE_READONLY))
		rc = cp_store_exec(s, "PRAGMA journal_mode = WAL;", err);
	if (rc == 0 && !(flags & CP_STORE_READONLY))
		rc = migrate(s, err);
	/* Frames an older carepulse, a crash or a migration left behind go
	 * now, when no reader holds them; else at the next answer. */
	if (rc == 0 && !(flags & CP_STORE_READONLY)) {
		if (cp_store_checkpoint(s, OPEN_CHECKPOINT_MS, NULL))
			s->wal_dirty = 1;
	} else if (rc == 0 && cp_store_schema_version(s) > CP_SCHEMA_VERSION)
		rc = cp_error_set_at(err, CP_EVERSION, path, 0, 0,
				     N_("database schema version %d, this "
					"carepulse uses %d"),
				     cp_store_schema_version(s),
				     CP_SCHEMA_VERSION);
	else if (rc == 0 && cp_store_schema_version(s) != CP_SCHEMA_VERSION)
		rc = cp_error_set_at(err, CP_EVERSION, path, 0, 0,
				     N_("database schema version %d, this "
					"carepulse uses %d (the database is "
					"read-only, so it cannot be upgraded)"),
				     cp_store_schema_version(s),
				     CP_SCHEMA_VERSION);
	if (rc) {
		cp_store_close(s);
		return rc;
	}
	s->read_only = (flags & CP_STORE_READONLY) != 0;
	*out = s;
	return 0;
}

bool cp_store_read_only(const struct cp_store *s)
{
	return s->read_only;
}

void cp_store_close(struct cp_store *s)
{
	if (s == NULL)
		return;
	if (s->in_tx)
		cp_store_rollback(s);
	cp_store_what_if_end(s);
	if (s->answered)
		cp_store_wal_reset(s, CLOSE_CHECKPOINT_MS, NULL);
	cp_bulk_discard(s);
	cp_store_defer_totals(s, 0);
	for (size_t i = 0; i < CP_STMT_COUNT; i++)
		sqlite3_finalize(s->cache[i]);
	for (size_t i = 0; i < 2; i++)
		sqlite3_finalize(s->savepoint[i]);
	for (size_t k = 0; k < 3; k++)
		for (size_t i = 0; i < CP_SUMS_SIZES; i++)
			sqlite3_finalize(s->sums[k][i]);
	sqlite3_close_v2(s->db);
	free(s->path);
	cp_wipe(s->rand, sizeof(s->rand));
	free(s);
}

int cp_store_random(struct cp_store *s, void *out, size_t n,
		    struct cp_error *err)
{
	uint8_t *from;
	int rc;

	if (n > sizeof(s->rand) / 4)
		return cp_random_bytes(out, n, err);
	if (s->rand_left < n) {
		if ((rc = cp_random_bytes(s->rand, sizeof(s->rand), err)))
			return rc;
		s->rand_left = sizeof(s->rand);
	}
	from = s->rand + sizeof(s->rand) - s->rand_left;
	memcpy(out, from, n);
	/* Handed out: not kept, so nothing in memory says what was. */
	cp_wipe(from, n);
	s->rand_left -= n;
	return 0;
}

const char *cp_store_path(const struct cp_store *s)
{
	return s->path;
}

/* Runs one of the cached statements that take no parameters. */
static int exec_cached(struct cp_store *s, enum cp_stmt slot, const char *sql,
		       struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = cp_store_cached(s, slot, sql, &st, err)))
		return rc;
	rc = sqlite3_step(st) == SQLITE_DONE
		 ? 0
		 : cp_store_fail(s, err, "database error");
	sqlite3_reset(st);
	return rc;
}

int cp_store_begin(struct cp_store *s, struct cp_error *err)
{
	int rc;

	if (s->in_tx)
		return cp_error_set(err, CP_EFAIL,
				    "a transaction is already open");
	rc = s->what_if ? cp_store_exec(s, "SAVEPOINT cp_what_if_nested", err)
			: exec_cached(s, CP_STMT_BEGIN, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	s->in_tx = 1;
	s->tx_serial++;
	return 0;
}

int cp_store_what_if_begin(struct cp_store *s, struct cp_error *err)
{
	int rc;

	if (s->in_tx || s->what_if)
		return cp_error_set(err, CP_EFAIL,
				    "a transaction is already open");
	if ((rc = cp_store_exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	s->what_if = 1;
	return 0;
}

void cp_store_what_if_end(struct cp_store *s)
{
	if (!s->what_if)
		return;
	if (s->in_tx)
		cp_store_rollback(s);
	cp_bulk_discard(s);
	if (sqlite3_get_autocommit(s->db) == 0)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->what_if = 0;
}

int cp_store_commit(struct cp_store *s, struct cp_error *err)
{
	int rc;

	if (s->bulk) {
		cp_store_rollback(s);
		return cp_error_set(err, CP_EFAIL,
				    "a bulk load was committed unfinished");
	}
	if ((rc = cp_totals_write(s, err))) {
		cp_store_rollback(s);
		return rc;
	}
	rc = s->what_if ? cp_store_exec(s, "RELEASE cp_what_if_nested", err)
			: exec_cached(s, CP_STMT_COMMIT, "COMMIT", err);
	if (rc) {
		cp_store_rollback(s);
		return rc;
	}
	s->in_tx = 0;
	/*
	 * A commit that stored answers pairs them with the invitation marked
	 * answered in the same frames: copy them into the database and empty
	 * the WAL at once, unless the caller does (cp_store_defer_checkpoint).
	 * A reader in the way only delays it (wal_dirty): the answers are
	 * committed either way.
	 */
	if (s->scrub) {
		s->scrub = 0;
		s->answered = 1;
		s->wal_dirty = 1;
		if (!s->defer)
			(void)cp_store_checkpoint(s, COMMIT_CHECKPOINT_MS,
						  NULL);
	}
	return 0;
}

void cp_store_defer_checkpoint(struct cp_store *s, int on)
{
	s->defer = on != 0;
}

int cp_store_checkpoint(struct cp_store *s, int wait_ms, struct cp_error *err)
{
	int rc;

	if (s->in_tx)
		return cp_error_set(err, CP_EFAIL,
				    "a checkpoint inside a transaction");
	sqlite3_busy_timeout(s->db, wait_ms > 0 ? wait_ms : 0);
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
				       NULL, NULL);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return cp_error_set_at(err, CP_ECONFLICT, s->path, 0, 0,
				       "the WAL is in use: not emptied yet");
	if (rc != SQLITE_OK)
		return cp_store_fail(s, err, "cannot checkpoint the WAL");
	s->wal_dirty = 0;
	return 0;
}

int cp_store_wal_dirty(const struct cp_store *s)
{
	return s->wal_dirty;
}

int cp_store_wal_reset(struct cp_store *s, int wait_ms, struct cp_error *err)
{
	char sql[96];
	int rc;

	if ((rc = cp_store_checkpoint(s, wait_ms, err)))
		return rc;
	/*
	 * The -shm file still lists the pages of the last commit until the
	 * next one: a commit that writes page 1 alone (the schema version,
	 * unchanged) overwrites that list, and a second checkpoint empties
	 * the WAL again.
	 */
	snprintf(sql, sizeof(sql),
		 "BEGIN IMMEDIATE; PRAGMA user_version = %d; COMMIT;",
		 CP_SCHEMA_VERSION);
	sqlite3_busy_timeout(s->db, wait_ms > 0 ? wait_ms : 0);
	rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if (rc != SQLITE_OK) {
		rc = cp_store_fail(s, err, "cannot reset the WAL index");
		if (sqlite3_get_autocommit(s->db) == 0)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return cp_store_checkpoint(s, wait_ms, err);
}

void cp_store_rollback(struct cp_store *s)
{
	cp_bulk_discard(s);
	cp_totals_undo(s, true);
	if (s->what_if && s->in_tx) {
		sqlite3_exec(s->db, "ROLLBACK TO cp_what_if_nested", NULL, NULL,
			     NULL);
		sqlite3_exec(s->db, "RELEASE cp_what_if_nested", NULL, NULL,
			     NULL);
	} else if (!s->what_if && sqlite3_get_autocommit(s->db) == 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	s->in_tx = 0;
}

/* Savepoint names are compile-time identifiers: refuse anything else. */
static int savepoint_sql(char *out, size_t n, const char *verb,
			 const char *name, struct cp_error *err)
{
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			return cp_error_set(err, CP_EUSAGE,
					    "bad savepoint name '%s'", name);
	if ((size_t)snprintf(out, n, "%s%s", verb, name) >= n)
		return cp_error_set(err, CP_EUSAGE, "savepoint name too long");
	return 0;
}

/* Runs sql (SAVEPOINT or RELEASE, which) from the statement kept for
 * it, prepared again only when the name changed. */
static int savepoint_run(struct cp_store *s, int which, const char *sql,
			 struct cp_error *err)
{
	sqlite3_stmt **st = &s->savepoint[which];
	int step;

	if (*st && strcmp(sqlite3_sql(*st), sql) != 0) {
		sqlite3_finalize(*st);
		*st = NULL;
	}
	if (*st == NULL &&
	    sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
			       NULL) != SQLITE_OK)
		return cp_store_fail(s, err, "database error");
	step = sqlite3_step(*st);
	sqlite3_reset(*st);
	if (step != SQLITE_DONE)
		return cp_store_fail(s, err, "database error");
	return 0;
}

int cp_store_savepoint(struct cp_store *s, const char *name,
		       struct cp_error *err)
{
	char sql[96];

	if (!s->in_tx)
		return cp_error_set(err, CP_EFAIL,
				    "a savepoint needs an open transaction");
	if (savepoint_sql(sql, sizeof(sql), "SAVEPOINT ", name, err))
		return CP_EUSAGE;
	cp_totals_mark(s);
	return savepoint_run(s, 0, sql, err);
}

int cp_store_release(struct cp_store *s, const char *name, struct cp_error *err)
{
	char sql[96];

	if (savepoint_sql(sql, sizeof(sql), "RELEASE ", name, err))
		return CP_EUSAGE;
	return savepoint_run(s, 1, sql, err);
}

void cp_store_rollback_to(struct cp_store *s, const char *name)
{
	char sql[96], sql2[96];

	if (savepoint_sql(sql, sizeof(sql), "ROLLBACK TO ", name, NULL) ||
	    savepoint_sql(sql2, sizeof(sql2), "RELEASE ", name, NULL))
		return;
	cp_totals_undo(s, false);
	if (sqlite3_get_autocommit(s->db) == 0) {
		sqlite3_exec(s->db, sql, NULL, NULL, NULL);
		sqlite3_exec(s->db, sql2, NULL, NULL, NULL);
	}
}

int64_t cp_store_clock(void)
{
	return cp_store_now();
}

int cp_store_check(struct cp_store *s, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((rc = cp_store_prepare(s, &st, "PRAGMA integrity_check", err)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(st, 0);
		if (r && strcmp(r, "ok") != 0)
			rc = cp_error_set_at(err, CP_EFAIL, s->path, 0, 0,
					     /* TRANSLATORS: %s is SQLite's own
					      * report, in English. */
					     N_("integrity check: %s"), r);
		else if (r == NULL)
			rc = cp_error_set_at(err, CP_EFAIL, s->path, 0, 0,
					     N_("integrity check: failed"));
	} else {
		rc = cp_store_fail(s, err, "integrity check");
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- configuration ---- */

/*
 * Column 0 of the one row st gives into *out (malloc'ed), or *out NULL
 * when there is no row; st is finalized. what is the message of a
 * database error.
 */
static int one_text(struct cp_store *s, sqlite3_stmt *st, char **out,
		    const char *what, struct cp_error *err)
{
	int rc = 0;

	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*out = cp_store_column_dup(st, 0);
		if (*out == NULL)
			rc = cp_error_set(err, CP_ENOMEM, N_("out of memory"));
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = cp_store_fail(s, err, what);
	}
	sqlite3_finalize(st);
	return rc;
}

int cp_store_config_get(struct cp_store *s, const char *key, char **out,
			struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	*out = NULL;
	if ((rc = cp_store_prepare(
		 s, &st, "SELECT value FROM config WHERE key = ?", err)))
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return one_text(s, st, out, "cannot read the configuration", err);
}

static int config_write(struct cp_store *s, const char *sql, const char *key,
			const char *value, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((rc = cp_store_prepare(s, &st, sql, err)))
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (value)
		sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot write the configuration");
	sqlite3_finalize(st);
	return rc;
}

int cp_store_config_set(struct cp_store *s, const char *key, const char *value,
			struct cp_error *err)
{
	return config_write(s,
			    "INSERT INTO config(key, value) VALUES (?, ?) "
			    "ON CONFLICT(key) DO UPDATE SET value = "
			    "excluded.value",
			    key, value, err);
}

int cp_store_config_unset(struct cp_store *s, const char *key,
			  struct cp_error *err)
{
	return config_write(s, "DELETE FROM config WHERE key = ?", key, NULL,
			    err);
}

int cp_store_config_each(struct cp_store *s,
			 int (*fn)(const char *key, const char *value,
				   void *arg),
			 void *arg, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0, step;

	if ((rc = cp_store_prepare(
		 s, &st, "SELECT key, value FROM config ORDER BY key", err)))
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		rc = fn((const char *)sqlite3_column_text(st, 0),
			(const char *)sqlite3_column_text(st, 1), arg);
		if (rc)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot read the configuration");
	sqlite3_finalize(st);
	return rc;
}

/* ---- the installation key's check value ---- */

int cp_store_key_check_get(struct cp_store *s, char **out, struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	*out = NULL;
	if ((rc = cp_store_prepare(
		 s, &st, "SELECT value FROM key_check WHERE id = 1", err)))
		return rc;
	return one_text(s, st, out, "cannot read the key check value", err);
}

int cp_store_key_check_set(struct cp_store *s, const char *value,
			   struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((rc = cp_store_prepare(
		 s, &st,
		 "INSERT INTO key_check (id, value, recorded_at) "
		 "VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET "
		 "value = excluded.value, recorded_at = excluded.recorded_at",
		 err)))
		return rc;
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, cp_store_now());
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = cp_store_fail(s, err, "cannot record the key check value");
	sqlite3_finalize(st);
	return rc;
}

int cp_store_invitation_total(struct cp_store *s, int64_t *n,
			      struct cp_error *err)
{
	sqlite3_stmt *st;
	int rc = 0;

	*n = 0;
	if ((rc = cp_store_prepare(s, &st, "SELECT count(*) FROM invitation",
				   err)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		rc = cp_store_fail(s, err, "cannot count the invitations");
	sqlite3_finalize(st);
	return rc;
}
