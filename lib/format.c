/*
 * format.c - a small vsnprintf for the kernel.
 *
 * Supports what kernel messages need: %d %i %u %x %X %p %s %c %%, the
 * length modifiers l, ll, z and h (ignored), a field width, '0' and '-'
 * flags, and '#' (0x prefix). Output is truncated to the buffer and always
 * NUL-terminated when size > 0; the return value is the length the full
 * output would have had (as in C99), so callers can detect truncation.
 * Pure: no I/O, no global state, so host tests compile it unchanged.
 * Not supported: floating point, precision, positional arguments.
 */
#include <stdint.h>
#include <stdbool.h>
#include "format.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	int width;
	bool zero, left, alt;
	int lng;       /* 0: int, 1: long, 2: long long */
};

static void pad(struct out *o, int n, char c)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	int n = 0;
	if (!s)
		s = "(null)";
	while (s[n])
		n++;
	if (!sp->left)
		pad(o, sp->width - n, ' ');
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, sp->width - n, ' ');
}

static void put_num(struct out *o, uint64_t v, bool neg, unsigned base,
		    bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int prefix = neg ? 1 : (sp->alt && base == 16) ? 2 : 0;
	int fill = sp->width - n - prefix;
	if (!sp->left && !sp->zero)
		pad(o, fill, ' ');
	if (neg)
		put(o, '-');
	if (prefix == 2) {
		put(o, '0');
		put(o, upper ? 'X' : 'x');
	}
	if (!sp->left && sp->zero)
		pad(o, fill, '0');
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, fill, ' ');
}

static const char *parse_spec(const char *f, struct spec *sp)
{
	*sp = (struct spec){0};
	for (;; f++) {
		if (*f == '0') sp->zero = true;
		else if (*f == '-') sp->left = true;
		else if (*f == '#') sp->alt = true;
		else break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	for (;; f++) {
		if (*f == 'l') sp->lng++;
		else if (*f == 'z') sp->lng = 1;
		else if (*f != 'h') break;
	}
	return f;
}

static uint64_t arg_unsigned(va_list *ap, int lng)
{
	return lng ? va_arg(*ap, unsigned long long) : va_arg(*ap, unsigned int);
}

static int64_t arg_signed(va_list *ap, int lng)
{
	return lng ? va_arg(*ap, long long) : va_arg(*ap, int);
}

static void format_one(struct out *o, char conv, struct spec *sp, va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, sp->lng);
		put_num(o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, sp);
		break;
	}
	case 'u': put_num(o, arg_unsigned(ap, sp->lng), false, 10, false, sp); break;
	case 'x': put_num(o, arg_unsigned(ap, sp->lng), false, 16, false, sp); break;
	case 'X': put_num(o, arg_unsigned(ap, sp->lng), false, 16, true, sp); break;
	case 'p':
		sp->alt = true;
		put_num(o, (uintptr_t)va_arg(*ap, void *), false, 16, false, sp);
		break;
	case 's': put_str(o, va_arg(*ap, const char *), sp); break;
	case 'c': put(o, (char)va_arg(*ap, int)); break;
	case '%': put(o, '%'); break;
	default:  put(o, '%'); put(o, conv); break;
	}
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list args;
	va_copy(args, ap);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		struct spec sp;
		f = parse_spec(f + 1, &sp);
		if (!*f)
			break;
		format_one(&o, *f, &sp, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
