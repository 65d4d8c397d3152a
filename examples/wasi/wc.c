/* wc: counts the lines, words and bytes of a text file, writes the file back with
 * numbered lines to a second file, and prints the counts.
 *
 *   iwasm --dir=. examples/wasi/wc.wasm examples/wasi/input.txt out.txt
 *
 * The program can only touch what `--dir` grants: here the current directory. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s INPUT OUTPUT\n", argv[0]);
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in) {
        fprintf(stderr, "%s: cannot open %s: %s\n", argv[0], argv[1], strerror(errno));
        return 1;
    }
    FILE *out = fopen(argv[2], "w");
    if (!out) {
        fprintf(stderr, "%s: cannot create %s: %s\n", argv[0], argv[2], strerror(errno));
        return 1;
    }
    long lines = 0, words = 0, bytes = 0;
    int in_word = 0, at_line_start = 1, c;
    while ((c = fgetc(in)) != EOF) {
        if (at_line_start) {
            fprintf(out, "%6ld  ", lines + 1);
            at_line_start = 0;
        }
        fputc(c, out);
        bytes++;
        if (c == '\n') {
            lines++;
            at_line_start = 1;
        }
        if (isspace(c)) {
            in_word = 0;
        } else if (!in_word) {
            in_word = 1;
            words++;
        }
    }
    fclose(in);
    if (fclose(out) != 0) {
        fprintf(stderr, "%s: cannot write %s: %s\n", argv[0], argv[2], strerror(errno));
        return 1;
    }
    printf("%ld lines, %ld words, %ld bytes in %s; numbered copy in %s\n", lines, words, bytes,
           argv[1], argv[2]);
    return 0;
}
