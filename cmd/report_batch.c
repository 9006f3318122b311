/*
 * report_batch.c - report team --all: one PDF per team of a wave, written
 * by worker processes in parallel, with an index.csv of what was written.
 *
 * Processes, not threads: libharu keeps state per document but is not
 * known to be safe across threads, and a process that crashes on one team
 * takes only its own reports with it. Each worker opens its own read-only
 * store connection (an SQLite connection must not cross fork), takes the
 * next team from a counter in shared memory, and writes one byte to a pipe
 * per report done, which is what the progress bar counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "i18n.h"
#include "output.h"
#include "report_batch.h"
#include "report_write.h"
#include "store.h"

#define FILE_MAX 96

enum job_status {
	JOB_NOT_DONE = 0, /* a worker died before it finished */
	JOB_WRITTEN,
	JOB_HIDDEN, /* the one-page explanation of a hidden team */
	JOB_FAILED,
};

/* One team's report, in memory shared with the workers. */
struct job {
	enum job_status status;
	int code;
	char message[CP_ERROR_MSG_MAX];
};

struct shared {
	size_t next; /* the next job to take, atomically */
	struct job jobs[];
};

/* A file name from a team name: lower-case ASCII letters and digits, the
 * rest as single dashes ("Ward 4, North" -> "ward-4-north"). */
static void slug(const char *name, char out[FILE_MAX])
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)name;
	     *p && n < FILE_MAX - 16; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))
			out[n++] = (char)*p;
		else if (*p >= 'A' && *p <= 'Z')
			out[n++] = (char)(*p - 'A' + 'a');
		else if (n && out[n - 1] != '-')
			out[n++] = '-';
	}
	while (n && out[n - 1] == '-')
		n--;
	out[n] = '\0';
}

/* Each team's file name, unique in the batch: the slug, or with the
 * team's id when two slugs meet or one is empty. */
static int file_names(const struct rp_batch_team *t, size_t n,
		      char (**names)[FILE_MAX])
{
	char(*f)[FILE_MAX] = calloc(n ? n : 1, sizeof(*f));

	if (f == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		slug(t[i].name, f[i]);
	for (size_t i = 0; i < n; i++) {
		bool clash = f[i][0] == '\0';
		for (size_t j = 0; j < n && !clash; j++)
			clash = j != i && strcmp(f[i], f[j]) == 0;
		if (clash) {
			size_t len = strlen(f[i]);
			snprintf(f[i] + len, FILE_MAX - len, "%steam-%lld",
				 len ? "-" : "", (long long)t[i].id);
		}
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(f[i]);
		snprintf(f[i] + len, FILE_MAX - len, ".pdf");
	}
	*names = f;
	return 0;
}

/* A worker: writes reports until none are left, then exits. */
static void worker(const char *db_path, const char *dir,
		   const struct rp_batch_team *teams, char (*names)[FILE_MAX],
		   size_t n, int64_t wave, const struct rp_options *o,
		   struct shared *sh, int done_fd)
{
	struct cp_store *st = NULL;
	struct cp_error err = {0};
	struct cp_buf path;
	size_t i;
	int rc;

	rc = cp_store_open(&st, db_path, CP_STORE_READONLY, &err);
	cp_buf_init(&path, 0);
	while ((i = __atomic_fetch_add(&sh->next, 1, __ATOMIC_SEQ_CST)) < n) {
		struct job *j = &sh->jobs[i];
		bool hidden = false;
		if (rc == 0) {
			cp_buf_reset(&path);
			rc = cp_buf_printf(&path, &err, "%s/%s", dir, names[i]);
		}
		if (rc == 0)
			rc = rp_write_team_report_id(
			    st, teams[i].id, teams[i].name, wave,
			    cp_buf_str(&path), o, &hidden, &err);
		if (rc == 0) {
			j->status = hidden ? JOB_HIDDEN : JOB_WRITTEN;
		} else {
			j->status = JOB_FAILED;
			j->code = rc;
			cp_error_format(&err, j->message, sizeof(j->message));
			/* A broken connection stays broken; a report that
			 * failed alone does not stop the next one. */
			rc = st ? 0 : rc;
		}
		while (write(done_fd, "", 1) < 0 && errno == EINTR)
			;
	}
	cp_buf_release(&path);
	/* Closing a read-only connection checkpoints nothing. */
	cp_store_close(st);
	_exit(0);
}

/* Redraws the bar: "[#######-------------]  7/20 teams". */
static void progress(bool tty, size_t done, size_t n)
{
	char bar[41];
	size_t w = n ? done * 40 / n : 40;

	if (!tty)
		return;
	memset(bar, '#', w);
	memset(bar + w, '-', 40 - w);
	bar[40] = '\0';
	fprintf(stderr, "\r[%s] %zu/%zu teams", bar, done, n);
	if (done == n)
		fputc('\n', stderr);
	fflush(stderr);
}

static const char *status_name(const struct job *j)
{
	switch (j->status) {
	case JOB_WRITTEN:
		return "written";
	case JOB_HIDDEN:
		return "hidden";
	case JOB_FAILED:
		return "failed";
	default:
		return "not written";
	}
}

/* index.csv: team, file, status (and why, for one that failed). */
static int write_index(const char *dir, const struct rp_batch_team *teams,
		       char (*names)[FILE_MAX], const struct job *jobs,
		       size_t n, struct cp_error *err)
{
	static const struct out_col cols[] = {
	    {"team", COL_TEXT},
	    {"file", COL_TEXT},
	    {"status", COL_TEXT},
	    {"message", COL_TEXT},
	};
	struct out_table t;
	struct cp_buf path;
	FILE *f;
	int rc = 0;

	cp_buf_init(&path, 0);
	if ((rc = cp_buf_printf(&path, err, "%s/index.csv", dir)))
		return rc;
	out_table_init(&t, cols, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; i < n; i++) {
		bool ok = jobs[i].status == JOB_WRITTEN ||
			  jobs[i].status == JOB_HIDDEN;
		out_cell(&t, teams[i].name);
		out_cell(&t, ok ? names[i] : NULL);
		out_cell(&t, status_name(&jobs[i]));
		out_cell(&t, ok ? NULL : jobs[i].message);
	}
	f = fopen(cp_buf_str(&path), "w");
	if (f == NULL)
		rc = cp_error_set(err, CP_EIO, N_("cannot write '%s': %s"),
				  cp_buf_str(&path), strerror(errno));
	if (f && (out_table_print(&t, f, FORMAT_CSV) | ferror(f)))
		rc = cp_error_set(err, CP_EIO, N_("cannot write '%s'"),
				  cp_buf_str(&path));
	if (f && fclose(f) && rc == 0)
		rc = cp_error_set(err, CP_EIO, N_("cannot write '%s': %s"),
				  cp_buf_str(&path), strerror(errno));
	out_table_release(&t);
	cp_buf_release(&path);
	return rc;
}

/* The output directory: made when missing (its parent must exist). */
static int output_dir(const char *dir, struct cp_error *err)
{
	struct stat sb;

	if (mkdir(dir, 0777) == 0 ||
	    (errno == EEXIST && stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)))
		return 0;
	return cp_error_set(
	    err, CP_EIO, N_("cannot use '%s' for the reports: %s"), dir,
	    errno == EEXIST ? "not a directory" : strerror(errno));
}

int cmd_report_batch(struct cmd_ctx *c, const struct report_batch *b)
{
	struct rp_batch_team *teams = NULL;
	char(*names)[FILE_MAX] = NULL;
	struct shared *sh = MAP_FAILED;
	size_t n = 0, done = 0, workers, size = 0, failed = 0, hidden = 0;
	int64_t wave = b->wave;
	int pipefd[2] = {-1, -1}, rc = EXIT_OK;
	pid_t *pids = NULL;
	char byte[64];
	ssize_t got;

	if (rp_batch_teams(c->store, &wave, b->parent, &teams, &n, &c->err))
		return cmd_report(&c->err);
	if (n == 0) {
		rp_batch_teams_free(teams, n);
		cp_error_set(&c->err, CP_ENOTFOUND,
			     N_("wave %lld has no teams"), (long long)wave);
		return cmd_report(&c->err);
	}
	if (output_dir(b->dir, &c->err) || file_names(teams, n, &names)) {
		rc = c->err.code ? cmd_report(&c->err) : EXIT_FAIL;
		goto done;
	}
	size = sizeof(*sh) + n * sizeof(sh->jobs[0]);
	sh = mmap(NULL, size, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	workers =
	    b->jobs ? (size_t)b->jobs : (size_t)sysconf(_SC_NPROCESSORS_ONLN);
	workers = workers < 1 ? 1 : workers > n ? n : workers;
	if (sh == MAP_FAILED || pipe(pipefd) ||
	    (pids = calloc(workers, sizeof(*pids))) == NULL) {
		cp_error_set(&c->err, CP_EIO,
			     N_("cannot start the workers: %s"),
			     strerror(errno));
		rc = cmd_report(&c->err);
		goto done;
	}
	memset(sh, 0, size);
	/* The connection must not cross fork: each worker opens its own. */
	cp_store_close(c->store);
	c->store = NULL;
	fflush(NULL);
	for (size_t w = 0; w < workers; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			close(pipefd[0]);
			worker(c->db_path, b->dir, teams, names, n, wave, b->o,
			       sh, pipefd[1]);
		}
		if (pids[w] < 0) {
			/* Fewer workers: the ones started take every job. */
			workers = w;
			break;
		}
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	progress(c->stderr_tty, 0, n);
	while ((got = read(pipefd[0], byte, sizeof(byte))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		done += (size_t)got;
		progress(c->stderr_tty, done < n ? done : n, n);
	}
	for (size_t w = 0; w < workers; w++)
		while (waitpid(pids[w], NULL, 0) < 0 && errno == EINTR)
			;
	if (done < n)
		progress(c->stderr_tty, n, n);
	/* The reports are written: the rest is for the operator. */
	cmd_report_language_end();
	for (size_t i = 0; i < n; i++) {
		struct job *j = &sh->jobs[i];
		if (j->status == JOB_HIDDEN)
			hidden++;
		if (j->status == JOB_WRITTEN || j->status == JOB_HIDDEN)
			continue;
		if (j->status == JOB_NOT_DONE)
			snprintf(j->message, sizeof(j->message), "%s",
				 _("its worker stopped before writing it"));
		failed++;
		fprintf(stderr, "carepulse: %s: %s\n", teams[i].name,
			j->message);
	}
	if (write_index(b->dir, teams, names, sh->jobs, n, &c->err)) {
		rc = cmd_report(&c->err);
		goto done;
	}
	if (printf(cp_ngettext("wrote %zu team report of wave %lld to %s",
			       "wrote %zu team reports of wave %lld to %s",
			       n - failed),
		   n - failed, (long long)wave, b->dir) < 0 ||
	    printf(cp_ngettext(" (%zu hidden, %zu failed; %zu worker)",
			       " (%zu hidden, %zu failed; %zu workers)",
			       workers),
		   hidden, failed, workers) < 0 ||
	    printf(_("; index: %s/index.csv\n"), b->dir) < 0 ||
	    fflush(stdout)) {
		fprintf(stderr, "%s", _("carepulse: cannot write to stdout\n"));
		rc = EXIT_IO;
	} else if (failed) {
		rc = EXIT_FAIL;
	}
done:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (sh != MAP_FAILED)
		munmap(sh, size);
	free(pids);
	free(names);
	rp_batch_teams_free(teams, n);
	return rc;
}
