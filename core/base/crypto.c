#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

/*
 * The fault-injection shim of tests/fault defines these to leave a
 * stretch of code alone (SQLite's "benign malloc" hooks); in a normal
 * run nothing defines them and they are NULL.
 */
void cp_fault_benign_begin(void) __attribute__((weak));
void cp_fault_benign_end(void) __attribute__((weak));

int cp_crypto_init(struct cp_error *err)
{
	uint8_t out[CP_SHA256_LEN];
	unsigned int len = CP_SHA256_LEN;
	int ok;

	/*
	 * OpenSSL sets itself up on first use and, when that runs out of
	 * memory, crashes then or on a later call (a NULL lock). So set it
	 * up here, at the start, where a failure can be reported and nothing
	 * is half done, and make one digest, which loads the provider every
	 * later one uses. The fault loops do not fail this set-up: OpenSSL
	 * 3 cannot survive it.
	 */
	if (cp_fault_benign_begin)
		cp_fault_benign_begin();
	ok = OPENSSL_init_crypto(0, NULL) == 1 &&
	     EVP_Digest("", 0, out, &len, EVP_sha256(), NULL) == 1;
	if (cp_fault_benign_end)
		cp_fault_benign_end();
	if (!ok)
		return cp_error_set(err, CP_ENOMEM,
				    "cannot set up OpenSSL: out of memory");
	return 0;
}

int cp_random_bytes(void *buf, size_t n, struct cp_error *err)
{
	if (n > (size_t)INT32_MAX || RAND_bytes(buf, (int)n) != 1)
		return cp_error_set(err, CP_EFAIL,
				    N_("the random number generator failed"));
	return 0;
}

/* Both allocate inside OpenSSL, so both can fail: out is zeros then. */
int cp_sha256(const void *data, size_t n, uint8_t out[CP_SHA256_LEN])
{
	unsigned int len = CP_SHA256_LEN;

	if (EVP_Digest(data, n, out, &len, EVP_sha256(), NULL) != 1) {
		memset(out, 0, CP_SHA256_LEN);
		return CP_ENOMEM;
	}
	return 0;
}

int cp_hmac_sha256(const void *key, size_t keylen, const void *data, size_t n,
		   uint8_t out[CP_SHA256_LEN])
{
	unsigned int len = CP_SHA256_LEN;

	if (HMAC(EVP_sha256(), key, (int)keylen, data, n, out, &len) == NULL) {
		memset(out, 0, CP_SHA256_LEN);
		return CP_ENOMEM;
	}
	return 0;
}

bool cp_ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void cp_hex(const void *data, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

size_t cp_base64(const void *data, size_t n, char *out)
{
	if (n == 0) {
		out[0] = '\0';
		return 0;
	}
	return (size_t)EVP_EncodeBlock((unsigned char *)out, data, (int)n);
}

long cp_base64_decode(const char *text, uint8_t *out, size_t cap)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	size_t o = 0;
	int bits = 0;

	for (const char *p = text; *p && *p != '='; p++) {
		const char *hit = strchr(alphabet, *p);
		if (hit == NULL || *p == '\0')
			return -1;
		acc = (acc << 6) | (uint32_t)(hit - alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return (long)o;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int cp_key_save(const char *path, const uint8_t key[CP_KEY_LEN], int replace,
		struct cp_error *err)
{
	char tmp[4096];
	int fd, rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path,
			     (long)getpid()) >= sizeof(tmp))
		return cp_error_set_at(err, CP_EUSAGE, path, 0, 0,
				       N_("path too long"));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return cp_error_set_at(err, CP_EIO, path, 0, 0,
				       N_("cannot create the key file: %s"),
				       strerror(errno));
	rc = write_all(fd, key, CP_KEY_LEN) || fsync(fd);
	if (close(fd) != 0 || rc) {
		unlink(tmp);
		return cp_error_set_at(err, CP_EIO, path, 0, 0,
				       N_("cannot write the key file: %s"),
				       strerror(errno));
	}
	/* link() never replaces; rename() does, when asked to. */
	rc = replace ? rename(tmp, path) : link(tmp, path);
	if (rc != 0) {
		int e = errno;
		unlink(tmp);
		return cp_error_set_at(
		    err, e == EEXIST ? CP_ECONFLICT : CP_EIO, path, 0, 0,
		    N_("cannot write the key file: %s"), strerror(e));
	}
	if (!replace)
		unlink(tmp);
	return 0;
}

int cp_key_create(const char *path, int *created, struct cp_error *err)
{
	uint8_t key[CP_KEY_LEN];
	int rc;

	*created = 0;
	if (access(path, F_OK) == 0) {
		rc = cp_key_load(path, key, err);
		OPENSSL_cleanse(key, sizeof(key));
		return rc;
	}
	if ((rc = cp_random_bytes(key, sizeof(key), err)))
		return rc;
	/* A temporary file linked into place (cp_key_save without replace):
	 * a crash leaves no half-written key, and an existing one is never
	 * replaced. Lost a race to another process: use the key it wrote. */
	rc = cp_key_save(path, key, 0, err);
	OPENSSL_cleanse(key, sizeof(key));
	if (rc == CP_ECONFLICT)
		return cp_key_create(path, created, err);
	if (rc == 0)
		*created = 1;
	return rc;
}

int cp_key_load(const char *path, uint8_t key[CP_KEY_LEN], struct cp_error *err)
{
	struct stat sb;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT
			   ? cp_error_set_at(
				 err, CP_ENOTFOUND, path, 0, 0,
				 N_("cannot open the installation key: %s "
				    "(run 'carepulse init')"),
				 strerror(errno))
			   : cp_error_set_at(
				 err, CP_EIO, path, 0, 0,
				 N_("cannot open the installation key: %s"),
				 strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return cp_error_set_at(
		    err, CP_EIO, path, 0, 0,
		    N_("the installation key is not a file"));
	}
	if (sb.st_mode & 077) {
		close(fd);
		return cp_error_set_at(err, CP_EDATA, path, 0, 0,
				       N_("the installation key is readable by "
					  "others (mode %03o): chmod 600 it"),
				       (unsigned)(sb.st_mode & 0777));
	}
	n = read(fd, key, CP_KEY_LEN);
	close(fd);
	if (n != CP_KEY_LEN || sb.st_size != CP_KEY_LEN)
		return cp_error_set_at(
		    err, CP_EDATA, path, 0, 0,
		    cp_ngettext_error("the installation key must be %d byte",
				      "the installation key must be %d bytes",
				      CP_KEY_LEN),
		    CP_KEY_LEN);
	return 0;
}

int cp_key_check(const uint8_t key[CP_KEY_LEN], char out[CP_KEY_CHECK_LEN + 1],
		 struct cp_error *err)
{
	static const char label[] = "carepulse installation key check v1";
	uint8_t mac[CP_SHA256_LEN];

	out[0] = '\0';
	if (cp_hmac_sha256(key, CP_KEY_LEN, label, sizeof(label) - 1, mac))
		return cp_error_set(err, CP_ENOMEM, "out of memory");
	cp_hex(mac, CP_KEY_CHECK_LEN / 2, out);
	return 0;
}

void cp_wipe(void *p, size_t n)
{
	OPENSSL_cleanse(p, n);
}
