/*
 * gen.c - generated reference strings: loop, random, working-set shift
 * and Belady's string, each a pure function of (spec, index). The
 * interface, the kinds and their keys are described in gen.h.
 *
 * Algorithm: reference i of
 *   loop    is i mod pages;
 *   random  is below(draw(PAGE, i), pages);
 *   shift   is, in phase k = i / phase with hot set start
 *           b = below(draw(BASE, k), pages): with probability local %
 *           (below(draw(LOCAL, i), 100) < local) the page
 *           (b + below(draw(PAGE, i), hot)) mod pages, else
 *           below(draw(PAGE, i), pages);
 *   belady  is the i mod 12'th of 0 1 2 3 0 1 4 0 1 2 3 4;
 * and it is a write if below(draw(WRITE, i), 100) < writes.
 * draw(stream, i) = mix(mix(mix(seed) + stream) + i), mix being
 * SplitMix64's finaliser (Steele, Lea & Flood, OOPSLA 2014), so each
 * stream is its own sequence and no draw depends on another;
 * below(r, n) = ((r >> 32) * n) >> 32, the top 32 bits scaled to 0..n-1
 * (n < 2^32; the bias is below n / 2^32).
 *
 * No C library: parsing and formatting are done here by hand, so the
 * same object links into a freestanding program. Not supported: traces
 * with a time axis (think times), several processes, page sizes - a page
 * is a number, the program that replays a string chooses its address.
 */
#include "gen.h"

enum { STREAM_PAGE = 1, STREAM_WRITE, STREAM_LOCAL, STREAM_BASE };

/* ---- the strings ---------------------------------------------------------- */

static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t draw(const struct gen_spec *s, uint64_t stream, uint64_t i)
{
	return mix(mix(mix(s->seed) + stream) + i);
}

static uint64_t below(uint64_t r, uint64_t n)
{
	return ((r >> 32) * n) >> 32;
}

static uint32_t shift_page(const struct gen_spec *s, uint64_t i)
{
	uint64_t base = below(draw(s, STREAM_BASE, i / s->phase), s->pages);
	uint64_t r = draw(s, STREAM_PAGE, i);
	if (below(draw(s, STREAM_LOCAL, i), 100) < s->local)
		return (uint32_t)((base + below(r, s->hot)) % s->pages);
	return (uint32_t)below(r, s->pages);
}

uint32_t gen_page(const struct gen_spec *s, uint64_t i)
{
	static const uint8_t belady[12] = { 0, 1, 2, 3, 0, 1, 4, 0, 1, 2, 3, 4 };
	switch (s->kind) {
	case GEN_LOOP:
		return (uint32_t)(i % s->pages);
	case GEN_RANDOM:
		return (uint32_t)below(draw(s, STREAM_PAGE, i), s->pages);
	case GEN_SHIFT:
		return shift_page(s, i);
	case GEN_BELADY:
		return belady[i % 12];
	}
	return 0;
}

bool gen_write(const struct gen_spec *s, uint64_t i)
{
	return s->writes && below(draw(s, STREAM_WRITE, i), 100) < s->writes;
}

void gen_fill(const struct gen_spec *s, uint64_t first, uint64_t n, uint32_t *page, bool *write)
{
	for (uint64_t k = 0; k < n; k++) {
		page[k] = gen_page(s, first + k);
		if (write)
			write[k] = gen_write(s, first + k);
	}
}

/* ---- names: KIND:K=V,... -------------------------------------------------- */

enum { K_PAGES = 1, K_LEN = 2, K_HOT = 4, K_PHASE = 8, K_LOCAL = 16, K_SEED = 32, K_WRITES = 64 };
#define K_EVERY (K_LEN | K_SEED | K_WRITES)

struct kind {
	const char *name;
	enum gen_kind kind;
	unsigned keys;          /* the K_* it takes */
	uint64_t pages, len;    /* its defaults */
};

static const struct kind kinds[] = {
	{ "loop", GEN_LOOP, K_EVERY | K_PAGES, 100, 10000 },
	{ "random", GEN_RANDOM, K_EVERY | K_PAGES, 1000, 10000 },
	{ "shift", GEN_SHIFT, K_EVERY | K_PAGES | K_HOT | K_PHASE | K_LOCAL, 1000, 20000 },
	{ "belady", GEN_BELADY, K_EVERY, 5, 12 },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

struct key {
	const char *name;
	unsigned bit;
	size_t off;             /* of its field in struct gen_spec */
	uint64_t min, max;
};

/* In the order gen_format writes them. */
static const struct key keys[] = {
	{ "pages", K_PAGES, offsetof(struct gen_spec, pages), 1, GEN_PAGES_MAX },
	{ "len", K_LEN, offsetof(struct gen_spec, len), 1, GEN_LEN_MAX },
	{ "hot", K_HOT, offsetof(struct gen_spec, hot), 1, GEN_PAGES_MAX },
	{ "phase", K_PHASE, offsetof(struct gen_spec, phase), 1, GEN_LEN_MAX },
	{ "local", K_LOCAL, offsetof(struct gen_spec, local), 0, 100 },
	{ "seed", K_SEED, offsetof(struct gen_spec, seed), 0, 9999999999999999999ull },
	{ "writes", K_WRITES, offsetof(struct gen_spec, writes), 0, 100 },
};
#define NKEYS (sizeof keys / sizeof keys[0])

static uint64_t *field(struct gen_spec *s, const struct key *k)
{
	return (uint64_t *)((char *)s + k->off);
}

/* Text into a buffer that may be too small (always NUL-terminated). */
struct text {
	char *buf;
	size_t len, at;
};

static void put_n(struct text *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++)
		if (t->at + 1 < t->len)
			t->buf[t->at++] = s[i];
	if (t->len)
		t->buf[t->at] = '\0';
}

static void put(struct text *t, const char *s)
{
	put_n(t, s, (size_t)-1);
}

static void put_num(struct text *t, uint64_t v)
{
	char digits[24];
	int n = 0;
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		put_n(t, &digits[--n], 1);
}

static bool same(const char *name, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && name[i] && name[i] == s[i])
		i++;
	return i == n && name[i] == '\0';
}

static size_t span(const char *s, size_t n, const char *stops)
{
	size_t i = 0;
	for (; i < n; i++)
		for (const char *p = stops; *p; p++)
			if (s[i] == *p)
				return i;
	return i;
}

static bool number(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	if (n == 0 || n > 19)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return true;
}

static int refuse(char *err, size_t errlen, const char *what, const char *s, size_t n)
{
	struct text t = { err, errlen, 0 };
	put(&t, what);
	put(&t, " '");
	put_n(&t, s, n);
	put(&t, "'");
	return -1;
}

static const struct kind *find_kind(const char *s, size_t n)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (same(kinds[i].name, s, n))
			return &kinds[i];
	return NULL;
}

static const struct key *find_key(const struct kind *kd, const char *s, size_t n)
{
	for (size_t i = 0; i < NKEYS; i++)
		if ((kd->keys & keys[i].bit) && same(keys[i].name, s, n))
			return &keys[i];
	return NULL;
}

static void set_defaults(const struct kind *kd, struct gen_spec *s)
{
	*s = (struct gen_spec){ .kind = kd->kind, .pages = kd->pages, .len = kd->len, .seed = 1,
				.hot = 50, .phase = 2000, .local = 90, .writes = 0 };
}

/* One K=V item into s (seen: the K_* given so far). */
static int parse_item(const char *s, size_t n, const struct kind *kd, struct gen_spec *g,
		      unsigned *seen, char *err, size_t errlen)
{
	size_t k = span(s, n, "=");
	const struct key *key = k < n ? find_key(kd, s, k) : NULL;
	uint64_t v;
	if (k == n)
		return refuse(err, errlen, "a workload key needs K=V, not", s, n);
	if (!key)
		return refuse(err, errlen, "unknown key for this workload:", s, k);
	if (*seen & key->bit)
		return refuse(err, errlen, "key given twice:", s, k);
	if (!number(s + k + 1, n - k - 1, &v) || v < key->min || v > key->max) {
		struct text t = { err, errlen, 0 };
		put(&t, key->name);
		put(&t, " wants a number from ");
		put_num(&t, key->min);
		put(&t, " to ");
		put_num(&t, key->max);
		put(&t, ", not '");
		put_n(&t, s + k + 1, n - k - 1);
		put(&t, "'");
		return -1;
	}
	*seen |= key->bit;
	*field(g, key) = v;
	return 0;
}

static void put_kinds(struct text *t)
{
	for (size_t i = 0; i < NKINDS; i++) {
		put(t, i ? ", " : "");
		put(t, kinds[i].name);
	}
}

int gen_parse(const char *text, size_t len, struct gen_spec *out, char *err, size_t errlen)
{
	size_t n = span(text, len, ": \t");
	const struct kind *kd = find_kind(text, n);
	struct gen_spec g;
	unsigned seen = 0;
	if (errlen)
		err[0] = '\0';
	if (!kd) {
		struct text t = { err, errlen, 0 };
		put(&t, "unknown workload '");
		put_n(&t, text, n);
		put(&t, "' (");
		put_kinds(&t);
		put(&t, ")");
		return -1;
	}
	set_defaults(kd, &g);
	for (size_t at = n < len ? n + 1 : n; at < len;) {
		if (text[at] == ',' || text[at] == ' ' || text[at] == '\t') {
			at++;
			continue;
		}
		size_t m = span(text + at, len - at, ", \t");
		if (parse_item(text + at, m, kd, &g, &seen, err, errlen) < 0)
			return -1;
		at += m;
	}
	if (!(seen & K_HOT) && g.hot > g.pages)
		g.hot = g.pages;
	if (g.kind == GEN_SHIFT && g.hot > g.pages) {
		struct text t = { err, errlen, 0 };
		put(&t, "the hot set (hot=");
		put_num(&t, g.hot);
		put(&t, ") is larger than the pages (pages=");
		put_num(&t, g.pages);
		put(&t, ")");
		return -1;
	}
	*out = g;
	return 0;
}

void gen_format(const struct gen_spec *s, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };
	const struct kind *kd = &kinds[0];
	for (size_t i = 0; i < NKINDS; i++)
		if (kinds[i].kind == s->kind)
			kd = &kinds[i];
	put(&t, kd->name);
	for (size_t i = 0, first = 1; i < NKEYS; i++) {
		if (!(kd->keys & keys[i].bit))
			continue;
		put(&t, first ? ":" : ",");
		put(&t, keys[i].name);
		put(&t, "=");
		put_num(&t, *field((struct gen_spec *)s, &keys[i]));
		first = 0;
	}
}
