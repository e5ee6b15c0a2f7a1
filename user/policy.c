/*
 * policy [NAME [K=V ...]] - the replacement policy at run time.
 *
 *   policy                 lists the policies of mm's table (MM_POLICY_INFO):
 *                          name, summary, and each parameter with its
 *                          default and range; `*` marks the active one,
 *                          whose parameters show the values in use; the
 *                          last line is the active choice as text:
 *                            active: wsclock:tau=50
 *   policy NAME [K=V ...]  switches every pool to NAME with those
 *                          parameters (the rest at their defaults; also
 *                          written NAME:K=V,K=V) - MM_POLICY, which hands
 *                          every resident frame to the new policy:
 *                            policy: now fifo (was clock), 123 frames handed over
 *                          A bad name or parameter changes nothing; mm's
 *                          reason is printed and the exit status is 2:
 *                            policy: unknown policy 'lru'; nothing changed
 *
 * docs/policies.md describes the policies and their parameters.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/about.h>

PAGODA_ABOUT("shows or switches the replacement policy: policy [NAME [K=V ...]]");

typedef unsigned long long ull;

static void print_param(const struct mm_policy_param_info *p, bool active)
{
	if (active)
		printf("             %s = %llu (default %llu, %llu..%llu): %s\n", p->name, (ull)p->value,
		       (ull)p->def, (ull)p->min, (ull)p->max, p->meaning);
	else
		printf("             %s: default %llu, %llu..%llu: %s\n", p->name, (ull)p->def,
		       (ull)p->min, (ull)p->max, p->meaning);
}

/* The active choice as text ("clock", "wsclock:tau=50"), from MM_VMSTAT. */
static const char *active_text(void)
{
	static struct mm_vmstat_info v;
	return mm_vmstat_get(0, &v) == 0 ? v.policy_text : "?";
}

static int list(void)
{
	static struct mm_policy_info info;
	unsigned count = 1;
	printf("policies (* = active):\n");
	for (unsigned i = 0; i < count; i++) {
		int err = mm_policy_info(i, &info, &count, NULL);
		if (err < 0) {
			printf("policy: MM_POLICY_INFO %u failed: %s\n", i, pagoda_strerror(err));
			return 1;
		}
		printf("%c %-10s %s\n", info.active ? '*' : ' ', info.name, info.summary);
		for (unsigned k = 0; k < info.nparams && k < MM_POLICY_PARAMS; k++)
			print_param(&info.param[k], info.active);
	}
	printf("active: %s\n", active_text());
	return 0;
}

static int set(int argc, char **argv)
{
	char text[256] = "", why[MM_POLICY_WHY_MAX], was[MM_POLICY_TEXT_MAX];
	uint64_t frames = 0;
	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strncat(text, " ", sizeof text - strlen(text) - 1);
		strncat(text, argv[i], sizeof text - strlen(text) - 1);
	}
	snprintf(was, sizeof was, "%s", active_text());
	int err = mm_policy_set(text, why, sizeof why, &frames);
	if (err == -ERR_INVAL) {
		printf("policy: %s; nothing changed\n", why[0] ? why : "refused");
		return 2;
	}
	if (err < 0) {
		printf("policy: MM_POLICY failed: %s\n", pagoda_strerror(err));
		return 1;
	}
	printf("policy: now %s (was %s), %llu frames handed over\n", active_text(), was, (ull)frames);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 1)
		return list();
	if (argv[1][0] == '-') {
		printf("usage: policy [NAME [K=V ...]]   (no arguments: list the policies)\n");
		return 2;
	}
	return set(argc, argv);
}
