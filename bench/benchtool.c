/*
 * benchtool - turn compare.sh's raw measurements into figures: a terminal
 * table, a JSON file and an SVG chart. Kept in C (no python, no gnuplot) so
 * that `make bench` needs nothing beyond the build dependencies.
 *
 *	benchtool check RAW                        statuses only; exit 1 on a fault
 *	benchtool report RAW OUT.json OUT.svg [key=value...]
 *
 * Both exit 1 when a row has a fault (see fault() below): a WRONG checksum,
 * a run that failed (crash, timeout, failed self-check), a row bt86 ran
 * under no engine, or "unsupported" from bt86 on a row not listed in the
 * environment variable BENCH_EXPECT_UNSUPPORTED (comma-separated names).
 *
 * RAW is tab-separated, one record a line:
 *	E  engine label                    an engine, in report order (first)
 *	M  name kind                       a benchmark starts (kind int|x87|sys)
 *	S  name engine status message      ok | absent | unsupported | failed | WRONG
 *	R  name engine N t(N) t(2N) sum(N) sum(2N)   one timed repetition
 * The time per iteration of one repetition is (t(2N) - t(N)) / N: whatever a
 * process pays once (loading, booting the BIOS, translating) cancels. The
 * figure reported is the median over repetitions, with its spread.
 *
 * Engines are named by compare.sh: native-i686 (the guest's own code as an
 * i386 Linux program: the baseline of "x native"), native-host (the same C
 * built for the host with glibc), bt86-NAME (one per backend) and qemu.
 * Over the integer programs the report gives each engine's geometric mean
 * ratio to native i686 and to QEMU, next to issue 19's targets for bt86.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BENCH 64
#define MAX_REPS 64
#define MAX_ENG 12

/* Issue 19's targets for a bt86 backend, over the integer programs. */
#define TARGET_X_NATIVE 3.0	/* geometric mean within 3x of native i686 */
#define TARGET_X_QEMU 0.5	/* geometric mean at least 2x faster than QEMU */

static char eng_id[MAX_ENG][32], eng_label[MAX_ENG][48];
static const char *eng_color[MAX_ENG];
static int neng;
/* The reference engines' indices, -1 when the raw file has none. */
static int e_i686 = -1, e_host = -1, e_qemu = -1;

struct result {
	char status[16];	/* "" until an S line says */
	char msg[256];
	unsigned long n;
	int reps;
	double per_iter[MAX_REPS];
	char sum[2][16];
	int inconsistent;	/* a checksum changed between repetitions */
	double med, spread;	/* seconds per iteration; +-% (half the range) */
	int timed;
};

struct bench {
	char name[32], kind[8];
	struct result r[MAX_ENG];
};

static struct bench benches[MAX_BENCH];
static const char *clock_name = "wall";	/* compare.sh's BENCH_CLOCK */
static int nbench;

static int eng_index(const char *id)
{
	for (int i = 0; i < neng; i++)
		if (!strcmp(id, eng_id[i]))
			return i;
	return -1;
}

static struct bench *find_bench(const char *name)
{
	for (int i = 0; i < nbench; i++)
		if (!strcmp(benches[i].name, name))
			return &benches[i];
	return NULL;
}

static int is_bt86(int e)
{
	return !strncmp(eng_id[e], "bt86-", 5);
}

/* The reference engines, and a colour per engine for the chart. */
static void assign_roles(void)
{
	static const char *const bt86_colors[] = { "#d95f02", "#1b9e77", "#e7298a", "#66a61e",
						    "#e6ab02", "#a6761d" };
	int k = 0;

	e_i686 = eng_index("native-i686");
	e_host = eng_index("native-host");
	e_qemu = eng_index("qemu");
	for (int e = 0; e < neng; e++) {
		if (e == e_i686)
			eng_color[e] = "#333333";
		else if (e == e_host)
			eng_color[e] = "#aaaaaa";
		else if (e == e_qemu)
			eng_color[e] = "#7570b3";
		else
			eng_color[e] = bt86_colors[k++ % 6];
	}
}

/* Split LINE in place at tabs into at most MAX fields. */
static int split(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\n")] = 0;
	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = 0;
	}
	return n;
}

static int load(const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[1024], *f[8];
	int lineno = 0;

	if (!fp) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		int nf = split(line, f, 8), e;
		struct bench *b;

		lineno++;
		if (nf >= 3 && !strcmp(f[0], "E")) {
			if (nbench || neng == MAX_ENG || eng_index(f[1]) >= 0)
				goto bad;
			snprintf(eng_id[neng], sizeof(eng_id[neng]), "%s", f[1]);
			snprintf(eng_label[neng], sizeof(eng_label[neng]), "%s", f[2]);
			neng++;
			continue;
		}
		if (nf >= 3 && !strcmp(f[0], "M")) {
			if (nbench == MAX_BENCH || find_bench(f[1]))
				goto bad;
			b = &benches[nbench++];
			snprintf(b->name, sizeof(b->name), "%s", f[1]);
			snprintf(b->kind, sizeof(b->kind), "%s", f[2]);
			continue;
		}
		if (nf < 4 || !(b = find_bench(f[1])) || (e = eng_index(f[2])) < 0)
			goto bad;
		if (!strcmp(f[0], "S")) {
			snprintf(b->r[e].status, sizeof(b->r[e].status), "%s", f[3]);
			snprintf(b->r[e].msg, sizeof(b->r[e].msg), "%s", nf > 4 ? f[4] : "");
		} else if (!strcmp(f[0], "R") && nf == 8) {
			struct result *r = &b->r[e];
			unsigned long n = strtoul(f[3], NULL, 10);

			if (!n || r->reps == MAX_REPS)
				goto bad;
			if (r->reps && (strcmp(r->sum[0], f[6]) || strcmp(r->sum[1], f[7])))
				r->inconsistent = 1;
			r->n = n;
			snprintf(r->sum[0], sizeof(r->sum[0]), "%s", f[6]);
			snprintf(r->sum[1], sizeof(r->sum[1]), "%s", f[7]);
			r->per_iter[r->reps++] = (atof(f[5]) - atof(f[4])) / (double)n;
		} else {
			goto bad;
		}
	}
	fclose(fp);
	assign_roles();
	return 0;
bad:
	fprintf(stderr, "%s:%d: malformed record\n", path, lineno);
	fclose(fp);
	return -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void summarize(void)
{
	for (int i = 0; i < nbench; i++)
		for (int e = 0; e < neng; e++) {
			struct result *r = &benches[i].r[e];
			double v[MAX_REPS];

			if (!r->reps || strcmp(r->status, "ok"))
				continue;
			memcpy(v, r->per_iter, sizeof(double) * r->reps);
			qsort(v, r->reps, sizeof(double), cmp_double);
			r->med = r->reps % 2 ? v[r->reps / 2] :
					       (v[r->reps / 2 - 1] + v[r->reps / 2]) / 2;
			if (r->med <= 0) {
				/* Noise larger than the work: say so, never a ratio. */
				snprintf(r->status, sizeof(r->status), "noisy");
				snprintf(r->msg, sizeof(r->msg),
					 "t(2N) - t(N) <= 0 at N=%lu: raise TARGET", r->n);
				continue;
			}
			r->spread = (v[r->reps - 1] - v[0]) / 2 / r->med * 100;
			r->timed = 1;
			if (r->inconsistent) {
				snprintf(r->status, sizeof(r->status), "WRONG");
				snprintf(r->msg, sizeof(r->msg),
					 "checksum changed between repetitions at N=%lu", r->n);
				r->timed = 0;
			}
		}
}

/* Ratio of engine e's time to engine base's, or 0 when either is missing. */
static double ratio(const struct bench *b, int e, int base)
{
	if (base < 0 || e == base || !b->r[e].timed || !b->r[base].timed)
		return 0;
	return b->r[e].med / b->r[base].med;
}

/*
 * Engine e over the integer programs: the geometric mean of its ratio to
 * engine base, over the programs where both were timed (*count of them);
 * *faster counts those where e took less time than base. 0 when none.
 */
static double int_geomean(int e, int base, int *count, int *faster)
{
	double logsum = 0;
	int n = 0, f = 0;

	for (int i = 0; i < nbench; i++) {
		double r;

		if (strcmp(benches[i].kind, "int") || !(r = ratio(&benches[i], e, base)))
			continue;
		logsum += log(r);
		n++;
		f += r < 1;
	}
	if (count)
		*count = n;
	if (faster)
		*faster = f;
	return n ? exp(logsum / n) : 0;
}

static int int_programs(void)
{
	int n = 0;

	for (int i = 0; i < nbench; i++)
		n += !strcmp(benches[i].kind, "int");
	return n;
}

static const char *fmt_time(char *buf, size_t size, double s)
{
	if (s < 1e-6)
		snprintf(buf, size, "%.1f ns", s * 1e9);
	else if (s < 1e-3)
		snprintf(buf, size, "%.2f us", s * 1e6);
	else
		snprintf(buf, size, "%.2f ms", s * 1e3);
	return buf;
}

static const char *fmt_ratio(char *buf, size_t size, double r)
{
	if (r <= 0)
		snprintf(buf, size, "-");
	else if (r < 10)
		snprintf(buf, size, "%.2f", r);
	else if (r < 100)
		snprintf(buf, size, "%.1f", r);
	else
		snprintf(buf, size, "%.0f", r);
	return buf;
}

/* NAME is in the comma-separated list LIST. */
static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p; p += strcspn(p, ",")) {
		p += *p == ',';
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return 1;
	}
	return 0;
}

/*
 * Why engine e's result on benchmark b must fail the run, or NULL. Only a
 * status that proves the engine and the runner work passes: "ok" (and
 * "noisy", a timing verdict), "absent" (no such engine here: a missing
 * QEMU or native twin, a backend not built), and "unsupported" where it is
 * expected. A crash or timeout is "failed", and must never pass silently.
 */
static const char *fault(const struct bench *b, int e)
{
	const char *st = b->r[e].status;

	if (!st[0])
		return "not run (the runner lost this engine)";
	if (!strcmp(st, "WRONG") || !strcmp(st, "failed"))
		return st;
	if (!strcmp(st, "unsupported") && is_bt86(e) &&
	    !listed(getenv("BENCH_EXPECT_UNSUPPORTED"), b->name))
		return "unsupported, and not in BENCH_EXPECT_UNSUPPORTED";
	if (!strcmp(st, "ok") || !strcmp(st, "noisy") || !strcmp(st, "absent") ||
	    !strcmp(st, "unsupported"))
		return NULL;
	return "unknown status";
}

/* Row b's fault that no single engine shows: bt86 did not run it at all. */
static const char *row_fault(const struct bench *b)
{
	for (int e = 0; e < neng; e++)
		if (is_bt86(e) && strcmp(b->r[e].status, "absent"))
			return NULL;
	return "no bt86 engine was run";
}

/* Print every fault; returns 1 if there is one. */
static int report_faults(void)
{
	int bad = 0;

	for (int i = 0; i < nbench; i++) {
		const struct bench *b = &benches[i];
		const char *why;

		for (int e = 0; e < neng; e++)
			if ((why = fault(b, e))) {
				printf("  FAIL %s under %s: %s: %s\n", b->name, eng_id[e], why,
				       b->r[e].msg[0] ? b->r[e].msg : "-");
				bad = 1;
			}
		if ((why = row_fault(b))) {
			printf("  FAIL %s: %s\n", b->name, why);
			bad = 1;
		}
	}
	return bad;
}

static const char *fmt_geomean(char *buf, size_t size, double g, int n, int total)
{
	char r[16];

	if (n == total || !n)
		return fmt_ratio(buf, size, g);
	snprintf(buf, size, "%s (%d of %d)", fmt_ratio(r, sizeof(r), g), n, total);
	return buf;
}

/* "x x86_64": the host twin's column is named after the host. */
static const char *host_column(void)
{
	static char buf[48];

	snprintf(buf, sizeof(buf), "x %s", e_host < 0 ? "host" :
		 strncmp(eng_label[e_host], "native ", 7) ? eng_label[e_host] : eng_label[e_host] + 7);
	return buf;
}

/* The integer geometric means, and where a bt86 backend stands to the targets. */
static void print_summary(void)
{
	int total = int_programs();

	if (!total)
		return;
	printf("\ninteger programs (%d), geometric mean of the time ratios:\n", total);
	printf("%-16s %16s %16s %16s  %s\n", "engine", "x i686", host_column(),
	       "x QEMU", "issue 19 target (bt86)");
	for (int e = 0; e < neng; e++) {
		char a[32], b[32], c[32];
		int na, nb, nc, fq;
		double ga = int_geomean(e, e_i686, &na, NULL), gb = int_geomean(e, e_host, &nb, NULL);
		double gc = int_geomean(e, e_qemu, &nc, &fq);

		if (!ga && !gb && !gc)
			continue;
		printf("%-16s %16s %16s %16s", eng_label[e], fmt_geomean(a, sizeof(a), ga, na, total),
		       fmt_geomean(b, sizeof(b), gb, nb, total), fmt_geomean(c, sizeof(c), gc, nc, total));
		if (is_bt86(e))
			printf("  x i686 <= %.0f: %s; x QEMU <= %.1f: %s; faster than QEMU on %d of %d",
			       TARGET_X_NATIVE, !ga ? "-" : ga <= TARGET_X_NATIVE ? "met" : "not met",
			       TARGET_X_QEMU, !gc ? "-" : gc <= TARGET_X_QEMU ? "met" : "not met",
			       fq, nc);
		printf("\n");
	}
}

static int print_table(void)
{
	printf("%-10s %-4s %-14s %11s %7s %9s %9s %8s %11s\n", "benchmark", "kind", "engine",
	       "time/iter", "spread", "x i686", host_column(), "x QEMU", "N");
	for (int i = 0; i < nbench; i++) {
		const struct bench *b = &benches[i];

		for (int e = 0; e < neng; e++) {
			const struct result *r = &b->r[e];
			char t[32], rn[16], rh[16], rq[16];

			printf("%-10s %-4s %-14s ", e ? "" : b->name, e ? "" : b->kind, eng_label[e]);
			if (r->timed)
				printf("%11s %6.0f%% %9s %9s %8s %11lu\n",
				       fmt_time(t, sizeof(t), r->med), r->spread,
				       fmt_ratio(rn, sizeof(rn), ratio(b, e, e_i686)),
				       fmt_ratio(rh, sizeof(rh), ratio(b, e, e_host)),
				       fmt_ratio(rq, sizeof(rq), ratio(b, e, e_qemu)), r->n);
			else
				printf("%s: %s\n", r->status[0] ? r->status : "not run",
				       r->msg[0] ? r->msg : "-");
		}
	}
	printf("\ntime/iter: median over repetitions of (t(2N) - t(N)) / N, whole processes, %s;"
	       "\nspread: half the range, in %% of the median; x i686, %s, x QEMU: time"
	       "\nratios to the i686 twin (the guest's own code run natively), to the host"
	       "\nprogram built from the same C with glibc, and to QEMU TCG.\n",
	       strcmp(clock_name, "cpu") ? "wall-clock time" : "user + system CPU time", host_column());
	print_summary();
	return report_faults();
}

static int check(void)
{
	for (int i = 0; i < nbench; i++) {
		printf("%-10s", benches[i].name);
		for (int e = 0; e < neng; e++) {
			const struct result *r = &benches[i].r[e];

			printf("  %s=%s", eng_id[e], r->status[0] ? r->status : "?");
		}
		printf("\n");
	}
	if (!nbench || !neng) {
		printf("  FAIL: no benchmark or no engine was run\n");
		return 1;
	}
	return report_faults();
}

/* ---------------------------------------------------------------- JSON */

static void json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

static void json_num(FILE *fp, double v)
{
	if (v > 0)
		fprintf(fp, "%.6g", v);
	else
		fprintf(fp, "null");
}

static int write_json(const char *path, char **meta, int nmeta)
{
	FILE *fp = fopen(path, "w");

	if (!fp) {
		perror(path);
		return -1;
	}
	fprintf(fp, "{\n");
	for (int i = 0; i < nmeta; i++) {
		char *eq = strchr(meta[i], '=');

		if (!eq)
			continue;
		fprintf(fp, "  \"%.*s\": ", (int)(eq - meta[i]), meta[i]);
		json_str(fp, eq + 1);
		fprintf(fp, ",\n");
	}
	fprintf(fp, "  \"method\": \"median over repetitions of (t(2N)-t(N))/N of whole processes\",\n");
	fprintf(fp, "  \"engines\": [");
	for (int e = 0; e < neng; e++) {
		fprintf(fp, "%s{\"id\": ", e ? ", " : "");
		json_str(fp, eng_id[e]);
		fprintf(fp, ", \"label\": ");
		json_str(fp, eng_label[e]);
		fprintf(fp, "}");
	}
	fprintf(fp, "],\n");
	fprintf(fp, "  \"targets\": {\"int_geomean_ratio_native_i686_max\": %g, "
		"\"int_geomean_ratio_qemu_max\": %g},\n", TARGET_X_NATIVE, TARGET_X_QEMU);
	fprintf(fp, "  \"int_geomean\": {\"programs\": %d", int_programs());
	for (int e = 0; e < neng; e++) {
		int na, nh, nq, fq;
		double ga = int_geomean(e, e_i686, &na, NULL), gh = int_geomean(e, e_host, &nh, NULL);
		double gq = int_geomean(e, e_qemu, &nq, &fq);

		fprintf(fp, ",\n    ");
		json_str(fp, eng_id[e]);
		fprintf(fp, ": {\"ratio_native_i686\": ");
		json_num(fp, ga);
		fprintf(fp, ", \"n_native_i686\": %d, \"ratio_native_host\": ", na);
		json_num(fp, gh);
		fprintf(fp, ", \"n_native_host\": %d, \"ratio_qemu\": ", nh);
		json_num(fp, gq);
		fprintf(fp, ", \"n_qemu\": %d, \"faster_than_qemu\": %d}", nq, fq);
	}
	fprintf(fp, "\n  },\n");
	fprintf(fp, "  \"benchmarks\": [\n");
	for (int i = 0; i < nbench; i++) {
		const struct bench *b = &benches[i];

		fprintf(fp, "    {\"name\": \"%s\", \"kind\": \"%s\", \"engines\": {\n", b->name, b->kind);
		for (int e = 0; e < neng; e++) {
			const struct result *r = &b->r[e];

			fprintf(fp, "      \"%s\": {\"status\": ", eng_id[e]);
			json_str(fp, r->status[0] ? r->status : "not run");
			fprintf(fp, ", \"message\": ");
			json_str(fp, r->msg);
			if (r->timed) {
				fprintf(fp, ", \"n\": %lu, \"reps\": %d, \"seconds_per_iter\": ", r->n, r->reps);
				json_num(fp, r->med);
				fprintf(fp, ", \"spread_pct\": %.1f, \"ratio_native_i686\": ", r->spread);
				json_num(fp, ratio(b, e, e_i686));
				fprintf(fp, ", \"ratio_native_host\": ");
				json_num(fp, ratio(b, e, e_host));
				fprintf(fp, ", \"ratio_qemu\": ");
				json_num(fp, ratio(b, e, e_qemu));
			}
			fprintf(fp, "}%s\n", e + 1 < neng ? "," : "");
		}
		fprintf(fp, "    }}%s\n", i + 1 < nbench ? "," : "");
	}
	fprintf(fp, "  ]\n}\n");
	return fclose(fp);
}

/* ---------------------------------------------------------------- SVG */

/*
 * Grouped bars, one group per benchmark and a last one for the integer
 * geometric mean, one bar per engine other than native i686: time relative
 * to the i686 twin on a log axis, drawn from the 1x line (up: slower than
 * native, down: faster). An engine that could not run gets a short note
 * instead of a bar, as does a row without an i686 twin. A dashed line marks
 * issue 19's target for bt86, 3x native i686.
 */
static double chart_ratio(int g, int e)
{
	if (g < nbench)
		return ratio(&benches[g], e, e_i686);
	return int_geomean(e, e_i686, NULL, NULL);
}

static int write_svg(const char *path, const char *date)
{
	const int left = 70, right = 20, top = 60, plot_h = 320, bottom = 110;
	const int bar_w = 14, gap = 18;
	int eng[MAX_ENG], ne = 0, ngroup = nbench + (int_programs() > 0), width, height, group_w;
	double lo = 1, hi = 10, y0;
	FILE *fp;

	/* Engines with a slot: any engine that ran somewhere, but not the baseline. */
	for (int e = 0; e < neng; e++) {
		int present = 0;

		if (e == e_i686)
			continue;
		for (int i = 0; i < nbench; i++)
			if (strcmp(benches[i].r[e].status, "absent") && benches[i].r[e].status[0])
				present = 1;
		if (present)
			eng[ne++] = e;
	}
	if (!ne)
		return 0;
	for (int g = 0; g < ngroup; g++)
		for (int k = 0; k < ne; k++) {
			double r = chart_ratio(g, eng[k]);

			if (r > 0) {
				lo = fmin(lo, r);
				hi = fmax(hi, r);
			}
		}
	lo = pow(10, floor(log10(lo)));
	hi = pow(10, ceil(log10(hi)));
	group_w = ne * bar_w + gap;
	width = left + ngroup * group_w + right + 150;
	height = top + plot_h + bottom;
#define YPOS(v) (top + plot_h - (log10(v) - log10(lo)) / (log10(hi) - log10(lo)) * plot_h)
	y0 = YPOS(1.0);

	fp = fopen(path, "w");
	if (!fp) {
		perror(path);
		return -1;
	}
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"font-family=\"sans-serif\" font-size=\"11\">\n", width, height);
	fprintf(fp, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fprintf(fp, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">"
		"Time per iteration relative to native i686 (log scale): lower is faster</text>\n",
		left);
	fprintf(fp, "<text x=\"%d\" y=\"40\" fill=\"#555\">%s; 1x is the guest's own code run "
		"natively as a 32-bit Linux program; dashed: the 3x target</text>\n", left, date);

	/* Grid and y axis: one line per power of ten. */
	for (double v = lo; v <= hi * 1.001; v *= 10) {
		double y = YPOS(v);

		fprintf(fp, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>\n",
			left, y, left + ngroup * group_w, y, v == 1 ? "#000" : "#ddd");
		fprintf(fp, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%gx</text>\n",
			left - 6, y + 4, v);
	}
	if (TARGET_X_NATIVE >= lo && TARGET_X_NATIVE <= hi)
		fprintf(fp, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#c00\" "
			"stroke-dasharray=\"4,3\"/>\n", left, YPOS(TARGET_X_NATIVE),
			left + ngroup * group_w, YPOS(TARGET_X_NATIVE));
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n",
		left, top, left, top + plot_h);
	fprintf(fp, "<text transform=\"translate(16,%d) rotate(-90)\" text-anchor=\"middle\">"
		"time relative to native i686 (log scale)</text>\n", top + plot_h / 2);

	for (int g = 0; g < ngroup; g++) {
		const struct bench *b = g < nbench ? &benches[g] : NULL;
		const char *name = b ? b->name : "int geomean";
		int gx = left + g * group_w + gap / 2;

		for (int k = 0; k < ne; k++) {
			int e = eng[k], x = gx + k * bar_w;
			double r = chart_ratio(g, e);
			const char *why = NULL;

			if (r > 0) {
				double y = YPOS(r), ytop = fmin(y, y0), h = fabs(y - y0);
				char rb[16];

				fprintf(fp, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" "
					"fill=\"%s\"><title>%s %s: %sx native i686</title></rect>\n",
					x, ytop, bar_w - 2, fmax(h, 1), eng_color[e], name,
					eng_label[e], fmt_ratio(rb, sizeof(rb), r));
				fprintf(fp, "<text transform=\"translate(%d,%.1f) rotate(-90)\" "
					"font-size=\"9\">%s</text>\n", x + bar_w / 2 + 2,
					r >= 1 ? ytop - 3 : ytop + h + 3 + 6 * (int)strlen(rb), rb);
				continue;
			}
			if (!b)
				continue;
			if (!strcmp(b->r[e].status, "unsupported"))
				why = "unsupported";
			else if (!strcmp(b->r[e].status, "WRONG"))
				why = "WRONG";
			else if (!strcmp(b->r[e].status, "failed") || !strcmp(b->r[e].status, "noisy"))
				why = b->r[e].status;
			else if (b->r[e].timed && (e_i686 < 0 || !b->r[e_i686].timed))
				why = "no native";
			if (why)
				fprintf(fp, "<text transform=\"translate(%d,%.1f) rotate(-90)\" "
					"font-size=\"9\" fill=\"%s\">%s</text>\n", x + bar_w / 2 + 2,
					y0 - 4, !strcmp(why, "WRONG") ? "red" : "#888", why);
		}
		fprintf(fp, "<text transform=\"translate(%d,%d) rotate(-40)\" text-anchor=\"end\"%s>"
			"%s</text>\n", gx + ne * bar_w / 2 + 4, top + plot_h + 14,
			b ? "" : " font-weight=\"bold\"", name);
	}
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">benchmark "
		"(int: integer C, x87: floating point C, sys: system nanobenchmark)</text>\n",
		left + ngroup * group_w / 2, height - 10);

	/* Legend, right of the plot. */
	for (int k = 0; k < ne; k++) {
		int x = left + ngroup * group_w + 14, y = top + 4 + 16 * k;

		fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
			x, y, eng_color[eng[k]]);
		fprintf(fp, "<text x=\"%d\" y=\"%d\">%s</text>\n", x + 17, y + 10, eng_label[eng[k]]);
	}
#undef YPOS
	fprintf(fp, "</svg>\n");
	return fclose(fp);
}

int main(int argc, char **argv)
{
	const char *date = "";
	int wrong;

	if (argc >= 3 && !strcmp(argv[1], "check")) {
		if (load(argv[2]))
			return 2;
		return check();
	}
	if (argc < 5 || strcmp(argv[1], "report")) {
		fprintf(stderr, "usage: benchtool check RAW\n"
				"       benchtool report RAW OUT.json OUT.svg [key=value...]\n");
		return 2;
	}
	if (load(argv[2]))
		return 2;
	summarize();
	for (int i = 5; i < argc; i++)
		if (!strncmp(argv[i], "date=", 5))
			date = argv[i] + 5;
		else if (!strncmp(argv[i], "clock=", 6))
			clock_name = argv[i] + 6;
	wrong = print_table();
	if (write_json(argv[3], argv + 5, argc - 5) || write_svg(argv[4], date))
		return 2;
	return wrong;
}
