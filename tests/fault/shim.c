/*
 * shim.c - fault injection for any program, by LD_PRELOAD (the SQLite and
 * curl way: fail the Nth allocation, or the Nth write, for every N).
 *
 *   CP_FAIL_ALLOC=N     the Nth malloc, calloc or realloc after main starts
 *                       returns NULL (ENOMEM). SQLite, jansson, OpenSSL,
 *                       libc's own (strdup, fopen) and carepulse's
 *                       allocations all come here.
 *   CP_FAIL_IO=N        the Nth write, pwrite, writev, fsync or fdatasync
 *                       on a file other than stdin, stdout and stderr fails.
 *   CP_FAIL_IO_ERRNO    EIO (default) or ENOSPC.
 *   CP_FAIL_PERSIST=1   every call from the Nth on fails, not only the Nth.
 *   CP_FAIL_SPARE=NAME[,NAME]  allocations made directly by a shared
 *                       library whose file name contains a NAME are never
 *                       failed nor counted (a library that cannot survive
 *                       one; see HACKING.md).
 *   CP_FAIL_LOG=PATH    appends "alloc N" or "io N" when a fault is
 *                       injected, and "count alloc A io W" at a normal
 *                       exit, so a driver knows whether the fault was hit
 *                       and how many calls a clean run makes.
 *
 * Counting starts when main does (interposed __libc_start_main), so the
 * loader's and libraries' start-up is not counted and a run is
 * repeatable. Code between cp_fault_benign_begin and _end (OpenSSL's
 * set-up, see core/base/crypto.c) is not counted either. The standard streams
 * are left alone so that the error message can always be read; writes through
 * stdio inside libc do not come here anyway. Not for sanitizer builds: ASan has
 * its own malloc.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);

static int armed, benign;
/* The spared library's loaded segments. */
static uintptr_t spare_lo[32], spare_hi[32];
static int nspare;
static long alloc_at, io_at;
static long alloc_count, io_count;
static int persist, io_errno = EIO, log_fd = -1;

/* Writes "what n" to the log with system calls only (no allocation). */
static void note(const char *what, long n)
{
	char line[64], digits[24];
	size_t len = 0, d = 0;

	if (log_fd < 0)
		return;
	while (*what && len < 32)
		line[len++] = *what++;
	line[len++] = ' ';
	do {
		digits[d++] = (char)('0' + n % 10);
		n /= 10;
	} while (n && d < sizeof(digits));
	while (d)
		line[len++] = digits[--d];
	line[len++] = '\n';
	syscall(SYS_write, log_fd, line, len);
}

/* True when this call is the one (or, persisting, one of those) to fail. */
static int fail_now(long *count, long at, const char *what)
{
	long n;

	if (!__atomic_load_n(&armed, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&benign, __ATOMIC_RELAXED))
		return 0;
	n = __atomic_add_fetch(count, 1, __ATOMIC_RELAXED);
	if (at > 0 && (n == at || (persist && n > at))) {
		if (n == at)
			note(what, n);
		return 1;
	}
	return 0;
}

void cp_fault_benign_begin(void);
void cp_fault_benign_end(void);

void cp_fault_benign_begin(void)
{
	__atomic_add_fetch(&benign, 1, __ATOMIC_RELAXED);
}

void cp_fault_benign_end(void)
{
	__atomic_sub_fetch(&benign, 1, __ATOMIC_RELAXED);
}

static int spared(const void *caller)
{
	uintptr_t a = (uintptr_t)caller;

	for (int i = 0; i < nspare; i++)
		if (a >= spare_lo[i] && a < spare_hi[i])
			return 1;
	return 0;
}

static int find_spared(struct dl_phdr_info *info, size_t size, void *name)
{
	(void)size;
	if (info->dlpi_name == NULL || strstr(info->dlpi_name, name) == NULL)
		return 0;
	for (int i = 0; i < info->dlpi_phnum && nspare < 32; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		spare_lo[nspare] = info->dlpi_addr + ph->p_vaddr;
		spare_hi[nspare] = spare_lo[nspare] + ph->p_memsz;
		nspare++;
	}
	return 0;
}

void *malloc(size_t n)
{
	if (!spared(__builtin_return_address(0)) &&
	    fail_now(&alloc_count, alloc_at, "alloc")) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	if (!spared(__builtin_return_address(0)) &&
	    fail_now(&alloc_count, alloc_at, "alloc")) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	/* realloc(p, 0) frees: not an allocation that can fail. */
	if ((p == NULL || n > 0) && !spared(__builtin_return_address(0)) &&
	    fail_now(&alloc_count, alloc_at, "alloc")) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}

static int io_fails(int fd)
{
	if (fd <= 2 || !fail_now(&io_count, io_at, "io"))
		return 0;
	errno = io_errno;
	return 1;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	if (io_fails(fd))
		return -1;
	return syscall(SYS_write, fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (io_fails(fd))
		return -1;
	return syscall(SYS_pwrite64, fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	if (io_fails(fd))
		return -1;
	return syscall(SYS_pwrite64, fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	if (io_fails(fd))
		return -1;
	return syscall(SYS_writev, fd, iov, n);
}

int fsync(int fd)
{
	if (io_fails(fd))
		return -1;
	return (int)syscall(SYS_fsync, fd);
}

int fdatasync(int fd)
{
	if (io_fails(fd))
		return -1;
	return (int)syscall(SYS_fdatasync, fd);
}

static long env_long(const char *name)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return 0;
	n = strtol(v, &end, 10);
	return *end == '\0' && n > 0 ? n : 0;
}

static void at_exit(void)
{
	__atomic_store_n(&armed, 0, __ATOMIC_RELAXED);
	note("count alloc", alloc_count);
	note("count io", io_count);
}

typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;

static int counted_main(int argc, char **argv, char **envp)
{
	const char *log = getenv("CP_FAIL_LOG");
	const char *e = getenv("CP_FAIL_IO_ERRNO");
	const char *spare = getenv("CP_FAIL_SPARE");

	alloc_at = env_long("CP_FAIL_ALLOC");
	io_at = env_long("CP_FAIL_IO");
	persist = env_long("CP_FAIL_PERSIST") > 0;
	if (e && strcmp(e, "ENOSPC") == 0)
		io_errno = ENOSPC;
	if (log && *log)
		log_fd = (int)syscall(SYS_openat, AT_FDCWD, log,
				      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
				      0644);
	while (spare && *spare) {
		/* No allocation here: the names are copied to the stack. */
		char name[64];
		size_t len = strcspn(spare, ",");

		if (len > 0 && len < sizeof(name)) {
			memcpy(name, spare, len);
			name[len] = '\0';
			dl_iterate_phdr(find_spared, name);
		}
		spare += len + (spare[len] == ',');
	}
	/* A program this one starts is not counted. */
	unsetenv("LD_PRELOAD");
	atexit(at_exit);
	__atomic_store_n(&armed, 1, __ATOMIC_RELAXED);
	return real_main(argc, argv, envp);
}

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void),
		      void *stack_end);

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void),
		      void *stack_end)
{
	int (*real)(main_fn, int, char **, void (*)(void), void (*)(void),
		    void (*)(void), void *);

	*(void **)&real = dlsym(RTLD_NEXT, "__libc_start_main");
	real_main = main;
	return real(counted_main, argc, argv, init, fini, rtld_fini, stack_end);
}
