package dev.gstbeam.pipelines.report;

import static dev.gstbeam.pipelines.report.Report.escape;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts for the report: vertical columns (histograms, time buckets; series stacked) and
 * horizontal bars (categories; series side by side). Each chart carries a visible title, axes with
 * labels, and a {@code <title>}/{@code <desc>} text fallback. Every string that reaches the markup
 * goes through {@link Report#escape}.
 */
final class Charts {
  private Charts() {}

  static final int WIDTH = 600;

  /** One series: its name (legend) and colour, and a value per bin or category. */
  record Series(String name, String color, double[] values) {}

  /** An x-axis label at a position in bin units (0 is the left edge of the first bin). */
  record Tick(double at, String label) {}

  /**
   * Vertical columns, one per bin, the series stacked; {@code emptyText} drawn in place of the
   * columns when there is nothing to show (no bins or all zero). {@code counts}: whole-number ticks.
   */
  static String columns(String id, String title, String desc, String xLabel, String yLabel, List<Series> series,
      int bins, List<Tick> ticks, List<String> binNames, boolean counts, String emptyText) {
    int height = 300;
    int left = 64;
    int right = 16;
    int top = 44;
    int bottom = 56;
    int plotW = WIDTH - left - right;
    int plotH = height - top - bottom;
    StringBuilder s = open(id, title, desc, height);
    legend(s, series);
    double max = 0;
    for (int b = 0; b < bins; b++) {
      double sum = 0;
      for (Series se : series) {
        sum += se.values()[b];
      }
      max = Math.max(max, sum);
    }
    boolean empty = bins == 0 || max <= 0;
    double step = empty ? 1 : counts ? Math.max(1, niceStep(max / 5)) : niceStep(max / 5);
    double yMax = empty ? 5 : Math.ceil(max / step - 1e-9) * step;
    // Grid and y ticks.
    StringBuilder grid = new StringBuilder();
    for (double v = step; v <= yMax + step / 1e6; v += step) {
      double y = top + plotH - v / yMax * plotH;
      grid.append('M').append(left).append(' ').append(f(y)).append('H').append(left + plotW);
    }
    s.append("<path class=\"grid\" d=\"").append(grid).append("\"/>");
    if (!empty) {
      for (double v = 0; v <= yMax + step / 1e6; v += step) {
        double y = top + plotH - v / yMax * plotH;
        s.append("<text class=\"yt\" x=\"").append(left - 6).append("\" y=\"").append(f(y + 4)).append("\">")
            .append(escape(tick(v))).append("</text>");
      }
      double bw = (double) plotW / bins;
      double gap = bw >= 6 ? 1.5 : bw >= 3 ? 0.5 : 0;
      for (int b = 0; b < bins; b++) {
        double base = 0;
        for (Series se : series) {
          double v = se.values()[b];
          if (v <= 0) {
            continue;
          }
          double y0 = top + plotH - base / yMax * plotH;
          double y1 = top + plotH - (base + v) / yMax * plotH;
          s.append("<rect x=\"").append(f(left + b * bw + gap)).append("\" y=\"").append(f(y1))
              .append("\" width=\"").append(f(Math.max(0.5, bw - 2 * gap))).append("\" height=\"")
              .append(f(Math.max(0.5, y0 - y1))).append("\" fill=\"").append(se.color()).append("\"><title>")
              .append(escape((binNames == null ? "" : binNames.get(b) + ": ") + tick(v)
                  + (series.size() > 1 ? " " + se.name() : "")))
              .append("</title></rect>");
          base += v;
        }
      }
      for (Tick t : ticks) {
        double x = left + t.at() * plotW / bins;
        s.append("<path class=\"ax\" d=\"M").append(f(x)).append(' ').append(top + plotH).append("v5\"/>");
        s.append("<text class=\"xt\" x=\"").append(f(x)).append("\" y=\"").append(top + plotH + 18).append("\">")
            .append(escape(t.label())).append("</text>");
      }
    } else {
      emptyNote(s, left, top, plotW, plotH, emptyText);
    }
    axes(s, left, top, plotW, plotH);
    s.append("<text class=\"xl\" x=\"").append(left + plotW / 2).append("\" y=\"").append(height - 10).append("\">")
        .append(escape(xLabel)).append("</text>");
    s.append("<text class=\"yl\" transform=\"translate(14 ").append(top + plotH / 2).append(") rotate(-90)\">")
        .append(escape(yLabel)).append("</text>");
    return s.append("</svg>").toString();
  }

  /** Horizontal bars of counts, one row per category, the series side by side; {@code emptyText} when none. */
  static String bars(String id, String title, String desc, String xLabel, List<String> categories,
      List<Series> series, String emptyText) {
    int n = categories.size();
    int rowH = series.size() > 1 ? 28 : 22;
    int left = 160;
    int right = 56;
    int top = 44;
    int bottom = 48;
    int plotW = WIDTH - left - right;
    int plotH = Math.max(n * rowH, 120);
    int height = top + plotH + bottom;
    StringBuilder s = open(id, title, desc, height);
    legend(s, series);
    double max = 0;
    for (Series se : series) {
      for (double v : se.values()) {
        max = Math.max(max, v);
      }
    }
    boolean empty = n == 0 || max <= 0;
    double step = empty ? 1 : Math.max(1, niceStep(max / 5)); // counts: whole steps
    double xMax = empty ? 5 : Math.ceil(max / step - 1e-9) * step;
    StringBuilder grid = new StringBuilder();
    for (double v = step; v <= xMax + step / 1e6; v += step) {
      grid.append('M').append(f(left + v / xMax * plotW)).append(' ').append(top).append('v').append(plotH);
    }
    s.append("<path class=\"grid\" d=\"").append(grid).append("\"/>");
    if (!empty) {
      for (double v = 0; v <= xMax + step / 1e6; v += step) {
        s.append("<text class=\"xt\" x=\"").append(f(left + v / xMax * plotW)).append("\" y=\"")
            .append(top + plotH + 16).append("\">").append(escape(tick(v))).append("</text>");
      }
      double barH = (rowH - 8.0) / series.size();
      for (int i = 0; i < n; i++) {
        double rowTop = top + i * rowH + 4;
        String cat = categories.get(i);
        s.append("<text class=\"cat\" x=\"").append(left - 6).append("\" y=\"").append(f(rowTop + (rowH - 8) / 2.0 + 4))
            .append("\">").append(escape(Report.truncate(cat, 22))).append("<title>").append(escape(cat))
            .append("</title></text>");
        for (int k = 0; k < series.size(); k++) {
          Series se = series.get(k);
          double v = se.values()[i];
          double y = rowTop + k * barH;
          double w = v / xMax * plotW;
          if (v > 0) {
            s.append("<rect x=\"").append(left).append("\" y=\"").append(f(y)).append("\" width=\"")
                .append(f(Math.max(1, w))).append("\" height=\"").append(f(barH - 1)).append("\" fill=\"")
                .append(se.color()).append("\"><title>").append(escape(cat + ": " + tick(v)
                    + (series.size() > 1 ? " " + se.name() : ""))).append("</title></rect>");
          }
          if (v > 0) {
            s.append("<text class=\"val\" x=\"").append(f(left + w + 4)).append("\" y=\"")
                .append(f(y + barH / 2 + 3.5)).append("\">").append(escape(tick(v))).append("</text>");
          }
        }
      }
    } else {
      emptyNote(s, left, top, plotW, plotH, emptyText);
    }
    axes(s, left, top, plotW, plotH);
    s.append("<text class=\"xl\" x=\"").append(left + plotW / 2).append("\" y=\"").append(height - 10).append("\">")
        .append(escape(xLabel)).append("</text>");
    return s.append("</svg>").toString();
  }

  private static StringBuilder open(String id, String title, String desc, int height) {
    StringBuilder s = new StringBuilder(4096);
    s.append("<svg class=\"chart\" id=\"").append(escape(id)).append("\" xmlns=\"http://www.w3.org/2000/svg\"")
        .append(" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\" width=\"").append(WIDTH)
        .append("\" height=\"").append(height).append("\" role=\"img\" aria-labelledby=\"").append(escape(id))
        .append("-t ").append(escape(id)).append("-d\">");
    s.append("<title id=\"").append(escape(id)).append("-t\">").append(escape(title)).append("</title>");
    s.append("<desc id=\"").append(escape(id)).append("-d\">").append(escape(desc)).append("</desc>");
    s.append("<text class=\"ct\" x=\"8\" y=\"22\">").append(escape(title)).append("</text>");
    return s;
  }

  private static void legend(StringBuilder s, List<Series> series) {
    if (series.size() < 2) {
      return;
    }
    double x = WIDTH - 8;
    // Right to left, so the last series ends at the right edge.
    for (int k = series.size() - 1; k >= 0; k--) {
      Series se = series.get(k);
      double textW = se.name().length() * 6.5;
      x -= textW;
      s.append("<text class=\"lg\" x=\"").append(f(x)).append("\" y=\"37\">").append(escape(se.name())).append("</text>");
      x -= 14;
      s.append("<rect x=\"").append(f(x)).append("\" y=\"28\" width=\"10\" height=\"10\" fill=\"").append(se.color())
          .append("\"/>");
      x -= 12;
    }
  }

  private static void axes(StringBuilder s, int left, int top, int plotW, int plotH) {
    s.append("<path class=\"ax\" d=\"M").append(left).append(' ').append(top).append('v').append(plotH).append('h')
        .append(plotW).append("\"/>");
  }

  private static void emptyNote(StringBuilder s, int left, int top, int plotW, int plotH, String text) {
    s.append("<rect class=\"empty\" x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"")
        .append(plotW).append("\" height=\"").append(plotH).append("\"/>");
    s.append("<text class=\"none\" x=\"").append(left + plotW / 2).append("\" y=\"").append(top + plotH / 2 + 6)
        .append("\">").append(escape(text)).append("</text>");
  }

  /** A step of 1, 2 or 5 times a power of ten, at least {@code raw}. */
  static double niceStep(double raw) {
    if (!(raw > 0)) {
      return 1;
    }
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= raw * (1 - 1e-9)) {
        return m * p;
      }
    }
    return 10 * p;
  }

  /** An axis or value label: 1.5M, 15k, 12, 0.25. */
  static String tick(double v) {
    double a = Math.abs(v);
    if (a >= 1e6) {
      return plain(v / 1e6, 2) + "M";
    }
    if (a >= 1e4) {
      return plain(v / 1e3, 1) + "k";
    }
    return plain(v, a >= 100 ? 0 : a >= 1 ? 2 : 3);
  }

  static String plain(double v, int decimals) {
    return BigDecimal.valueOf(v).setScale(decimals, java.math.RoundingMode.HALF_UP).stripTrailingZeros()
        .toPlainString();
  }

  /** A coordinate with one decimal. */
  static String f(double v) {
    long tenths = Math.round(v * 10);
    return tenths % 10 == 0 ? Long.toString(tenths / 10) : String.format(Locale.ROOT, "%.1f", tenths / 10.0);
  }
}
