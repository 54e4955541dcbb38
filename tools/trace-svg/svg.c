/*
 * svg.c - draws the rows of a trace as an SVG timeline.
 *
 * One row per track, labelled on the left; time runs to the right on one
 * scale for all rows, with an axis at the bottom whose ticks fall on round
 * numbers (1, 2 or 5 times a power of ten) in s, ms or us.  A running span
 * is a solid bar in the row's colour; a wait is a thinner, lighter bar of
 * the same colour, so that the eye reads "busy" and "waiting" at once.
 * Every bar carries a <title>, which browsers show as a tooltip.  Each
 * running span is exactly one element with class="run" (and each wait one
 * with class="wait"), which is what the tests count.
 */
#include "trace_svg.h"

#include <math.h>
#include <string.h>

enum {
    ROW_H = 26,         /* pixels per row */
    BAR_H = 16,         /* a running span */
    WAIT_H = 8,         /* a wait */
    TOP = 56,           /* room for the title and the legend */
    AXIS_H = 40,
    RIGHT = 24,
    CHAR_W = 7,         /* an estimate of a 12px sans-serif character */
};

static const char *const palette[] = {
    "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1",
    "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac",
};

/* Text with XML's five special characters escaped. */
static void put_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            /* XML 1.0 allows no control characters but tab and newline. */
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
                putc('?', out);
            else
                putc(*s, out);
        }
    }
}

/* A duration in microseconds, in a unit that suits it. */
static void put_duration(FILE *out, double us)
{
    if (us >= 1e6)
        fprintf(out, "%.3f s", us / 1e6);
    else if (us >= 1e3)
        fprintf(out, "%.3f ms", us / 1e3);
    else
        fprintf(out, "%.3f us", us);
}

enum { LABEL_MAX = 48 };    /* characters; longer labels are cut */

/* The label of a row: its name and its track id, and the run too when the
 * trace holds several; cut to LABEL_MAX characters, on a UTF-8 boundary. */
static void make_label(const struct trace *tr, const struct row *row, char *buf, size_t size)
{
    const char *p = tr->npids > 1 ? trace_process_name(tr, row->pid) : NULL;
    if (tr->npids > 1)
        snprintf(buf, size, "%s: %s #%s", p ? p : row->pid,
                 row->label ? row->label : "track", row->tid);
    else
        snprintf(buf, size, "%s #%s", row->label ? row->label : "track", row->tid);
    size_t chars = 0;
    for (char *q = buf; *q; q++) {
        if (((unsigned char)*q & 0xc0) == 0x80)
            continue;
        if (++chars > LABEL_MAX) {
            strcpy(q, "...");
            break;
        }
    }
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* A round step that gives about `want` ticks over `range`. */
static double tick_step(double range, int want)
{
    double raw = range / want;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double step = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return step * mag;
}

bool svg_write(FILE *out, const struct trace *tr, const struct svg_options *opt)
{
    char label[512];
    size_t longest = 8;
    for (size_t i = 0; i < tr->nrows; i++) {
        make_label(tr, tr->rows[i], label, sizeof label);
        size_t n = utf8_chars(label);
        if (n > longest)
            longest = n;
    }
    double left = 16 + (double)longest * CHAR_W + 12;
    double width = opt->width > 0 ? opt->width : 960;
    if (width < left + RIGHT + 100)
        width = left + RIGHT + 100;
    double plot = width - left - RIGHT;
    double height = TOP + (double)tr->nrows * ROW_H + AXIS_H;

    /* Time 0 of the picture is the first span; the range is never empty. */
    double t0 = tr->t0;
    double range = tr->t1 - tr->t0;
    if (!(range > 0))
        range = 1;
    double scale = plot / range;

    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
            width, height, width, height);
    fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n",
            width, height);
    if (opt->title) {
        fputs("<text x=\"16\" y=\"22\" font-size=\"15\" font-weight=\"bold\">", out);
        put_text(out, opt->title);
        fputs("</text>\n", out);
    }
    /* The legend. */
    fprintf(out, "<g transform=\"translate(16,34)\">"
            "<rect x=\"0\" y=\"2\" width=\"18\" height=\"%d\" fill=\"#555555\"/>"
            "<text x=\"24\" y=\"12\">running</text>"
            "<rect x=\"90\" y=\"%d\" width=\"18\" height=\"%d\" fill=\"#555555\" fill-opacity=\"0.3\"/>"
            "<text x=\"114\" y=\"12\">waiting</text></g>\n",
            12, 2 + (12 - WAIT_H) / 2, WAIT_H);

    /* The grid and the axis. */
    double step = tick_step(range, (int)(plot / 90) > 2 ? (int)(plot / 90) : 2);
    const char *unit = "us";
    double div = 1;
    if (step >= 1e5) {
        unit = "s";
        div = 1e6;
    } else if (step >= 100) {
        unit = "ms";
        div = 1e3;
    }
    double axis_y = TOP + (double)tr->nrows * ROW_H + 6;
    fprintf(out, "<g class=\"axis\" stroke=\"#dddddd\">\n");
    for (double t = 0; t <= range * (1 + 1e-9); t += step) {
        double x = left + t * scale;
        fprintf(out, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%.0f\"/>\n",
                x, TOP - 4, x, axis_y + 4);
    }
    fprintf(out, "</g>\n<g class=\"ticks\" text-anchor=\"middle\" fill=\"#333333\">\n");
    for (double t = 0; t <= range * (1 + 1e-9); t += step) {
        double x = left + t * scale;
        double v = t / div;
        /* As many decimals as the step needs, and no more. */
        int dec = 0;
        for (double s = step / div; dec < 6 && fabs(s - round(s)) > 1e-9 * (1 + s); s *= 10)
            dec++;
        fprintf(out, "<text x=\"%.2f\" y=\"%.0f\">%.*f %s</text>\n",
                x, axis_y + 18, dec, v, unit);
    }
    fprintf(out, "</g>\n<line x1=\"%.2f\" y1=\"%.0f\" x2=\"%.2f\" y2=\"%.0f\" stroke=\"#333333\"/>\n",
            left, axis_y, left + plot, axis_y);

    /* The rows. */
    for (size_t i = 0; i < tr->nrows; i++) {
        const struct row *row = tr->rows[i];
        const char *colour = palette[i % (sizeof palette / sizeof *palette)];
        double y = TOP + (double)i * ROW_H;
        fprintf(out, "<g class=\"row\">\n");
        if (i % 2 == 1)
            fprintf(out, "<rect x=\"0\" y=\"%.0f\" width=\"%.0f\" height=\"%d\" "
                    "fill=\"#000000\" fill-opacity=\"0.03\"/>\n", y, width, ROW_H);
        fprintf(out, "<text x=\"16\" y=\"%.0f\">", y + ROW_H / 2 + 4);
        make_label(tr, row, label, sizeof label);
        put_text(out, label);
        fputs("</text>\n", out);
        /* Waits first, so that a running bar is never hidden under one. */
        for (int pass = 0; pass < 2; pass++) {
            for (size_t j = 0; j < row->nspans; j++) {
                const struct span *s = &row->spans[j];
                if (s->wait != (pass == 0))
                    continue;
                double x = left + (s->start - t0) * scale;
                double w = (s->end - s->start) * scale;
                if (w < 1)
                    w = 1;      /* a span too short to see still shows */
                int h = s->wait ? WAIT_H : BAR_H;
                fprintf(out, "<rect class=\"%s\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
                        "height=\"%d\" fill=\"%s\"%s><title>",
                        s->wait ? "wait" : "run", x, y + (ROW_H - h) / 2.0, w, h, colour,
                        s->wait ? " fill-opacity=\"0.3\"" : "");
                if (s->wait)
                    fputs("waiting: ", out);
                put_text(out, *s->name ? s->name : "(unnamed)");
                fputs(", ", out);
                put_duration(out, s->end - s->start);
                fprintf(out, " at %.6f s</title></rect>\n", (s->start - t0) / 1e6);
            }
        }
        fprintf(out, "</g>\n");
    }
    fputs("</svg>\n", out);
    return !ferror(out);
}
