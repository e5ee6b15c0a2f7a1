# grade.awk - the rubric half of tools/lab/grade.sh (docs/teaching.md,
# "Grading"). Three modes, chosen by -v mode=:
#
#   validate  read a rubric (FILE); print it normalized, one test a line:
#             "points part suite test line" (tab-separated). -v hosts="a b"
#             is the list of host suites (HOST_TESTS). Every bad line is an
#             error naming FILE:LINE; the exit status is then 2.
#   score     read a normalized rubric; look each test up in the TAP files
#             of -v dir= (host-X.tap and its .raw for suite test_X,
#             qemu.tap for qemu); print the graded rubric and write -v
#             json= (Gradescope's results.json), -v frag= (the tests as
#             JSON objects named "LAB: suite: test", one a line, no commas, for the
#             all-labs file) and -v summary= (score, max, counts).
#             -v missing= is a file of "file:line: task" lines (the
#             TODO(lab X) left in the tree); -v hostonly=1 leaves the
#             qemu tests out of the score.
#   jstring   print the whole input as one JSON string.
#
# A rubric line is "points part suite test"; '#' starts a comment line.
# A test passes only on an "ok" line naming it (a "# SKIP" proves nothing
# and fails); a test with no line at all fails with "no result".

function jesc(s,    out, i, c, n) {
	gsub(/\\/, "&&", s)           # "&&": the backslash twice, in any awk
	gsub(/"/, "\\\"", s)
	gsub(/\t/, "\\t", s)
	gsub(/\r/, "\\r", s)
	gsub(/\n/, "\\n", s)
	if (s !~ CTRL)
		return s
	out = ""
	n = length(s)
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		out = out ((c in CODE) ? sprintf("\\u%04x", CODE[c]) : c)
	}
	return out
}

function rerr(msg) {
	printf "%s:%d: rubric: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	bad = 1
}

function emit(line) {
	text = text line "\n"
	print line
}

# ---- TAP files: read once per suite into RES[suite SUBSEP test] ----------

function tap_file(suite) {
	return suite == "qemu" ? dir "/qemu.tap" : dir "/host-" substr(suite, 6) ".tap"
}

# The file to look at when a suite left no line for a test: what its
# suite-level verdict points at ("(see FILE)"), else its TAP file.
function see_file(suite,    f) {
	f = tap_file(suite)
	if (NOTE[suite] ~ /\(see [^)]*\)/) {
		match(NOTE[suite], /\(see [^)]*\)/)
		return substr(NOTE[suite], RSTART + 5, RLENGTH - 6)
	}
	if (!(suite in SEEN))
		return f ", which does not exist"
	if (suite != "qemu" && (getline junk < (f ".err")) > 0) {
		close(f ".err")
		return f ".err"
	}
	close(f ".err")
	return f
}

function note(suite, s) {
	if (!(suite in NOTE))
		NOTE[suite] = s
}

function load(suite,    f, line, rest, name, m) {
	if (suite in LOADED)
		return
	LOADED[suite] = 1
	f = tap_file(suite)
	while ((getline line < f) > 0) {
		SEEN[suite] = 1
		if (line !~ /^(not )?ok( [0-9]+)? - /)
			continue
		m = line ~ /^ok/ ? "ok" : "not ok"
		rest = line
		sub(/^(not )?ok( [0-9]+)? - /, "", rest)
		if (index(rest, suite ": ") != 1) {
			note(suite, rest)
			continue
		}
		rest = substr(rest, length(suite) + 3)
		match(rest, /^[A-Za-z0-9_]+/)
		name = substr(rest, 1, RLENGTH)
		rest = substr(rest, RLENGTH + 1)
		if (name == "") {
			note(suite, rest)
			continue
		}
		if (suite == "qemu") {
			if (rest ~ /^ # SKIP/) {
				m = "not ok"
				WHY[suite, name] = "skipped: " substr(rest, 9) " (a skipped test proves nothing)"
			} else if (rest ~ /^: /) {
				WHY[suite, name] = substr(rest, 3)
			} else if (rest != "") {
				note(suite, name rest)
				continue
			}
		} else if (rest != "") {
			note(suite, name rest)
			continue
		}
		RES[suite, name] = m
	}
	close(f)
	if (suite != "qemu")
		load_raw(suite, f ".raw")
}

# cmocka's own TAP (the .raw file): a failed test's "# " lines follow its
# "not ok" line; what LAB_MISSING and cmocka's fail_msg ("ERROR: ...",
# stderr merged in by run-host-test.sh) printed comes before it.
function load_raw(suite, f,    line, cur, said, name) {
	cur = ""
	said = ""
	while ((getline line < f) > 0) {
		if (line ~ /^(not )?ok [0-9]+ - /) {
			name = line
			sub(/^(not )?ok [0-9]+ - /, "", name)
			cur = line ~ /^not / ? name : ""
			if (cur != "")
				RAW[suite, cur] = said
			said = ""
		} else if (line ~ /^# / && line !~ /^# (not )?ok - / && cur != "") {
			RAW[suite, cur] = RAW[suite, cur] (RAW[suite, cur] == "" ? "" : "; ") substr(line, 3)
		} else if (line ~ /^LAB [a-z0-9_]+: .* is not written yet/ || line ~ /^ERROR: /) {
			said = said (said == "" ? "" : "; ") line
		}
	}
	close(f)
}

# The last line a host suite wrote on stderr (a crash, a stubbed
# victim the simulator refuses), for a test its end left without a result.
function last_words(suite,    f, line, last) {
	if (suite == "qemu")
		return ""
	f = tap_file(suite) ".err"
	last = ""
	while ((getline line < f) > 0)
		if (line != "" && line !~ /^grade: /)
			last = line
	close(f)
	return last == "" ? "" : "; its last words: " last
}

# What a failed QEMU test's log (named "(log: FILE)" in its reason) says
# of the cause, before the test's own "no line matches" list: the lines a
# handout's stubs print (LAB ...), mm's refusals to start, a panic.
function log_says(why,    f, line, said, n) {
	if (!match(why, /\(log: [^)]*\)/))
		return ""
	f = substr(why, RSTART + 6, RLENGTH - 7)
	said = ""
	while (n < 4 && (getline line < f) > 0) {
		sub(/\r$/, "", line)
		if (line ~ /^LAB [a-z0-9_]+: .* is not written yet|^mm: cannot |PANIC/) {
			said = said (said == "" ? "" : "; ") line
			n++
		}
	}
	close(f)
	return said == "" ? "" : "the log says: " said "; the test: "
}

function reason(suite, name,    r, f) {
	if (!((suite, name) in RES))
		return "no result: its suite crashed or did not run (see " see_file(suite) ")" last_words(suite)
	if (suite == "qemu")
		return WHY[suite, name] == "" ? "failed" : log_says(WHY[suite, name]) WHY[suite, name]
	f = tap_file(suite) ".raw"
	r = RAW[suite, name]
	return r == "" ? "failed (see " f ")" : r " (see " f ")"
}

# ---- modes -------------------------------------------------------------------

BEGIN {
	FS = "\t"
	for (i = 1; i < 32; i++)
		if (i != 9 && i != 10 && i != 13)
			CODE[sprintf("%c", i)] = i
	CODE[sprintf("%c", 127)] = 127
	CTRL = "[" sprintf("%c", 1) "-" sprintf("%c", 31) sprintf("%c", 127) "]"
	if (mode == "validate") {
		FS = "[ \t]+"
		n = split(hosts, h, " ")
		for (i = 1; i <= n; i++)
			HOST["test_" h[i]] = 1
	}
}

mode == "jstring" {
	text = text (NR > 1 ? "\n" : "") $0
	next
}

mode == "validate" {
	line = $0
	sub(/^[ \t]+/, "", line)
	sub(/[ \t]+$/, "", line)
	if (line == "" || line ~ /^#/)
		next
	n = split(line, f, /[ \t]+/)
	if (n != 4) {
		rerr("expected 4 fields (points part suite test), got " n ": " line)
		next
	}
	if (f[1] !~ /^[0-9]+$/ || f[1] + 0 == 0)
		rerr("points must be a whole number above 0, not '" f[1] "'")
	if (f[2] != "functionality" && f[2] != "robustness")
		rerr("unknown part '" f[2] "' (the parts are functionality and robustness)")
	if (f[3] != "qemu" && !(f[3] in HOST))
		rerr("unknown suite '" f[3] "' (a suite is qemu, or test_NAME for a NAME in HOST_TESTS)")
	if (f[4] !~ /^[A-Za-z0-9_]+$/)
		rerr("bad test name '" f[4] "'")
	if ((f[3], f[4]) in DUP)
		rerr("test " f[3] ": " f[4] " is listed twice (line " DUP[f[3], f[4]] ")")
	DUP[f[3], f[4]] = FNR
	total += f[1]
	if (f[2] == "robustness")
		robust += f[1]
	out[++tests] = f[1] "\t" f[2] "\t" f[3] "\t" f[4] "\t" FNR
	next
}

mode == "score" {
	P[NR] = $1; PART[NR] = $2; S[NR] = $3; T[NR] = $4
	next
}

END {
	if (mode == "jstring") {
		printf "\"%s\"", jesc(text)
		exit 0
	}
	if (mode == "validate") {
		if (!bad && tests == 0) {
			printf "%s: rubric: no tests\n", FILENAME > "/dev/stderr"
			bad = 1
		}
		if (!bad && robust * 100 < total * 15) {
			printf "%s: rubric: robustness has %d of the %d points; it needs at least 15 %%\n",
			       FILENAME, robust, total > "/dev/stderr"
			bad = 1
		}
		if (bad)
			exit 2
		for (i = 1; i <= tests; i++)
			print out[i]
		exit 0
	}
	score_all()
}

function score_all(    i, got, max, st, why, rest, js, jf, nparts, pn, pg, skipped, skipped_pts, nmiss, line, failed, nores) {
	emit("Lab " lab ": " title " (" rubric ")")
	js = ""
	for (i = 1; i <= NR; i++) {
		if (hostonly && S[i] == "qemu") {
			skipped++
			skipped_pts += P[i]
			continue
		}
		load(S[i])
		if (((S[i], T[i]) in RES) && RES[S[i], T[i]] == "ok") {
			st = "PASS"; got = P[i]; why = ""
		} else {
			st = "FAIL"; got = 0; why = reason(S[i], T[i])
			failed++
			if (why ~ /^no result/)
				nores++
		}
		emit(sprintf("%s %3d/%-3d %-13s %s: %s", st, got, P[i], PART[i], S[i], T[i]))
		if (why != "")
			emit("              why: " why)
		score += got
		max += P[i]
		pg[PART[i]] += got
		pn[PART[i]] += P[i]
		rest = sprintf(",\"score\":%d,\"max_score\":%d,\"status\":\"%s\",\"output\":\"%s\"}",
			       got, P[i], st == "PASS" ? "passed" : "failed", jesc(why))
		js = js (js == "" ? "" : ",\n") "{\"name\":\"" jesc(S[i] ": " T[i]) "\"" rest
		jf = jf (jf == "" ? "" : "\n") "{\"name\":\"" jesc(lab ": " S[i] ": " T[i]) "\"" rest
	}
	if (skipped)
		emit("(not run, host suites only: " skipped " QEMU test" (skipped > 1 ? "s" : "") ", " skipped_pts " points)")
	if ("functionality" in pn)
		emit(sprintf("functionality %d/%d", pg["functionality"], pn["functionality"]))
	if ("robustness" in pn)
		emit(sprintf("robustness    %d/%d", pg["robustness"], pn["robustness"]))
	nmiss = 0
	while ((getline line < missing) > 0)
		MISS[++nmiss] = line
	close(missing)
	if (nmiss == 0) {
		emit("Missing: nothing (no TODO(lab " lab ") in the tree)")
	} else {
		emit("Missing: " nmiss " TODO(lab " lab ") still in the tree:")
		for (i = 1; i <= nmiss; i++)
			emit("  " MISS[i])
	}
	emit(sprintf("Score: %d/%d", score, max))
	printf "{\"score\":%d,\"max_score\":%d,\"output\":\"%s\",\"tests\":[\n%s\n]}\n",
	       score, max, jesc(text), js > json
	if (jf != "")
		printf "%s\n", jf > frag
	else
		printf "" > frag
	printf "score %d\nmax %d\nfailed %d\nnoresult %d\nmissing %d\n",
	       score, max, failed, nores, nmiss > summary
}
