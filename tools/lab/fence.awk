# fence.awk - one source file through the lab fences (docs/teaching.md).
#
#   awk -v strip="buddy slab" -f fence.awk FILE   the file with those labs'
#                                                 fences replaced by stubs
#   awk -v check=1 -f fence.awk FILE...           only check the fences;
#                                                 print "LAB FILE:LINE TASK"
#                                                 per fence
#
# A fence is three kinds of whole-line comments, never nested:
#   /* LAB name: the task, one line */        opens it (BEGIN)
#   /* LAB name STUB: C code of the stub */   zero or more, inside
#   /* LAB name END */                        closes it
# Stripping lab `name` turns BEGIN into "/* TODO(lab name): the task */",
# drops every line up to END but the STUB lines, which lose their comment
# marks and become code, and drops END. Other labs' fences are copied.
# Any misuse (a fence left open, END or STUB outside one, another lab's
# marker inside one, an empty task) is an error naming FILE:LINE; the
# exit status is then 1 and the output must not be used.

function err(msg) {
	printf "%s:%d: lab fence: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	bad = 1
}

# The marker on this line: sets kind ("begin", "stub", "end", ""), lab,
# text (the task or the stub's code) and indent.
function parse(line,    s, i, rest) {
	kind = ""
	if (line !~ /^[ \t]*\/\* LAB [a-z0-9_]+[: ]/)
		return
	i = index(line, "/*")
	indent = substr(line, 1, i - 1)
	s = substr(line, i + 7)         # after "/* LAB "
	match(s, /^[a-z0-9_]+/)
	lab = substr(s, 1, RLENGTH)
	rest = substr(s, RLENGTH + 1)
	if (rest ~ /^: .*\*\/[ \t]*$/) {
		kind = "begin"
	} else if (rest ~ /^ STUB: .*\*\/[ \t]*$/) {
		kind = "stub"
		rest = substr(rest, 8)
	} else if (rest ~ /^ END \*\/[ \t]*$/) {
		kind = "end"
		return
	} else {
		err("malformed marker: " line)
		return
	}
	if (kind == "begin")
		rest = substr(rest, 3)
	sub(/[ \t]*\*\/[ \t]*$/, "", rest)
	text = rest
}

function stripped(name) {
	return (" " strip " ") ~ (" " name " ")
}

BEGIN { open_lab = "" }

FNR == 1 && open_lab != "" {
	bad = 1
	printf "%s: lab fence: fence of lab %s opened at line %d is never closed\n",
	       open_file, open_lab, open_line > "/dev/stderr"
	open_lab = ""
}

{
	parse($0)
	if (kind == "begin") {
		if (open_lab != "")
			err("fence of lab " lab " opened inside the fence of lab " open_lab " (line " open_line ")")
		if (text == "")
			err("fence of lab " lab " has no task")
		open_lab = lab; open_line = FNR; open_file = FILENAME
		cut = stripped(lab)
		if (check)
			printf "%s %s:%d %s\n", lab, FILENAME, FNR, text
		else if (cut)
			print indent "/* TODO(lab " lab "): " text " */"
		else
			print
		next
	}
	if (kind == "stub" || kind == "end") {
		if (open_lab == "") {
			err("LAB " lab " " toupper(kind) " outside any fence")
			next
		}
		if (lab != open_lab)
			err("LAB " lab " " toupper(kind) " inside the fence of lab " open_lab)
		if (kind == "end")
			open_lab = ""
		if (check)
			next
		if (!cut)
			print
		else if (kind == "stub")
			print indent text
		next
	}
	if (!check && !(open_lab != "" && cut))
		print
}

END {
	if (open_lab != "") {
		bad = 1
		printf "%s: lab fence: fence of lab %s opened at line %d is never closed\n",
		       open_file, open_lab, open_line > "/dev/stderr"
	}
	exit bad
}
