/*
 * replay.c - main() for a fuzz target built without libFuzzer: runs every
 * file named on the command line (directories: every file in them, in name
 * order) through LLVMFuzzerTestOneInput.  make check uses it to replay the
 * seeds, the crashes fuzzing found and the guests, so that they stay fixed.
 *
 *   fuzz_NAME [-c | -p] [-r COUNT] PATH...
 *
 * -c also checks that an input's result does not depend on what ran before
 * it: every input runs in the given order, then in the reverse order, then
 * once more right after itself, and fuzz_result_hash() must agree each time.
 * A target that leaks state from one input into the next would make
 * libFuzzer's crashes unreproducible and its coverage a lie.
 *
 * -p prints each input's fuzz_result_hash() and path, one per line, so that
 * runs on two backends (BT86_TEST_BACKEND) can be compared line by line.
 * -r COUNT adds COUNT random inputs (add_random) before the paths.
 */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

struct input {
    char *path;
    uint8_t *data;
    size_t len;
    uint64_t hash;
};

static struct input *inputs;
static int ninputs, cap_inputs;
static int check_order, print_hashes;

static void add_input(char *path, uint8_t *data, size_t len)
{
    if (ninputs == cap_inputs) {
        cap_inputs = cap_inputs ? cap_inputs * 2 : 64;
        inputs = realloc(inputs, cap_inputs * sizeof(*inputs));
    }
    if (!data || !path || !inputs) {
        fprintf(stderr, "replay: out of memory\n");
        exit(1);
    }
    inputs[ninputs++] = (struct input){ path, data, len, 0 };
}

/*
 * COUNT inputs of 1 to 320 random bytes from a fixed seed (xorshift64*),
 * named random:K: the same on every run and host, so that two backends
 * can be compared on instruction sequences nobody chose.
 */
static uint64_t next_random(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 0x2545f4914f6cdd1dull;
}

static void add_random(int count)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int k = 0; k < count; k++) {
        size_t len = 1 + next_random(&x) % 320;
        uint8_t *data = malloc(len);
        for (size_t i = 0; data && i < len; i++)
            data[i] = (uint8_t)(next_random(&x) >> 56);
        char name[32];
        snprintf(name, sizeof(name), "random:%d", k);
        add_input(strdup(name), data, len);
    }
}

static int load_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 1 << 16, len = 0, n;
    uint8_t *buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    add_input(strdup(path), buf, len);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Loads PATH (a file, or every file in a directory); the number loaded, or -1. */
static int load_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return load_file(path) < 0 ? -1 : 1;
    struct dirent **names;
    int n = scandir(path, &names, not_hidden, by_name), count = 0, bad = 0;
    if (n < 0) {
        perror(path);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char sub[4096];
        snprintf(sub, sizeof(sub), "%s/%s", path, names[i]->d_name);
        if (load_file(sub) < 0)
            bad = 1;
        else
            count++;
        free(names[i]);
    }
    free(names);
    return bad ? -1 : count;
}

static uint64_t run(const struct input *in)
{
    LLVMFuzzerTestOneInput(in->data, in->len);
    return check_order || print_hashes ? fuzz_result_hash() : 0; /* hashing RAM costs more than the run */
}

static int check(const struct input *in, const char *when)
{
    uint64_t h = run(in);
    if (h == in->hash)
        return 0;
    fprintf(stderr, "replay: %s: result %016llx %s, %016llx in the first pass\n", in->path,
            (unsigned long long)h, when, (unsigned long long)in->hash);
    return 1;
}

int main(int argc, char **argv)
{
    const char *me = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    int bad = 0, files = 0;
    char summary[4096] = "";
    LLVMFuzzerInitialize(&argc, &argv);
    int i = 1;
    if (i < argc && !strcmp(argv[i], "-c")) {
        check_order = 1;
        i++;
    } else if (i < argc && !strcmp(argv[i], "-p")) {
        print_hashes = 1;
        i++;
    }
    if (i + 1 < argc && !strcmp(argv[i], "-r")) {
        add_random(atoi(argv[i + 1]));
        i += 2;
    }
    if (i == argc && !ninputs) {
        fprintf(stderr, "usage: %s [-c | -p] [-r COUNT] FILE|DIR...\n", me);
        return 2;
    }
    for (; i < argc; i++) {
        struct stat st;
        int is_dir = stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode);
        int n = load_path(argv[i]);
        if (n < 0)
            bad = 1;
        else if (!is_dir)
            files += n;
        else
            snprintf(summary + strlen(summary), sizeof(summary) - strlen(summary), "%d from %s, ",
                     n, argv[i]);
    }
    if (bad)
        return 1;
    for (int k = 0; k < ninputs; k++) {
        inputs[k].hash = run(&inputs[k]);
        if (print_hashes)
            printf("%016llx %s\n", (unsigned long long)inputs[k].hash, inputs[k].path);
    }
    if (check_order) {
        for (int k = ninputs - 1; k >= 0; k--)
            bad |= check(&inputs[k], "after the next input");
        for (int k = 0; k < ninputs; k++) {
            run(&inputs[k]);
            bad |= check(&inputs[k], "run right after itself");
        }
    }
    if (print_hashes)
        return 0;
    printf("%s: %d inputs replayed (%s%d files)%s, none crashed\n", me, ninputs, summary, files,
           check_order ? (bad ? ", ORDER-DEPENDENT" : ", each alike in any order") : "");
    return bad;
}
