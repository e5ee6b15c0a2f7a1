/*
 * hello - prints a greeting and its arguments through the C library.
 * Exercises printf (newlib stdio over SYS_WRITE), malloc (over _sbrk) and
 * SSE (a double formatted by printf).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/about.h>

PAGODA_ABOUT("prints a greeting and its arguments");

int main(int argc, char **argv)
{
	printf("hello, world from %s\n", argv[0]);
	for (int i = 1; i < argc; i++)
		printf("hello: argv[%d] = '%s'\n", i, argv[i]);
	char *copy = malloc(64);
	if (!copy)
		return 1;
	strcpy(copy, "the heap works");
	double third = 1.0 / 3.0;
	printf("hello: %s; 1/3 = %.6f\n", copy, third);
	free(copy);
	return 0;
}
