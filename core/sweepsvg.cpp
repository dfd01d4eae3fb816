// SPDX-License-Identifier: MIT
#include "core/sweepsvg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace beam {

namespace {

constexpr double kWidth = 900;
constexpr double kHeight = 560;
constexpr const char *kFont = "DejaVu Sans, Helvetica, Arial, sans-serif";
constexpr const char *kModelColour = "#1b6ca8";
constexpr const char *kMeasuredColour = "#d95f02";
constexpr const char *kP99Colour = "#7570b3";
constexpr const char *kGapColour = "#e6e6e6";

std::string fixed(double value, int decimals)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

/// 12,345 (or 0.25 for a step below 1): how a tick or a figure reads.
std::string readable(double value, int decimals = 0)
{
    // Built by appending: GCC 12 at -O3 warns falsely on std::string::insert here (bug 105651).
    const std::string digits = fixed(std::abs(value), decimals);
    const auto point = digits.find('.');
    const std::size_t whole = point == std::string::npos ? digits.size() : point;
    std::string out;
    if (value < 0 && digits.find_first_not_of("0.") != std::string::npos)
        out += '-';
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && i < whole && (whole - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

std::string escaped(const std::string &text)
{
    std::string out;
    for (char c : text) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '"')
            out += "&quot;";
        else
            out += c;
    }
    return out;
}

/// The plot's rectangle in pixels and the values it spans.
struct Frame {
    double left = 96;
    double right = kWidth - 28;
    double top = 136;
    double bottom = kHeight - 70;
    double xLo = 0;
    double xHi = 1;
    double yHi = 1;
    [[nodiscard]] double px(double x) const { return left + (x - xLo) / (xHi - xLo) * (right - left); }
    [[nodiscard]] double py(double y) const
    {
        // Clamped far outside the plot, so that a W near saturation stays a number an SVG reader takes.
        return std::clamp(bottom - y / yHi * (bottom - top), top - 2000, bottom + 2000);
    }
};

/// 1, 2 or 5 times a power of ten, near `raw`.
double niceStep(double raw)
{
    if (!(raw > 0) || !std::isfinite(raw))
        return 1;
    const double magnitude = std::pow(10, std::floor(std::log10(raw)));
    const double r = raw / magnitude;
    return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * magnitude;
}

std::vector<double> ticks(double lo, double hi, double step)
{
    std::vector<double> out;
    const auto first = static_cast<long long>(std::ceil(lo / step - 1e-9));
    const auto last = static_cast<long long>(std::floor(hi / step + 1e-9));
    for (long long i = first; i <= last && out.size() < 100; ++i)
        out.push_back(static_cast<double>(i) * step);
    return out;
}

int decimalsOf(double step)
{
    return step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
}

std::string text(double x, double y, const std::string &content, int size, const std::string &extra = {})
{
    return "<text x=\"" + fixed(x, 1) + "\" y=\"" + fixed(y, 1) + "\" font-size=\"" + std::to_string(size) + "\""
        + (extra.empty() ? "" : " " + extra) + ">" + escaped(content) + "</text>\n";
}

std::string line(double x1, double y1, double x2, double y2, const std::string &style)
{
    return "<line x1=\"" + fixed(x1, 1) + "\" y1=\"" + fixed(y1, 1) + "\" x2=\"" + fixed(x2, 1) + "\" y2=\""
        + fixed(y2, 1) + "\" " + style + "/>\n";
}

std::string triangle(double x, double y, double r, const std::string &style)
{
    return "<polygon points=\"" + fixed(x, 1) + "," + fixed(y - r, 1) + " " + fixed(x - r * 0.9, 1) + ","
        + fixed(y + r * 0.6, 1) + " " + fixed(x + r * 0.9, 1) + "," + fixed(y + r * 0.6, 1) + "\" " + style + "/>\n";
}

std::string axisName(SweepParam param)
{
    switch (param) {
    case SweepParam::Rate:
        return "total offered rate (events/s)";
    case SweepParam::Consumers:
        return "consumers";
    case SweepParam::IoUs:
        return "simulated I/O per event (\u00b5s)";
    case SweepParam::MaxInFlight:
        return "max in flight (events)";
    }
    return {};
}

std::string titleOf(const SweepSpec &spec)
{
    const std::string what = spec.param == SweepParam::Rate ? "the total offered rate"
        : spec.param == SweepParam::Consumers               ? "the number of consumers"
        : spec.param == SweepParam::IoUs                    ? "the I/O time per event"
                                                            : "the bound on events in flight";
    const std::string unit = spec.param == SweepParam::Rate ? " events/s"
        : spec.param == SweepParam::IoUs                    ? " \u00b5s"
                                                            : "";
    return "What-if sweep: W against " + what + ", " + readable(static_cast<double>(spec.lo)) + ".."
        + readable(static_cast<double>(spec.hi)) + unit + " in " + std::to_string(spec.steps) + " points";
}

/// The base configuration, less the swept setting, and how the points ran: two lines under the title.
std::vector<std::string> subtitleOf(const SweepChartSource &s, int cores)
{
    const PipelineConfig &c = s.base;
    const auto plural = [](int n, const char *word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); };
    std::string first = "base: " + plural(c.producers, "producer");
    if (s.spec.param != SweepParam::Consumers)
        first += ", " + plural(c.consumers, "consumer");
    if (s.spec.param != SweepParam::Rate)
        first += c.rate ? ", rate " + readable(static_cast<double>(*c.rate)) + "/s per producer" : ", rate max";
    first += ", work " + readable(c.workUs) + " \u00b5s";
    if (s.spec.param != SweepParam::IoUs)
        first += ", I/O " + readable(c.ioUs) + " \u00b5s";
    if (s.spec.param != SweepParam::MaxInFlight)
        first += ", max in flight " + readable(static_cast<double>(c.maxInFlight));
    first += ", " + std::string(toString(c.overload));
    if (c.faultRate > 0)
        first += ", fault rate " + fixed(c.faultRate, 3);
    if (c.crashRate > 0)
        first += ", crash rate " + fixed(c.crashRate, 4);
    if (c.slowConsumer)
        first += ", consumer " + std::to_string(c.slowConsumer->index) + " " + std::to_string(c.slowConsumer->factor)
            + "x slower";
    const auto seconds = [](double v) { return readable(v, v == std::floor(v) ? 0 : 1) + " s"; };
    std::string second = "runs: " + std::to_string(s.options.repeats) + " a point, " + seconds(s.options.warmupS)
        + " warm-up + " + seconds(s.options.measureS) + " measured \u00b7 model: " + plural(cores, "executor thread")
        + ", measured overhead and key shares";
    return {first, second};
}

/// The top of the y axis: the mean W figures (measured, with their spread, and the model's) of the points where
/// the model draws W, or of every point when it draws none, with room above. A p99 or a saturated point's W
/// beyond it is drawn at the top edge as an arrow with its figure, so that the regime the model describes is not
/// squashed by the ones it does not.
double highestY(const std::vector<SweepPoint> &points)
{
    const bool anyDrawn = std::any_of(points.begin(), points.end(), [](const auto &p) { return p.model.drawsW(); });
    double high = 0;
    for (const auto &p : points) {
        if (anyDrawn && !p.model.drawsW())
            continue;
        high = std::max(high, p.wMaxUs);
        if (p.model.drawsW() && std::isfinite(p.model.wMeanUs))
            high = std::max(high, p.model.wMeanUs);
    }
    return high > 0 ? high : 1000;
}

Frame frameFor(const SweepSpec &spec, const std::vector<SweepPoint> &points, double &yStep)
{
    Frame f;
    const double span = static_cast<double>(spec.hi - spec.lo);
    f.xLo = static_cast<double>(spec.lo) - span * 0.04;
    f.xHi = static_cast<double>(spec.hi) + span * 0.04;
    const double high = highestY(points) * 1.25;
    yStep = niceStep(high / 5);
    f.yHi = std::ceil(high / yStep) * yStep;
    return f;
}

std::string axes(const Frame &f, const SweepSpec &spec, double yStep)
{
    std::string svg;
    const double xStep
        = std::max(spec.param == SweepParam::Rate ? 0.0 : 1.0, niceStep(static_cast<double>(spec.hi - spec.lo) / 6));
    for (double t : ticks(f.yHi * 0, f.yHi, yStep)) {
        svg += line(f.left, f.py(t), f.right, f.py(t), "stroke=\"#dddddd\" stroke-width=\"1\"");
        svg += text(f.left - 8, f.py(t) + 5, readable(t, decimalsOf(yStep)), 14, "text-anchor=\"end\"");
    }
    for (double t : ticks(std::max(f.xLo, static_cast<double>(spec.lo) - 1e-9), f.xHi, xStep)) {
        svg += line(f.px(t), f.bottom, f.px(t), f.bottom + 6, "stroke=\"#333333\" stroke-width=\"1\"");
        svg += text(f.px(t), f.bottom + 24, readable(t, decimalsOf(xStep)), 14, "text-anchor=\"middle\"");
    }
    svg += "<rect x=\"" + fixed(f.left, 1) + "\" y=\"" + fixed(f.top, 1) + "\" width=\"" + fixed(f.right - f.left, 1)
        + "\" height=\"" + fixed(f.bottom - f.top, 1) + "\" fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>\n";
    svg += text((f.left + f.right) / 2, f.bottom + 56, axisName(spec.param), 16, "text-anchor=\"middle\"");
    const double yMid = (f.top + f.bottom) / 2;
    svg += text(0, 0, "W, creation to completion (\u00b5s)", 16,
        "text-anchor=\"middle\" transform=\"translate(26," + fixed(yMid, 1) + ") rotate(-90)\"");
    return svg;
}

/// Shaded stretches where the model draws no W, each named by its fit.
std::string gaps(const Frame &f, const std::vector<SweepCurvePoint> &curve)
{
    std::string svg;
    for (std::size_t i = 0; i < curve.size();) {
        if (curve[i].model.drawsW()) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j + 1 < curve.size() && !curve[j + 1].model.drawsW())
            ++j;
        // From halfway to the neighbouring drawn sample (or the plot's edge) on each side.
        const double from = i == 0 ? f.xLo : (curve[i - 1].value + curve[i].value) / 2;
        const double to = j + 1 == curve.size() ? f.xHi : (curve[j].value + curve[j + 1].value) / 2;
        svg += "<rect class=\"model-gap\" x=\"" + fixed(f.px(from), 1) + "\" y=\"" + fixed(f.top, 1) + "\" width=\""
            + fixed(f.px(to) - f.px(from), 1) + "\" height=\"" + fixed(f.bottom - f.top, 1) + "\" fill=\"" + kGapColour
            + "\" stroke=\"none\"/>\n";
        const ModelFit fit = curve[i].model.fit;
        const std::string why = fit == ModelFit::Saturated ? "model: saturated"
            : fit == ModelFit::CrashesDominate             ? "crashes dominate"
                                                           : "model: no W";
        if (f.px(to) - f.px(from) > 8 * static_cast<double>(why.size()))
            svg += text((f.px(from) + f.px(to)) / 2, f.bottom - 12, why, 14, "text-anchor=\"middle\" fill=\"#555555\"");
        i = j + 1;
    }
    return svg;
}

/// The model's W: solid where it holds, dashed near saturation, broken where it draws none, and cut where it
/// leaves the plot's top (and where it comes back), interpolated between the samples.
std::string modelCurve(const Frame &f, const std::vector<SweepCurvePoint> &curve)
{
    std::string svg;
    std::string points;
    ModelFit fit = ModelFit::Holds;
    const auto flush = [&] {
        if (points.find(' ') != std::string::npos) {
            svg += "<path class=\"model-w\" fill=\"none\" stroke-linejoin=\"round\" stroke=\""
                + std::string(kModelColour) + "\" stroke-width=\"3\""
                + (fit == ModelFit::NearSaturation ? " stroke-dasharray=\"7 5\"" : "") + " d=\"M" + points + "\"/>\n";
        }
        points.clear();
    };
    const auto add = [&](double x, double y) {
        points += (points.empty() ? "" : " L") + fixed(f.px(x), 1) + "," + fixed(f.py(y), 1);
    };
    const SweepCurvePoint *previous = nullptr;
    for (const auto &c : curve) {
        if (!c.model.drawsW() || !std::isfinite(c.model.wMeanUs)) {
            flush();
            previous = nullptr;
            continue;
        }
        const double y = c.model.wMeanUs;
        if (previous) {
            const double before = previous->model.wMeanUs;
            if (c.model.fit != fit) {
                // The next stretch starts where this one ended, so a change of dash leaves no hole.
                flush();
                if (before <= f.yHi)
                    add(previous->value, before);
            }
            if ((before <= f.yHi) != (y <= f.yHi))
                add(previous->value + (f.yHi - before) / (y - before) * (c.value - previous->value), f.yHi);
        }
        fit = c.model.fit;
        if (y <= f.yHi)
            add(c.value, y);
        else
            flush();
        previous = &c;
    }
    flush();
    return svg;
}

/// A figure above the plot: an arrow at its x on the plot's top edge (`row` 1 under row 0), and the figure
/// under it when `labelled` (the points are far enough apart for it).
std::string offScale(const Frame &f, double x, const std::string &label, const char *colour, int row, bool labelled)
{
    const double y = f.top + 3 + 30.0 * row;
    std::string svg = "<polygon points=\"" + fixed(x, 1) + "," + fixed(y, 1) + " " + fixed(x - 7, 1) + ","
        + fixed(y + 11, 1) + " " + fixed(x + 7, 1) + "," + fixed(y + 11, 1) + "\" fill=\"" + colour + "\"/>\n";
    // Kept inside the plot: about 8 px a character at 14 px.
    const double half = 4.0 * static_cast<double>(label.size());
    if (labelled)
        svg += text(std::clamp(x, f.left + half + 2, f.right - half - 2), y + 26, label, 14,
            "text-anchor=\"middle\" fill=\"" + std::string(colour) + "\"");
    return svg;
}

std::string tooltip(const SweepPoint &p)
{
    return "<title>" + std::string(toString(p.param)) + " " + readable(static_cast<double>(p.value)) + ": measured W "
        + readable(p.wMeanUs) + " \u00b5s (runs " + readable(p.wMinUs) + ".." + readable(p.wMaxUs) + "), p99 "
        + readable(p.wP99Us) + " \u00b5s; model W "
        + (p.model.drawsW() ? readable(p.model.wMeanUs) + " \u00b5s" : std::string(toString(p.model.fit))) + "</title>";
}

/// Each point's mean W with its bar, and its p99; above the plot, an arrow and the figure.
std::string measured(const Frame &f, const std::vector<SweepPoint> &points)
{
    std::string svg;
    const std::string bar = "stroke=\"" + std::string(kMeasuredColour) + "\" stroke-width=\"2\"";
    // "p99 123,456" is about 85 px wide at 14 px.
    const bool labelled = points.size() < 2
        || f.px(static_cast<double>(points[1].value)) - f.px(static_cast<double>(points[0].value)) >= 88;
    for (const auto &p : points) {
        const double x = f.px(static_cast<double>(p.value));
        const std::string value = std::to_string(p.value);
        svg += "<g class=\"measured-w\" data-value=\"" + value + "\" data-w-us=\"" + fixed(p.wMeanUs, 1) + "\">"
            + tooltip(p) + "\n";
        if (p.wMeanUs <= f.yHi) {
            svg += line(x, f.py(p.wMinUs), x, f.py(std::min(p.wMaxUs, f.yHi)), bar)
                + line(x - 6, f.py(p.wMinUs), x + 6, f.py(p.wMinUs), bar);
            if (p.wMaxUs <= f.yHi)
                svg += line(x - 6, f.py(p.wMaxUs), x + 6, f.py(p.wMaxUs), bar);
            svg += "<circle cx=\"" + fixed(x, 1) + "\" cy=\"" + fixed(f.py(p.wMeanUs), 1) + "\" r=\"5.5\" fill=\""
                + kMeasuredColour + "\" stroke=\"white\" stroke-width=\"1\"/>\n";
        } else {
            svg += offScale(f, x, "W " + readable(p.wMeanUs), kMeasuredColour, p.wP99Us > f.yHi ? 1 : 0, labelled);
        }
        svg += "</g>\n<g class=\"measured-p99\" data-value=\"" + value + "\" data-w-us=\"" + fixed(p.wP99Us, 1) + "\">"
            + tooltip(p) + "\n";
        if (p.wP99Us <= f.yHi)
            svg += triangle(
                x, f.py(p.wP99Us), 7, "fill=\"white\" stroke=\"" + std::string(kP99Colour) + "\" stroke-width=\"2\"");
        else
            svg += offScale(f, x, "p99 " + readable(p.wP99Us), kP99Colour, 0, labelled);
        svg += "</g>\n";
    }
    return svg;
}

/// The legend: two columns of two rows between the title and the plot, where it covers nothing.
std::string legend(double top, int repeats, bool anyGap)
{
    std::string svg = "<g class=\"legend\">\n";
    int index = 0;
    const auto at = [&index, top] { return std::pair<double, double>{index < 2 ? 24 : 470, top + 24.0 * (index % 2)}; };
    const auto entry = [&](const std::string &swatch, const std::string &label) {
        svg += swatch + text(at().first + 32, at().second + 5, label, 14);
        ++index;
    };
    auto [x, y] = at();
    entry(line(x, y, x + 22, y, "stroke=\"" + std::string(kModelColour) + "\" stroke-width=\"3\""),
        "model mean W (dashed where rho is 0.9..1)");
    std::tie(x, y) = at();
    const std::string bar = "stroke=\"" + std::string(kMeasuredColour) + "\" stroke-width=\"2\"";
    entry(line(x + 11, y - 9, x + 11, y + 9, bar) + "<circle cx=\"" + fixed(x + 11, 1) + "\" cy=\"" + fixed(y, 1)
            + "\" r=\"5.5\" fill=\"" + kMeasuredColour + "\"/>\n",
        "measured mean W, bar: "
            + std::string(repeats > 1 ? "min..max of " + std::to_string(repeats) + " runs" : "1 run"));
    std::tie(x, y) = at();
    entry(triangle(x + 11, y, 7, "fill=\"white\" stroke=\"" + std::string(kP99Colour) + "\" stroke-width=\"2\""),
        "measured p99");
    if (anyGap) {
        std::tie(x, y) = at();
        entry("<rect x=\"" + fixed(x, 1) + "\" y=\"" + fixed(y - 8, 1) + "\" width=\"22\" height=\"16\" fill=\""
                + kGapColour + "\"/>\n",
            "the model draws no W here");
    }
    return svg + "</g>\n";
}

} // namespace

std::string sweepSvg(const SweepChartSource &source, const std::vector<SweepPoint> &points)
{
    double yStep = 1;
    const Frame f = frameFor(source.spec, points, yStep);
    const auto curve = sweepModelCurve(source.base, source.spec, points);
    const bool anyGap = std::any_of(curve.begin(), curve.end(), [](const auto &c) { return !c.model.drawsW(); });
    const int cores = points.empty() || points.front().runs.empty() ? 0 : points.front().runs.front().cores;
    const auto subtitle = subtitleOf(source, cores);

    std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"560\" viewBox=\"0 0 900 560\" "
           "font-family=\""
        + std::string(kFont) + "\" fill=\"#222222\">\n";
    svg += "<title>" + escaped(titleOf(source.spec)) + "</title>\n";
    svg += "<rect width=\"900\" height=\"560\" fill=\"white\"/>\n";
    svg += text(24, 26, titleOf(source.spec), 18, "font-weight=\"bold\"");
    svg += text(24, 48, subtitle[0], 14, "fill=\"#444444\"");
    svg += text(24, 68, subtitle[1], 14, "fill=\"#444444\"");
    svg += gaps(f, curve);
    svg += axes(f, source.spec, yStep);
    svg += modelCurve(f, curve);
    svg += measured(f, points);
    svg += legend(94, source.options.repeats, anyGap);
    svg += "</svg>\n";
    return svg;
}

} // namespace beam
