// SPDX-License-Identifier: MIT
// The window as a user drives it (offscreen): it starts, the charts fill, every control reaches the running
// engine, a click on a consumer kills it and its supervisor restarts it, extreme values lose nothing.
#include "axisticks.h"
#include "chartpanel.h"
#include "controlpanel.h"
#include "enginebridge.h"
#include "eventlogmodel.h"
#include "lessonpanel.h"
#include "mainwindow.h"
#include "recording/flightrecording.h"
#include "recording/recordingfile.h"
#include "scenario/report.h"
#include "schedulersview.h"
#include "stattiles.h"
#include "telemetryhistory.h"
#include "theoryview.h"
#include "timecursor.h"
#include "timelinebar.h"
#include "topologyview.h"
#include "visualstyle.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFontMetricsF>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QGraphicsTextItem>
#include <QGraphicsView>
#include <QGroupBox>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QResizeEvent>
#include <QScreen>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSlider>
#include <QSplitter>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <cmath>
#include <memory>
#include <set>

using namespace beam;

/// The widest a widget has been since it was watched: "never wider" is every resize, not the last.
class WidthWatch : public QObject
{
public:
    explicit WidthWatch(QWidget *watched)
        : m_widest(watched->width())
    {
        watched->installEventFilter(this);
    }
    [[nodiscard]] int widest() const { return m_widest; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Resize)
            m_widest = std::max(m_widest, static_cast<QResizeEvent *>(event)->size().width());
        return QObject::eventFilter(watched, event);
    }

private:
    int m_widest = 0;
};

// The lessons are resources of the ui library; a test without a window registers them itself.
static void initResources()
{
    Q_INIT_RESOURCE(resources);
}

class TestMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_config;

    static int waitMs() { return EngineBridge::kApplyDelayMs + 400; } // quiet period + one sampling interval + slack

    /// The letter after a single '&', lower case, or 0.
    static QChar mnemonic(const QString &text)
    {
        for (qsizetype i = 0; i + 1 < text.size(); ++i) {
            if (text[i] == QLatin1Char('&')) {
                if (text[i + 1] == QLatin1Char('&')) {
                    ++i;
                    continue;
                }
                return text[i + 1].toLower();
            }
        }
        return {};
    }

    static void checkUnique(const QStringList &texts, const QString &where)
    {
        QHash<QChar, QString> seen;
        for (const QString &text : texts) {
            const QChar m = mnemonic(text);
            if (m.isNull())
                continue;
            QVERIFY2(!seen.contains(m),
                qPrintable(QStringLiteral("%1: '%2' and '%3' share Alt+%4").arg(where, seen.value(m), text, m)));
            seen.insert(m, text);
        }
    }

    /// A snapshot with `producers` producers and `consumers` active consumers, for the topology alone.
    static Snapshot fakeSnapshot(int producers, int consumers)
    {
        Snapshot s;
        s.elapsedS = 1;
        s.limit = 1000;
        s.inFlight = 500;
        s.limiterCount = 500;
        s.producedPerSec = 12000;
        for (int i = 0; i < producers; ++i)
            s.producers.push_back({i, 0, 0, 6000, 6000, 0.25});
        for (int i = 0; i < consumers; ++i) {
            ConsumerSample c;
            c.index = i;
            c.active = true;
            c.state = "running";
            c.busyRatio = 0.5;
            c.queueDepth = i;
            s.consumers.push_back(c);
        }
        for (const char *name : {"pipeline", "producers", "consumers"})
            s.supervisors.push_back({name, "one_for_one", "running", 0, 0, 3, 5, 0, {}});
        return s;
    }

    /// The smallest text the topology draws, in pixels on screen: font size times every scale on the way.
    static double smallestTopologyPx(const TopologyView *view)
    {
        double smallest = 1e9;
        for (const QGraphicsItem *item : view->scene()->items()) {
            const auto *text = qgraphicsitem_cast<const QGraphicsSimpleTextItem *>(item);
            if (!text || text->text().trimmed().isEmpty() || !text->isVisible())
                continue;
            smallest = std::min(
                smallest, QFontInfo(text->font()).pixelSize() * view->transform().m11() * text->sceneTransform().m11());
        }
        return smallest;
    }

    /// The tiles' numbers in presentation mode: at least 48 px, and each tile as wide as the widest value its
    /// formatter can print ("99.9M/s", "99.9 ms"), so that none is ever cut ("1.06 m" was, in a narrow tile).
    static void checkTileValuesFit(const MainWindow &window)
    {
        const auto latest = window.bridge()->latest();
        QVERIFY(latest);
        // Values at every edge of the formatters: three digits of every size, those that round up to the next.
        QStringList rates;
        QStringList latencies;
        for (double decade = 1; decade < 1e8; decade *= 10) {
            for (const double m : {9.99, 9.994, 9.996, 9.9999, 1.0, 5.55}) {
                rates << StatTiles::rateText(m * decade);
                latencies << StatTiles::latencyText(m * decade / 1000);
            }
        }
        latencies << StatTiles::latencyText(99'940'000) << StatTiles::latencyText(0.9996);
        const QList<std::pair<StatTiles::Tile, QStringList>> tiles{{StatTiles::Tile::Throughput, rates},
            {StatTiles::Tile::LatencyP99, latencies},
            {StatTiles::Tile::InFlight, {QStringLiteral("%L1").arg(latest->limit)}}};
        for (const auto &[tile, values] : tiles) {
            const QLabel *label = window.tiles()->valueLabel(tile);
            const QFontMetrics fm(label->font());
            QVERIFY2(QFontInfo(label->font()).pixelSize() >= visual::kPresentationValuePx,
                qPrintable(QString::number(QFontInfo(label->font()).pixelSize())));
            const QString widest = StatTiles::widestValue(tile, latest->limit, fm);
            QVERIFY(!widest.isEmpty());
            for (const QString &value : values + QStringList{widest}) {
                QVERIFY2(fm.horizontalAdvance(value) <= label->contentsRect().width(),
                    qPrintable(QStringLiteral("'%1' is %2 px in a value %3 px wide")
                                   .arg(value)
                                   .arg(fm.horizontalAdvance(value))
                                   .arg(label->contentsRect().width())));
            }
        }
    }

    /// Lets the layouts a change posted run (dock shown, fonts, a relayout of the topology).
    static void settle()
    {
        for (int i = 0; i < 3; ++i) {
            QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
            QCoreApplication::processEvents();
        }
    }

    /// The window, its docks and its minimum size all inside the available part of its screen.
    static void checkFitsItsScreen(MainWindow &window, const QString &what)
    {
        settle();
        const QRect available = window.screen()->availableGeometry();
        const QSize minimum = window.minimumSizeHint().expandedTo(window.minimumSize());
        QVERIFY2(minimum.width() <= available.width() && minimum.height() <= available.height(),
            qPrintable(QStringLiteral("%1: the window needs at least %2x%3, the screen has %4x%5")
                           .arg(what)
                           .arg(minimum.width())
                           .arg(minimum.height())
                           .arg(available.width())
                           .arg(available.height())));
        QVERIFY2(window.width() <= available.width() && window.height() <= available.height(),
            qPrintable(QStringLiteral("%1: the window is %2x%3 on a %4x%5 screen")
                           .arg(what)
                           .arg(window.width())
                           .arg(window.height())
                           .arg(available.width())
                           .arg(available.height())));
        for (QDockWidget *dock : window.findChildren<QDockWidget *>()) {
            // (a panel behind another's tab is parked off screen: nothing of it shows)
            if (dock->isVisible() && !dock->isFloating() && !dock->visibleRegion().isEmpty())
                QVERIFY2(window.rect().contains(dock->geometry()),
                    qPrintable(QStringLiteral("%1: %2 is cut: %3,%4 %5x%6 in %7x%8")
                                   .arg(what, dock->windowTitle())
                                   .arg(dock->x())
                                   .arg(dock->y())
                                   .arg(dock->width())
                                   .arg(dock->height())
                                   .arg(window.width())
                                   .arg(window.height())));
        }
    }

    /// Snapshots every 100 ms from `fromS` to `toS` with latencies between `lowUs` and `highUs` (p50 at the low
    /// end, max at the high one) and a steady 1000 events/s.
    static void addSnapshots(TelemetryHistory &history, double fromS, double toS, double lowUs, double highUs)
    {
        for (double t = fromS; t <= toS + 1e-9; t += 0.1) {
            Snapshot s;
            s.elapsedS = t;
            s.processedPerSec = 1000;
            s.producedPerSec = 1000;
            s.inFlight = 5;
            s.limiterCount = 5;
            s.limit = 1000;
            s.rssBytes = 50 << 20;
            s.window.p50 = lowUs; // the charts draw the window's latencies
            s.window.p99 = (lowUs + highUs) / 2;
            s.window.max = highUs;
            s.window.count = 1000;
            s.interval = s.window;
            history.add(s);
        }
    }

    /// Every marker label drawn on every chart: no two overlap; read left to right, split at "·", the numbers are
    /// `expected` on each chart. Returns whether any label holds more than one number.
    static bool checkMarkerLabels(const ChartPanel &charts, const QStringList &expected)
    {
        bool merged = false;
        for (int c = 0; c < int(ChartPanel::Chart::Count); ++c) {
            if (charts.folded(ChartPanel::Chart(c)))
                continue; // nothing to show, not shown
            const auto labels = charts.markerLabels(ChartPanel::Chart(c));
            QStringList read;
            for (qsizetype i = 0; i < labels.size(); ++i) {
                read << labels[i].text.split(QChar(0x00B7));
                merged = merged || labels[i].text.contains(QChar(0x00B7));
                for (qsizetype j = 0; j < i; ++j) {
                    if (labels[i].rect.intersects(labels[j].rect))
                        qWarning() << charts.title(ChartPanel::Chart(c)) << labels[i].text << "overlaps"
                                   << labels[j].text;
                    QTest::qVerify(!labels[i].rect.intersects(labels[j].rect), "no overlap", "", __FILE__, __LINE__);
                }
            }
            if (read != expected)
                qWarning() << charts.title(ChartPanel::Chart(c)) << "reads" << read << "not" << expected;
            QTest::qVerify(read == expected, "read == expected", "", __FILE__, __LINE__);
        }
        return merged;
    }

private slots:
    void testSchedulersKeyListsEveryColourShown()
    {
        // The Schedulers tab at projector size: under the lanes, a key with a swatch for every colour they show,
        // whole on screen; with 64 consumers it says how colours repeat.
        MainWindow window;
        window.resize(1920, 1080);
        window.setPresentationMode(true);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto lesson = loadScenario(QStringLiteral(":/lessons/schedulers.json"));
        QVERIFY(std::holds_alternative<Scenario>(lesson));
        window.playScenario(std::get<Scenario>(lesson));
        auto *lanes = window.findChild<SchedulersView *>();
        QVERIFY(lanes && lanes->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(lanes->consumersShown().size() >= 6, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(lanes->height() >= lanes->heightForWidth(lanes->width()), 3000);

        const auto checkKey = [lanes] {
            const auto key = lanes->keyEntries();
            QHash<QRgb, QString> keyColours;
            for (const auto &entry : key) {
                if (entry.swatch == SchedulersView::KeyEntry::Swatch::Fill)
                    keyColours.insert(entry.colour.rgb(), entry.text);
            }
            // Every consumer that ran has its colour in the key, under the name of the first consumer with it.
            for (int c : lanes->consumersShown()) {
                const QColor colour = SchedulersView::consumerColour(c);
                QVERIFY2(keyColours.contains(colour.rgb()), qPrintable(QStringLiteral("C%1").arg(c)));
                QCOMPARE(
                    keyColours.value(colour.rgb()), QStringLiteral("C%1").arg(c % SchedulersView::kConsumerColours));
            }
            // And every colour painted in the lanes is in the key (or is the lane's own background, or the
            // hatching's ink).
            QStringList why;
            for (const auto &entry : key)
                why << entry.text;
            QVERIFY(why.contains(QStringLiteral("idle")));
            QVERIFY(std::any_of(key.begin(), key.end(), [](const auto &e) {
                return e.swatch == SchedulersView::KeyEntry::Swatch::Hatched
                    && e.text.contains(QLatin1String("not recorded"));
            }));
            const QImage image = lanes->grab().toImage();
            const double ratio = image.devicePixelRatio();
            std::set<QRgb> painted;
            for (int i = 0; i < lanes->laneLabels().size(); ++i) {
                const QRect lane = lanes->laneRect(i).adjusted(2, 2, -2, -2);
                for (int y = lane.top(); y <= lane.bottom(); y += 2)
                    for (int x = lane.left(); x <= lane.right(); ++x)
                        painted.insert(
                            image.pixel(static_cast<int>(x * ratio), static_cast<int>(y * ratio)) | 0xFF000000U);
            }
            const std::set<QRgb> background{QColor(0xF2, 0xF2, 0xF2).rgb(), QColor(0x30, 0x30, 0x36).rgb(),
                visual::textOnBackground(false).rgb(), visual::textOnBackground(true).rgb()};
            int consumerColours = 0;
            for (QRgb rgb : painted) {
                if (background.count(rgb))
                    continue;
                QVERIFY2(keyColours.contains(rgb), qPrintable(QColor(rgb).name()));
                ++consumerColours;
            }
            QVERIFY(consumerColours >= 2);
            // The key is on screen, whole: the widget is as tall as the lanes and the key need.
            QVERIFY2(lanes->height() >= lanes->heightForWidth(lanes->width()),
                qPrintable(QStringLiteral("%1 < %2").arg(lanes->height()).arg(lanes->heightForWidth(lanes->width()))));
            QVERIFY(lanes->visibleRegion().boundingRect().height() >= lanes->heightForWidth(lanes->width()));
        };
        checkKey();
        if (QTest::currentTestFailed())
            return;
        QVERIFY(lanes->keyNote().isEmpty()); // eight consumers, eight colours: nothing repeats

        // The 64-consumer step: colours repeat, and the key says how.
        LessonPanel *lessonPanel = window.lessons();
        lessonPanel->pause();
        while (lessonPanel->stepsDone() < 3)
            lessonPanel->step();
        QTRY_VERIFY_WITH_TIMEOUT(!lanes->consumersShown().isEmpty() && lanes->consumersShown().last() >= 16, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(lanes->height() >= lanes->heightForWidth(lanes->width()), 3000);
        checkKey();
        QVERIFY2(lanes->keyNote().contains(QLatin1String("C8")) && lanes->keyNote().contains(QLatin1String("C0")),
            qPrintable(lanes->keyNote()));
        const auto key = lanes->keyEntries();
        QCOMPARE(key.first().text, QStringLiteral("C0"));
        QCOMPARE(
            std::count_if(key.begin(), key.end(), [](const auto &e) { return e.text.startsWith(QLatin1Char('C')); }),
            SchedulersView::kConsumerColours);
    }

    void testStepMarkersReadCaptionsAndNeverOverlap()
    {
        // let-it-crash sets crash_rate at 8.5 s, kills consumer 3 at 10 s and sets crash_rate at 16 s, under its
        // captions 3, 4 and 5. Played in the window (Jump to next step puts all three within an instant), the
        // markers read those caption numbers, not the steps' places in the timeline (3, 5, 7), in one label.
        MainWindow window;
        window.resize(1920, 1080);
        window.setPresentationMode(true);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto lesson = loadScenario(QStringLiteral(":/lessons/let-it-crash.json"));
        QVERIFY(std::holds_alternative<Scenario>(lesson));
        const Scenario &scenario = std::get<Scenario>(lesson);
        window.playScenario(scenario);
        LessonPanel *panel = window.lessons();
        panel->pause();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        const QStringList expected{QStringLiteral("3"), QStringLiteral("4"), QStringLiteral("5")};
        while (window.charts()->markerCount() < 3 && panel->stepsDone() < scenario.timeline.size())
            panel->step();
        QCOMPARE(window.charts()->markerCount(), 3);
        QTRY_VERIFY_WITH_TIMEOUT(!window.charts()->markerLabels(ChartPanel::Chart::Throughput).isEmpty(), 3000);
        checkMarkerLabels(*window.charts(), expected);
        if (QTest::currentTestFailed())
            return;

        // At their own times, on a 30 s axis at projector size, the first two are closer than their labels are
        // wide: merged ("3·4"), never printed over each other ("35"); wide enough, a label each.
        ChartPanel charts;
        charts.setLook(false, visual::kPresentationTextPx);
        charts.resize(charts.minimumSizeHint().expandedTo(QSize(700, 700)));
        charts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&charts));
        TelemetryHistory history;
        addSnapshots(history, 0.1, 30, 10, 200);
        charts.addMarker(8.5, expected[0]);
        charts.addMarker(10, expected[1]);
        charts.addMarker(16, expected[2]);
        charts.redraw(history);
        QTRY_VERIFY(!charts.markerLabels(ChartPanel::Chart::Throughput).isEmpty());
        QVERIFY(checkMarkerLabels(charts, expected)); // the close pair was there to be merged
        charts.resize(2400, 900);
        QTRY_COMPARE(charts.markerLabels(ChartPanel::Chart::Throughput).size(), 3);
        QVERIFY(!checkMarkerLabels(charts, expected));
        charts.clearMarkers();
        QVERIFY(charts.markerLabels(ChartPanel::Chart::Throughput).isEmpty());
    }

    void testLatencyAxisFollowsItsData()
    {
        ChartPanel charts;
        charts.setWindowSeconds(10);
        charts.resize(900, 700);
        charts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&charts));
        TelemetryHistory history;
        const auto range = [&charts] { return charts.valueRange(ChartPanel::Chart::Latency); };
        // Latencies of 10-200 µs: an axis within 1 µs .. 1 ms, not 1 ns .. 1 s.
        addSnapshots(history, 0.1, 20, 10, 200);
        charts.redraw(history);
        QVERIFY2(range().first >= 1 && range().first <= 10 && range().second >= 200 && range().second <= 1000,
            qPrintable(QStringLiteral("%1 .. %2 µs").arg(range().first).arg(range().second)));
        // It holds still while the data moves about inside it.
        const auto held = range();
        for (int i = 0; i < 20; ++i) {
            addSnapshots(history, 20.1 + i * 0.2, 20.2 + i * 0.2, 12 + i % 3, 150 + 15 * (i % 5));
            charts.redraw(history);
            QCOMPARE(range(), held);
        }
        // A spike of 2 s: the axis grows to hold it at once.
        addSnapshots(history, 24.1, 25, 10, 2e6);
        charts.redraw(history);
        QVERIFY(range().second >= 2e6 && range().second <= 1e7);
        // When it has left the window, the axis comes back to the data.
        addSnapshots(history, 25.1, 40, 10, 200);
        charts.redraw(history);
        QVERIFY2(range().first >= 1 && range().second <= 1000,
            qPrintable(QStringLiteral("%1 .. %2 µs").arg(range().first).arg(range().second)));
    }

    void testValueLabelsHaveTheRoomTheyNeed_data()
    {
        QTest::addColumn<int>("textPx");
        QTest::addColumn<QSize>("size"); ///< empty: the smallest the charts allow
        QTest::addColumn<int>("fewest"); ///< value labels every chart shown keeps at least
        // The chart panel's size in the window: 1500x900 on a desk (and with Controls and Lessons open),
        // 1920x1080 in presentation mode, and that with larger type; then each font at the panel's minimum size,
        // where a chart may have room for no label at all.
        QTest::newRow("desk") << visual::kDeskTextPx << QSize(760, 700) << 2;
        QTest::newRow("desk, with Controls and Lessons open") << visual::kDeskTextPx << QSize(360, 700) << 2;
        QTest::newRow("presentation") << visual::kPresentationTextPx << QSize(550, 760) << 1;
        QTest::newRow("larger") << 30 << QSize(640, 900) << 1;
        QTest::newRow("desk, smallest") << visual::kDeskTextPx << QSize() << 0;
        QTest::newRow("presentation, smallest") << visual::kPresentationTextPx << QSize() << 0;
        QTest::newRow("larger, smallest") << 30 << QSize() << 0;
    }

    void testValueLabelsHaveTheRoomTheyNeed()
    {
        // Every value label fits the room the layout gives its axis, measured in the chart's font, and none is
        // drawn cut ("100 …"), not even right after the labels change from µs to the wider ms (laid out late,
        // they were cut to the old labels' room). At the window's sizes every chart shown keeps a label or two;
        // squeezed to its minimum, a chart leaves out a label rather than cut it.
        QFETCH(int, textPx);
        QFETCH(QSize, size);
        QFETCH(int, fewest);
        ChartPanel charts;
        charts.setLook(false, textPx);
        charts.resize(size.isEmpty() ? charts.minimumSizeHint() : size.expandedTo(charts.minimumSizeHint()));
        charts.show();
        QVERIFY(QTest::qWaitForWindowExposed(&charts));
        QFont font = charts.font();
        font.setPixelSize(textPx);
        const QFontMetricsF metrics(font);
        TelemetryHistory history;
        const auto check = [&](const QString &when) {
            for (int c = 0; c < int(ChartPanel::Chart::Count); ++c) {
                const auto chart = ChartPanel::Chart(c);
                if (charts.folded(chart))
                    continue; // nothing to show, nothing drawn
                const QStringList labels = charts.valueLabels(chart);
                double widest = 0;
                for (const QString &label : labels)
                    widest = std::max(widest, metrics.horizontalAdvance(label));
                const QString what = QStringLiteral("%1, %2: room %3 for %4 (%5)")
                                         .arg(when, charts.title(chart))
                                         .arg(charts.valueLabelRoom(chart))
                                         .arg(widest)
                                         .arg(labels.join(QLatin1Char('|')));
                QVERIFY2(labels.size() >= fewest, qPrintable(what));
                if (!labels.isEmpty())
                    QVERIFY2(charts.valueLabelRoom(chart) >= widest, qPrintable(what));
                for (const QString &text : charts.drawnTexts(chart))
                    QVERIFY2(!text.contains(QChar(0x2026)) && !text.contains(QLatin1String("...")),
                        qPrintable(
                            QStringLiteral("%1, %2: %3 in %4 (time labels %5)")
                                .arg(when, charts.title(chart), text, charts.drawnTexts(chart).join(QLatin1Char('|')),
                                    charts.timeLabels(chart).join(QLatin1Char('|')))));
            }
        };
        // A run's first 20 s, a redraw a second: the time axis grows, its labels change.
        for (int second = 1; second <= 20 && !QTest::currentTestFailed(); ++second) {
            addSnapshots(history, second - 0.9, second, 10, 200);
            charts.redraw(history);
            check(QStringLiteral("µs at %1 s").arg(second));
        }
        addSnapshots(history, 20.1, 70, 100000, 800000); // now 100-800 ms: "100 ms", "500 ms"
        charts.redraw(history);
        check(QStringLiteral("ms, at once"));
        QCoreApplication::sendPostedEvents(); // the layout requests, as the event loop would
        QCoreApplication::processEvents();
        check(QStringLiteral("ms, laid out"));
    }

    void testSchedulersLessonOpensTheLanesAndTheirNumbersAgree()
    {
        MainWindow window;
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto lesson = loadScenario(QStringLiteral(":/lessons/schedulers.json"));
        QVERIFY(std::holds_alternative<Scenario>(lesson));
        window.playScenario(std::get<Scenario>(lesson));
        auto *views = window.findChild<QTabWidget *>(QStringLiteral("views"));
        QVERIFY(views);
        QCOMPARE(views->tabText(views->currentIndex()), QStringLiteral("Schedulers"));
        auto *lanes = window.findChild<SchedulersView *>();
        QVERIFY(lanes && lanes->isVisible());
        // Two executor threads and the producer, each with a lane; CPU-bound work fills them.
        QTRY_VERIFY_WITH_TIMEOUT(lanes->laneLabels().size() >= 3, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(lanes->laneBusy()[0] + lanes->laneBusy()[1] > 0.3, 10000);
        // The percentage printed is the busy share drawn.
        const auto busy = lanes->laneBusy();
        const auto labels = lanes->laneLabels();
        for (std::size_t i = 0; i < busy.size(); ++i)
            QVERIFY2(labels[static_cast<int>(i)].endsWith(QStringLiteral(" · %1%").arg(std::lround(busy[i] * 100))),
                qPrintable(labels[static_cast<int>(i)]));
        QVERIFY(labels[0].startsWith(QLatin1String("executor 0")));
    }

    void testEveryCaptionNamesChartsTheWindowHas()
    {
        // A caption that says "bottom left" is wrong as soon as the layout changes (it was: bottom left became
        // Failures); a caption names its chart, and that chart must exist under that name.
        MainWindow window;
        auto *charts = window.findChild<ChartPanel *>();
        QVERIFY(charts);
        QStringList titles;
        for (int i = 0; i < static_cast<int>(ChartPanel::Chart::Count); ++i)
            titles << charts->title(static_cast<ChartPanel::Chart>(i));
        static const QRegularExpression place(
            QStringLiteral(
                R"(\b(top|bottom|upper|lower)[ -](left|right)\b|\b(on|at) the (left|right|top|bottom)\b|\((top|bottom|left|right)\b)"),
            QRegularExpression::CaseInsensitiveOption);
        static const QRegularExpression named(QStringLiteral(R"(\b[Tt]he ([A-Z][A-Za-z ,']*?) chart\b)"));
        const QStringList lessons = QDir(QStringLiteral(":/lessons")).entryList({QStringLiteral("*.json")});
        QVERIFY(lessons.size() >= 7);
        int namedCharts = 0;
        for (const QString &file : lessons) {
            const auto loaded = loadScenario(QStringLiteral(":/lessons/") + file);
            QVERIFY2(std::holds_alternative<Scenario>(loaded), qPrintable(file));
            for (const auto &step : std::get<Scenario>(loaded).timeline) {
                if (step.kind != ScenarioStep::Kind::Caption)
                    continue;
                const auto where = place.match(step.caption);
                QVERIFY2(!where.hasMatch(),
                    qPrintable(QStringLiteral("%1 at %2 s points at a place (\"%3\"); name the chart instead")
                                   .arg(file)
                                   .arg(step.atS)
                                   .arg(where.captured(0))));
                for (auto it = named.globalMatch(step.caption); it.hasNext();) {
                    const QString name = it.next().captured(1);
                    const bool exists = std::any_of(titles.begin(), titles.end(),
                        [&](const QString &title) { return title.startsWith(name, Qt::CaseInsensitive); });
                    QVERIFY2(exists,
                        qPrintable(QStringLiteral("%1 at %2 s names \"the %3 chart\"; the charts are: %4")
                                       .arg(file)
                                       .arg(step.atS)
                                       .arg(name, titles.join(QStringLiteral(" | ")))));
                    ++namedCharts;
                }
            }
        }
        QVERIFY(namedCharts >= 8); // the lessons do name charts: the pattern above is not dead
    }

    void initTestCase()
    {
        // Settings of a developer's own session never leak into the tests, nor the tests' into theirs.
        qputenv("XDG_CONFIG_HOME", m_config.path().toUtf8());
        initResources();
    }

    void testWindowStartsAndChartsFill()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        QTRY_VERIFY_WITH_TIMEOUT(window.charts()->pointCount(Series::Processed) > 3, 2000);
        QVERIFY(window.charts()->pointCount(Series::LatencyP99) > 3);
        QCOMPARE(window.conservationText(), QStringLiteral("lost 0"));
        QCOMPARE(window.topology()->consumerCount(), 8);
        const auto config = window.bridge()->engine()->config();
        QCOMPARE(config.rate.value_or(0), std::uint64_t{1000});
        QCOMPARE(config.consumers, 8);
    }

    void testLessonDrivesTheControlsAndMarksTheCharts()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto parsed = parseScenario("{\"name\": \"t\", \"duration_s\": 4, \"config\": {\"consumers\": 3, "
                                    "\"safety_cap\": 5000, \"crash_rate\": 0.00004},"
                                    " \"timeline\": [{\"at_s\": 0, \"caption\": \"first\"},"
                                    " {\"at_s\": 0.5, \"set\": {\"consumers\": 5}},"
                                    " {\"at_s\": 0.5, \"action\": \"kill_consumer\", \"target\": 4},"
                                    " {\"at_s\": 3, \"caption\": \"last\", \"check\": [\"after 0.5s: lost == 0\"]}],"
                                    " \"expect\": [\"@1s: lost == 0\", \"lost == 0\", \"lost > 0\"]}",
            QStringLiteral("t.json"));
        QVERIFY(std::holds_alternative<Scenario>(parsed));
        window.playScenario(std::get<Scenario>(parsed));
        LessonPanel *lesson = window.lessons();
        lesson->pause(); // the test drives the timeline with Next step: no race with the lesson's clock
        QVERIFY(lesson->isVisible());
        QCOMPARE(lesson->caption(), QStringLiteral("first"));
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        QCOMPARE(window.bridge()->engine()->config().consumers, 3);
        // Fields without a control, and values finer than a spin box shows, reach the engine exactly.
        QCOMPARE(window.bridge()->engine()->config().safetyCap, std::int64_t{5000});
        QCOMPARE(window.bridge()->engine()->config().crashRate, 0.00004);
        const double held = lesson->position();
        QTest::qWait(300);
        QCOMPARE(lesson->position(), held);

        // The set step moves the control and reaches the engine before the kill at the same time, so the
        // new consumer 4 exists to be killed; each step leaves a marker on the charts.
        lesson->step();
        QCOMPARE(lesson->stepsDone(), 3);
        QCOMPARE(window.controls()->config().consumers, 5);
        QCOMPARE(window.bridge()->engine()->config().consumers, 5);
        QCOMPARE(window.charts()->markerCount(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest() && window.bridge()->latest()->crashesKilled == 1, 3000);

        // Next step jumps over the @1s assertion: it is not judged, neither passed nor failed.
        lesson->step();
        QCOMPARE(lesson->caption(), QStringLiteral("last"));
        QCOMPARE(lesson->stepsDone(), 4);
        QCOMPARE(lesson->verdicts(), std::make_pair(0, 0));
        lesson->resume();
        // At the end the two end assertions and the last caption's check are judged: two hold, the false one
        // fails, and the caption says so; the check is listed under its step's number, as the markers are.
        QTRY_VERIFY_WITH_TIMEOUT(lesson->verdicts().first + lesson->verdicts().second == 3, 5000);
        QCOMPARE(lesson->verdicts(), std::make_pair(2, 1));
        QVERIFY(lesson->caption().contains(QLatin1String("2 of 3 expectations held")));
        auto *expect = lesson->findChild<QListWidget *>(QStringLiteral("lessonExpect"));
        QVERIFY(expect);
        QCOMPARE(expect->count(), 4);
        // Failed first, as a sentence; the expression is the tooltip. The check is listed under its caption's
        // number, as the markers are.
        QVERIFY2(expect->item(0)->text().startsWith(QStringLiteral("✗  lost events is above 0")),
            qPrintable(expect->item(0)->text()));
        QCOMPARE(expect->item(0)->toolTip(), QStringLiteral("lost > 0"));
        QVERIFY2(expect->item(2)->text().startsWith(QStringLiteral("✓  caption 2: lost events stays 0")),
            qPrintable(expect->item(2)->text()));
        QCOMPARE(expect->item(2)->toolTip(), QStringLiteral("after 0.5s: lost == 0"));
        auto *fold = lesson->findChild<QToolButton *>(QStringLiteral("lessonExpectFold"));
        QVERIFY(fold);
        QCOMPARE(fold->text(), QStringLiteral("Expected: ✓ 2 of 3 — failed: the end"));
        QVERIFY(!expect->isVisible()); // folded to its one line until clicked
        fold->click();
        QVERIFY(expect->isVisible());
        // Restart after the end: the engine is reset and the lesson plays from the beginning.
        lesson->restart();
        QCOMPARE(lesson->caption(), QStringLiteral("first"));
        QCOMPARE(lesson->verdicts(), std::make_pair(0, 0));
        QCOMPARE(window.charts()->markerCount(), 0);
        QCOMPARE(window.controls()->config().consumers, 3);
        QVERIFY(lesson->playing());
    }

    /// The time cursor: a lesson plays, the engine is paused, the cursor goes back to when consumer 0 slowed;
    /// every view shows that moment, and what the tiles and the topology show is what views fed the recorded
    /// snapshot of that time show. End returns to live.
    void testTimeCursorShowsTheRecordedMomentEverywhere()
    {
        MainWindow window;
        window.resize(1920, 1080);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto lesson = loadScenario(QStringLiteral(":/lessons/slow-consumer.json"));
        QVERIFY(std::holds_alternative<Scenario>(lesson));
        window.playScenario(std::get<Scenario>(lesson), 2.0); // consumer 0 slows at 2.5 s
        QTRY_VERIFY_WITH_TIMEOUT(
            window.timeCursor()->recorder() && window.timeCursor()->recorder()->lastS() > 5.0, 20000);
        auto recorder = window.timeCursor()->recorder();
        QVERIFY(window.timeCursor()->live());

        // Pause engine: the engine pauses and the view freezes at the newest snapshot.
        QTest::keyClick(&window, Qt::Key_P);
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Paused, 3000);
        QVERIFY(!window.timeCursor()->live());
        QVERIFY(!window.lessons()->playing()); // the lesson's clock stops with the engine: no check judges a pause
        QVERIFY(window.pastBannerText().contains(QStringLiteral("paused")));

        window.timeCursor()->moveTo(2.5);
        const double at = *window.timeCursor()->at();
        const std::size_t index = recorder->indexAt(2.5);
        QCOMPARE(at, recorder->timeOf(index));
        QVERIFY(at <= 2.5 && at > 2.5 - 0.2);
        const auto recorded = recorder->at(index);
        QCOMPARE(window.shownSnapshot()->sequence, recorded->sequence);

        // The tiles and the topology show what they show when fed the recorded snapshot.
        StatTiles tiles;
        tiles.showSnapshot(*recorded, littlesLaw(recorder->between(at - LittlesRule{}.trendS - 0.5, at)));
        for (int t = 0; t < static_cast<int>(StatTiles::Tile::Count); ++t) {
            const auto tile = static_cast<StatTiles::Tile>(t);
            QCOMPARE(window.tiles()->value(tile), tiles.value(tile));
            QCOMPARE(window.tiles()->detail(tile), tiles.detail(tile));
        }
        TopologyView topology;
        topology.resize(window.topology()->size());
        topology.showSnapshot(*recorded);
        QCOMPARE(window.topology()->consumerCount(), topology.consumerCount());
        for (int c = 0; c < topology.consumerCount(); ++c) {
            QCOMPARE(window.topology()->consumerText(c), topology.consumerText(c));
            QVERIFY(window.topology()->consumerState(c) == topology.consumerState(c));
        }
        // Every other view is at the same moment: the charts' cursor line, the timeline, the event log, the
        // caption that was on screen then.
        QCOMPARE(window.charts()->cursorLine().value_or(-1), at);
        QCOMPARE(window.timeline()->cursorAt().value_or(-1), at);
        const auto caption = recorder->captionAt(at);
        QVERIFY(caption);
        QVERIFY(window.lessons()->caption().endsWith(QString::fromStdString(caption->text)));
        QVERIFY(window.lessons()->caption().startsWith(QStringLiteral("At %1 s:").arg(at, 0, 'f', 1)));
        QVERIFY(window.pastBannerText().contains(QStringLiteral("%1 s").arg(at, 0, 'f', 1)));

        // The keys: one sample back, one second on, the oldest, live.
        QTest::keyClick(&window, Qt::Key_Left);
        QCOMPARE(*window.timeCursor()->at(), recorder->timeOf(index - 1));
        QTest::keyClick(&window, Qt::Key_Right, Qt::ShiftModifier);
        QVERIFY(std::abs(*window.timeCursor()->at() - (recorder->timeOf(index - 1) + 1.0)) < 0.11);
        QTest::keyClick(&window, Qt::Key_Home);
        QCOMPARE(*window.timeCursor()->at(), recorder->firstS());
        QTest::keyClick(&window, Qt::Key_End);
        QVERIFY(window.timeCursor()->live());
        QVERIFY(window.pastBannerText().isEmpty());
        QVERIFY(!window.charts()->cursorLine());
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 3000); // live again: resumed
        QVERIFY(window.lessons()->playing());
        // An engine paused from the controls is theirs: freezing the view and going live leaves it paused.
        window.bridge()->pause();
        QTest::keyClick(&window, Qt::Key_F);
        QVERIFY(!window.timeCursor()->live());
        QTest::keyClick(&window, Qt::Key_End);
        QVERIFY(window.timeCursor()->live());
        QVERIFY(window.bridge()->state() == EngineState::Paused); // resume() would have taken effect at once
    }

    /// Scrubbing the largest pipeline: every cursor move redraws every view from the recorder, painted whole
    /// (grab()). The time each takes is printed (docs/recording.md quotes it), not asserted: tests never assert
    /// timings.
    void testScrubbingTheLargestPipeline()
    {
        MainWindow window;
        window.resize(1920, 1080);
        window.setPresentationMode(true);
        PipelineConfig config = window.controls()->config();
        config.producers = 64;
        config.consumers = 256;
        config.rate = 100;
        window.controls()->setConfig(config);
        window.bridge()->applyNow(config);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.timeCursor()->recorder() && window.timeCursor()->recorder()->lastS() > 4.0
                && window.bridge()->latest()->consumers.size() == 256,
            30000);
        window.timeCursor()->freeze();
        QElapsedTimer clock;
        qint64 longest = 0;
        qint64 total = 0;
        int moves = 0;
        for (int i = 0; i < 20; ++i) {
            const double before = *window.timeCursor()->at();
            clock.start();
            // A second back, then one sample on: every key moves the cursor, and every view redraws.
            QTest::keyClick(
                &window, i % 2 == 0 ? Qt::Key_Left : Qt::Key_Right, i % 2 == 0 ? Qt::ShiftModifier : Qt::NoModifier);
            QCoreApplication::processEvents(); // the scenes' queued changes
            window.grab(); // and every pixel painted: an upper bound of what the screen waits for
            const qint64 ms = clock.elapsed();
            QVERIFY(*window.timeCursor()->at() != before);
            longest = std::max(longest, ms);
            total += ms;
            ++moves;
        }
        QCOMPARE(window.shownSnapshot()->consumers.size(), std::size_t{256});
        qInfo("scrubbing 64 producers and 256 consumers at 1920x1080: %d moves, mean %.1f ms, longest %lld ms", moves,
            static_cast<double>(total) / moves, static_cast<long long>(longest));
        // The window saves its settings as it closes: the suites after this one start from the usual ones.
        window.setPresentationMode(false);
        window.controls()->setConfig(PipelineConfig{});
    }

    /// The action `text` (with its &) in any menu of `bar`, or null.
    static QAction *findAction(QMenuBar *bar, const QString &text)
    {
        for (QAction *menu : bar->actions()) {
            if (!menu->menu())
                continue;
            for (QAction *action : menu->menu()->actions()) {
                if (action->text() == text)
                    return action;
            }
        }
        return nullptr;
    }

    /// The engine threads running in this process now (they are all named beam-*).
    static QStringList engineThreads()
    {
        QStringList names;
        const QDir tasks(QStringLiteral("/proc/self/task"));
        for (const QString &task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            QFile comm(tasks.filePath(task + QStringLiteral("/comm")));
            if (comm.open(QIODevice::ReadOnly)) {
                const QString name = QString::fromUtf8(comm.readAll()).trimmed();
                if (name.startsWith(QStringLiteral("beam-")))
                    names << name;
            }
        }
        return names;
    }

    /// A recording of a short real run with a lesson's marks, saved to `path`.
    static void recordARun(const QString &path)
    {
        PipelineConfig config;
        config.rate = 2000;
        config.crashRate = 0.002;
        Engine engine(config);
        QVERIFY(engine.start().empty());
        engine.recorder()->addMark({0.0, 0.0, LessonMark::Kind::Start, -1, "t", {}, {}});
        engine.recorder()->addMark({0.05, 0.05, LessonMark::Kind::Caption, 0, "the first caption", {}, {}});
        QTRY_VERIFY_WITH_TIMEOUT(engine.recorder()->lastS() > 1.0, 10000);
        engine.recorder()->addMark(
            {engine.elapsedS(), 1.0, LessonMark::Kind::Caption, 2, "the second caption", {}, {}});
        QTRY_VERIFY_WITH_TIMEOUT(engine.recorder()->lastS() > 2.5, 10000);
        engine.stop();
        std::string error;
        QVERIFY2(saveRecording(*engine.recorder(), RecordingInfo{}, path.toStdString(), error), error.c_str());
    }

    /// --replay's window: the recording plays under the time cursor and no engine thread ever starts; P pauses;
    /// every view shows the recorded moment; Close recording returns to a running engine.
    void testReplayRunsNoEngine()
    {
        QTemporaryDir folder;
        const QString path = folder.filePath(QStringLiteral("run.db"));
        recordARun(path);
        QVERIFY(!QTest::currentTestFailed());
        QTRY_VERIFY_WITH_TIMEOUT(engineThreads().isEmpty(), 5000); // the recording engine's threads are gone
        std::string error;
        auto recording = readRecording(path.toStdString(), error);
        QVERIFY2(recording, error.c_str());

        MainWindow window;
        window.showRecording(*recording, path); // before the event loop runs: as --replay does
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.replayPath(), path);
        QVERIFY(!window.timeCursor()->live());
        const double first = *window.timeCursor()->at();
        QTRY_VERIFY_WITH_TIMEOUT(*window.timeCursor()->at() > first + 0.5, 5000); // it plays
        QVERIFY(window.pastBannerText().startsWith(QStringLiteral("Replay of run.db")));
        QVERIFY(!window.bridge()->engine());
        QCOMPARE(engineThreads(), QStringList{});
        // The caption on screen then, and the tiles of the recorded snapshot.
        QTest::keyClick(&window, Qt::Key_P);
        const double paused = *window.timeCursor()->at();
        QSignalSpy moved(window.timeCursor(), &TimeCursor::moved);
        QVERIFY(!moved.wait(400)); // six ticks of the replay's timer, and the cursor stays
        QCOMPARE(*window.timeCursor()->at(), paused);
        window.timeCursor()->moveTo(1.5);
        QVERIFY(window.lessons()->caption().endsWith(QStringLiteral("the second caption")));
        const auto recorded = window.timeCursor()->recorder()->at(window.timeCursor()->recorder()->indexAt(1.5));
        QCOMPARE(window.shownSnapshot()->processed, recorded->processed);
        // The run paced batched (the default): the recording kept its pacing lag, and the Latency chart draws it.
        QCOMPARE(recorded->config.pacingUs, PipelineConfig::kDefaultPacingUs);
        QVERIFY(recorded->pacingLag.count > 0);
        QCOMPARE(window.shownSnapshot()->pacingLag.p99, recorded->pacingLag.p99);
        QTRY_VERIFY_WITH_TIMEOUT(window.charts()->pointCount(Series::PacingLagP99) > 0, 5000);
        QCOMPARE(engineThreads(), QStringList{});

        // Close recording: back to the engine, live.
        auto *close = findAction(window.menuBar(), QStringLiteral("C&lose recording"));
        QVERIFY(close && close->isEnabled());
        close->trigger();
        QVERIFY(window.replayPath().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->engine() && window.timeCursor()->live(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!engineThreads().isEmpty(), 5000);
    }

    /// A lesson that ships a recording plays it instead of running the engine.
    void testLessonWithARecordingReplaysIt()
    {
        QTemporaryDir folder;
        recordARun(folder.filePath(QStringLiteral("lesson.db")));
        QVERIFY(!QTest::currentTestFailed());
        QFile file(folder.filePath(QStringLiteral("lesson.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"name\": \"recorded\", \"duration_s\": 3, \"recording\": \"lesson.db\"}");
        file.close();
        auto lesson = loadScenario(file.fileName());
        QVERIFY(std::holds_alternative<Scenario>(lesson));
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->engine(), 5000);
        window.playScenario(std::get<Scenario>(lesson));
        QCOMPARE(window.replayPath(), folder.filePath(QStringLiteral("lesson.db")));
        QVERIFY(!window.bridge()->engine());
        QTRY_VERIFY_WITH_TIMEOUT(engineThreads().isEmpty(), 5000); // the running engine went
    }

    /// A file that is not a recording: a message box naming it and the problem, and nothing else changes.
    void testOpeningABadRecordingChangesNothing()
    {
        QTemporaryDir folder;
        const QString path = folder.filePath(QStringLiteral("notes.db"));
        QFile text(path);
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("these are my notes, not a recording\n");
        text.close();
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->engine() && window.timeCursor()->recorder(), 5000);
        const Engine *engine = window.bridge()->engine();
        QVERIFY(!window.openRecording(path));
        auto *box = window.findChild<QMessageBox *>(QStringLiteral("recordingProblem"));
        QVERIFY(box && box->isVisible());
        QVERIFY2(box->text().startsWith(path + QStringLiteral(": ")), qPrintable(box->text()));
        QVERIFY(!box->text().contains(QLatin1Char('\n')));
        QCOMPARE(window.bridge()->engine(), engine);
        QVERIFY(window.replayPath().isEmpty());
        QVERIFY(window.timeCursor()->live());
        box->close();
    }

    /// Clicking an event in the log takes the cursor to it; rows after the cursor are marked as not yet happened.
    void testClickingAnEventMovesTheCursor()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest() && window.bridge()->latest()->elapsedS > 1.0, 10000);
        window.bridge()->killConsumer(2);
        QTRY_VERIFY_WITH_TIMEOUT(window.eventLog()->rowCount() >= 2, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(window.timeCursor()->recorder()->lastS() > window.eventLog()->timeAt(1) + 0.5, 5000);
        auto *table = window.findChild<QTableView *>(QStringLiteral("eventLog"));
        QVERIFY(table);
        qobject_cast<QTabWidget *>(window.findChild<QTabWidget *>(QStringLiteral("views")))->setCurrentWidget(table);
        const QModelIndex first = window.eventLog()->index(0, 0);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(first).center());
        const double at = *window.timeCursor()->at();
        QVERIFY(at <= window.eventLog()->timeAt(0));
        QVERIFY(at > window.eventLog()->timeAt(0) - 0.2);
        QVERIFY(window.eventLog()->afterCursor(1));
        QVERIFY(window.timeline()->cursorAt().has_value());
    }

    void testStopThenLessonKeepsTheLessonsEngine()
    {
        MainWindow window;
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        PipelineConfig slow;
        slow.ioUs = 20000; // the drain below takes a few hundred milliseconds: 100 events, 400 a second
        slow.maxInFlight = 100;
        slow.rate = 1000;
        window.bridge()->applyNow(slow);
        QTest::qWait(300);
        window.bridge()->stop(); // drains on a helper thread
        auto parsed = parseScenario(
            "{\"name\": \"t\", \"duration_s\": 30, \"config\": {\"consumers\": 6}}", QStringLiteral("t.json"));
        window.playScenario(std::get<Scenario>(parsed));
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        QTest::qWait(1500); // the old drain finishes meanwhile
        QCOMPARE(window.bridge()->engine()->config().consumers, 6);
        QVERIFY(window.bridge()->state() == EngineState::Running);
    }

    void testResetDoesNotWaitForTheEngine()
    {
        MainWindow window;
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        PipelineConfig heavy;
        heavy.workUs = 100000;
        heavy.slowConsumer = SlowConsumer{0, 20}; // consumer 0 spends 2 s of CPU on each event
        heavy.rate = 200;
        window.bridge()->applyNow(heavy);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.bridge()->latest() && window.bridge()->latest()->consumers[0].queueDepth > 0, 3000);
        QElapsedTimer clock;
        clock.start();
        window.bridge()->reset();
        // Stopping inline would wait for consumer 0's event in progress (up to 2 s); on the helper thread,
        // reset() returns at once. The bound is loose on purpose: half the event.
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    }

    void testEveryControlReachesTheEngine_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<double>("value");
        QTest::newRow("rate") << QStringLiteral("rate") << 5000.0;
        QTest::newRow("producers") << QStringLiteral("producers") << 3.0;
        QTest::newRow("consumers") << QStringLiteral("consumers") << 5.0;
        QTest::newRow("max_in_flight") << QStringLiteral("max_in_flight") << 64.0;
        QTest::newRow("work_us") << QStringLiteral("work_us") << 7.0;
        QTest::newRow("io_us") << QStringLiteral("io_us") << 150.0;
        QTest::newRow("fault_rate") << QStringLiteral("fault_rate") << 0.125;
        QTest::newRow("crash_rate") << QStringLiteral("crash_rate") << 0.0005;
        QTest::newRow("max_restarts") << QStringLiteral("max_restarts") << 40.0;
        QTest::newRow("max_seconds") << QStringLiteral("max_seconds") << 2.5;
    }

    void testEveryControlReachesTheEngine()
    {
        QFETCH(QString, field);
        QFETCH(double, value);
        MainWindow window;
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        QDoubleSpinBox *spin = window.controls()->spinBox(field);
        QVERIFY(spin);
        spin->setValue(value);
        const auto applied = [&] {
            const PipelineConfig c = window.bridge()->engine()->config();
            const std::map<QString, double> actual{
                {QStringLiteral("rate"), static_cast<double>(c.rate.value_or(0))},
                {QStringLiteral("producers"), c.producers},
                {QStringLiteral("consumers"), c.consumers},
                {QStringLiteral("max_in_flight"), static_cast<double>(c.maxInFlight)},
                {QStringLiteral("work_us"), c.workUs},
                {QStringLiteral("io_us"), c.ioUs},
                {QStringLiteral("fault_rate"), c.faultRate},
                {QStringLiteral("crash_rate"), c.crashRate},
                {QStringLiteral("max_restarts"), c.maxRestarts},
                {QStringLiteral("max_seconds"), c.maxSeconds},
            };
            return qFuzzyCompare(actual.at(field) + 1, value + 1);
        };
        QTRY_VERIFY_WITH_TIMEOUT(applied(), waitMs());
        // The slider moved with the spin box, and moving the slider changes the value back.
        QSlider *slider = window.controls()->slider(field);
        const double before = spin->value();
        slider->setValue(slider->value() == 0 ? 500 : 0);
        QVERIFY(spin->value() != before);
    }

    void testClickingAConsumerKillsIt()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest() != nullptr, 2000);
        TopologyView *view = window.topology();
        const QPoint at = view->consumerCentre(2);
        QCOMPARE(view->consumerAt(view->mapToScene(at)), 2);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, at);
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest()->crashesKilled == 1, 3000);
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest()->restarts == 1, 3000);
        const auto s = window.bridge()->latest();
        const auto c2
            = std::find_if(s->consumers.begin(), s->consumers.end(), [](const auto &c) { return c.index == 2; });
        QCOMPARE(c2->restarts, std::uint64_t{1});
        QCOMPARE(window.conservationText(), QStringLiteral("lost 0"));
    }

    void testExtremeValuesNeitherCrashNorLose()
    {
        MainWindow window;
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 2000);
        const QStringList fields{QStringLiteral("rate"), QStringLiteral("producers"), QStringLiteral("consumers"),
            QStringLiteral("max_in_flight"), QStringLiteral("fault_rate"), QStringLiteral("work_us")};
        for (int end : {1000, 0, 1000}) {
            for (const QString &field : fields)
                window.controls()->slider(field)->setValue(end);
            QTest::qWait(waitMs());
            QVERIFY(window.bridge()->state() == EngineState::Running);
        }
        window.controls()->slider(QStringLiteral("work_us"))->setValue(0);
        window.controls()->slider(QStringLiteral("fault_rate"))->setValue(0);
        QTest::qWait(waitMs());
        QSignalSpy stopped(window.bridge(), &EngineBridge::stopped);
        window.bridge()->stop();
        QVERIFY(stopped.wait(30000));
        const auto s = window.bridge()->latest();
        QVERIFY(s->state == EngineState::Stopped);
        QCOMPARE(s->lost, std::int64_t{0});
        QCOMPARE(s->inFlight, std::int64_t{0});
        QCOMPARE(s->produced, s->processed + s->deadLettered + s->dropped + s->abandoned);
        QCOMPARE(window.conservationText(), QStringLiteral("lost 0"));
    }

    void testFreezeViewKeepsThePictureWhileTheEngineRunsOn()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.charts()->pointCount(Series::Processed) > 2, 2000);
        QTest::keyClick(&window, Qt::Key_F); // Freeze view: the engine runs on
        QVERIFY(!window.timeCursor()->live());
        const int frozen = window.charts()->pointCount(Series::Processed);
        const auto history = window.history().size();
        QTRY_VERIFY_WITH_TIMEOUT(window.history().size() > history + 3, 3000); // the history keeps growing
        QVERIFY(window.bridge()->state() == EngineState::Running);
        QCOMPARE(window.charts()->pointCount(Series::Processed), frozen); // the picture stays
        QTest::keyClick(&window, Qt::Key_End);
        QVERIFY(window.charts()->pointCount(Series::Processed) > frozen); // live: drawn at once with what came
    }

    void testPresentationTextIsReadableAndWhole()
    {
        // A projector at 1920x1080, a lesson playing: every text on screen is at least 24 px tall (8 m / 250 with
        // a quarter to spare) and none is elided or cut off by its parent.
        MainWindow window;
        window.setPresentationMode(true);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_COMPARE(window.size(), QSize(1920, 1080)); // full screen on the projector's display
        QVERIFY(!window.controlsDock()->isVisible()); // folded away for the charts
        auto lesson = loadScenario(QStringLiteral(":/lessons/slow-consumer.json"));
        QVERIFY(std::holds_alternative<Scenario>(lesson));
        window.playScenario(std::get<Scenario>(lesson));
        QTRY_VERIFY_WITH_TIMEOUT(window.history().size() > 25, 8000); // Little's law has two seconds to judge
        QTRY_VERIFY_WITH_TIMEOUT(!window.lessons()->caption().isEmpty(), 3000);
        QTest::qWait(200); // a few redraws at this size

        constexpr int kMinPx = visual::kPresentationTextPx;
        double smallestTopology = 1e9;
        const auto elided
            = [](const QString &text) { return text.contains(QChar(0x2026)) || text.contains(QLatin1String("...")); };
        int checked = 0;
        for (QWidget *w : window.findChildren<QWidget *>()) {
            if (!w->isVisible() || w->window() != &window)
                continue;
            QString text;
            if (auto *label = qobject_cast<QLabel *>(w))
                text = label->text();
            else if (auto *button = qobject_cast<QAbstractButton *>(w))
                text = button->text();
            else if (auto *combo = qobject_cast<QComboBox *>(w))
                text = combo->currentText();
            else if (auto *list = qobject_cast<QListWidget *>(w))
                text = list->count() > 0 ? list->item(0)->text() : QString();
            else if (qobject_cast<QGroupBox *>(w))
                text = qobject_cast<QGroupBox *>(w)->title();
            if (text.isEmpty())
                continue;
            ++checked;
            const QString what
                = QStringLiteral("%1 '%2'").arg(QLatin1String(w->metaObject()->className()), text.left(40));
            QVERIFY2(QFontInfo(w->font()).pixelSize() >= kMinPx,
                qPrintable(QStringLiteral("%1 is %2 px").arg(what).arg(QFontInfo(w->font()).pixelSize())));
            QVERIFY2(!elided(text), qPrintable(what));
            if (auto *label = qobject_cast<QLabel *>(w)) {
                const bool fits = label->wordWrap() ? label->height() + 1 >= label->heightForWidth(label->width())
                                                    : label->width() + 1 >= label->sizeHint().width();
                QVERIFY2(fits,
                    qPrintable(QStringLiteral("%1 is cut: %2x%3").arg(what).arg(label->width()).arg(label->height())));
            }
            if (QWidget *parent = w->parentWidget();
                parent && !qobject_cast<QAbstractScrollArea *>(parent->parentWidget()))
                QVERIFY2(parent->rect().contains(w->geometry()),
                    qPrintable(what + QStringLiteral(" sticks out of its parent")));
        }
        QVERIFY(checked > 30);
        QVERIFY(QFontInfo(window.menuBar()->font()).pixelSize() >= kMinPx);

        // Text drawn in the charts and the topology, as rendered: font size times every scale on the way.
        int views = 0;
        for (QGraphicsView *view : window.findChildren<QGraphicsView *>()) {
            if (!view->isVisible())
                continue;
            ++views;
            int items = 0;
            const QRectF shown = view->mapToScene(view->viewport()->rect()).boundingRect();
            for (QGraphicsItem *item : view->scene()->items()) {
                QString text;
                QFont font;
                if (auto *simple = dynamic_cast<QGraphicsSimpleTextItem *>(item)) {
                    text = simple->text();
                    font = simple->font();
                } else if (auto *rich = dynamic_cast<QGraphicsTextItem *>(item)) {
                    text = rich->toPlainText();
                    font = rich->font();
                }
                if (text.trimmed().isEmpty() || !item->isVisible() || !shown.intersects(item->sceneBoundingRect()))
                    continue;
                ++items;
                const double px = QFontInfo(font).pixelSize() * view->transform().m11() * item->sceneTransform().m11();
                // The topology too, with the lesson panel beside it: it lays out more compactly (supervisors'
                // headers in two lines) and, where even that does not fit, scrolls rather than shrink its text
                // (it was 21-22 px).
                QVERIFY2(px >= kMinPx - 0.01,
                    qPrintable(QStringLiteral("'%1' in %2 renders at %3 px")
                                   .arg(text, QLatin1String(view->metaObject()->className()))
                                   .arg(px)));
                if (qobject_cast<TopologyView *>(view))
                    smallestTopology = std::min(smallestTopology, px);
                QVERIFY2(!elided(text),
                    qPrintable(QStringLiteral("%1 in %2 at %3,%4 (%5)")
                                   .arg(text, QLatin1String(view->metaObject()->className()))
                                   .arg(item->sceneBoundingRect().x())
                                   .arg(item->sceneBoundingRect().y())
                                   .arg(QLatin1String(typeid(*item).name()))
                        + [&] {
                              QStringList all;
                              for (int c = 0; c < int(ChartPanel::Chart::Count); ++c)
                                  all << window.charts()->valueLabels(ChartPanel::Chart(c)).join(QLatin1Char('|'));
                              return all.join(QStringLiteral(" ; "));
                          }()));
            }
            // At least two ticks on each axis of a chart; every node of the topology.
            QVERIFY2(items >= 4, qPrintable(QString::number(items)));
        }
        qInfo("slow-consumer at 1920x1080: smallest topology text %.1f px, the diagram %s its pane", smallestTopology,
            window.topology()->verticalScrollBar()->isVisible() || window.topology()->horizontalScrollBar()->isVisible()
                ? "scrolls in"
                : "fits");
        QVERIFY(smallestTopology >= kMinPx - 0.01);
        checkTileValuesFit(window);
        // The charts with something to show and the topology: slow-consumer has no failures, so that chart folded.
        int charts = 0;
        for (int c = 0; c < static_cast<int>(ChartPanel::Chart::Count); ++c)
            charts += window.charts()->folded(static_cast<ChartPanel::Chart>(c)) ? 0 : 1;
        QVERIFY(window.charts()->folded(ChartPanel::Chart::Failures));
        QCOMPARE(views, charts + 1);

        // The caption is the largest text after the tiles' numbers.
        auto *caption = window.findChild<QLabel *>(QStringLiteral("lessonCaption"));
        QVERIFY(caption);
        const int captionPx = QFontInfo(caption->font()).pixelSize();
        for (QLabel *label : window.findChildren<QLabel *>()) {
            if (label != caption && label->isVisible() && label->objectName() != QLatin1String("statValue"))
                QVERIFY2(QFontInfo(label->font()).pixelSize() < captionPx, qPrintable(label->text().left(40)));
        }
        // Every caption of every lesson is shown whole: its label is as tall as its text needs at its width
        // (a layout share cut six of 36 captions mid-sentence).
        for (const char *name : {"steady-state", "slow-consumer", "overload-three-ways", "let-it-crash", "crash-storm",
                 "scaling-out", "littles-law", "schedulers", "queueing-theory", "batching"}) {
            const auto loaded = loadScenario(QStringLiteral(":/lessons/%1.json").arg(QLatin1String(name)));
            QVERIFY(std::holds_alternative<Scenario>(loaded));
            for (const auto &step : std::get<Scenario>(loaded).timeline) {
                if (step.kind != ScenarioStep::Kind::Caption)
                    continue;
                window.lessons()->setCaptionText(step.caption);
                QTRY_VERIFY2(caption->height() >= caption->heightForWidth(caption->width()),
                    qPrintable(QStringLiteral("%1: %2 px for %3 px of text: %4")
                                   .arg(QLatin1String(name))
                                   .arg(caption->height())
                                   .arg(caption->heightForWidth(caption->width()))
                                   .arg(step.caption.left(60))));
            }
        }
    }

    void testControlsNeverWidenTheWindowPastTheScreen()
    {
        // Presentation mode with a lesson playing: the lesson panel on the right, then F9 opens the controls on
        // the left. The window stays the screen's width and neither panel is cut.
        MainWindow window;
        window.setPresentationMode(true);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto lesson = loadScenario(QStringLiteral(":/lessons/slow-consumer.json"));
        QVERIFY(std::holds_alternative<Scenario>(lesson));
        window.playScenario(std::get<Scenario>(lesson));
        QTRY_VERIFY(window.lessons()->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(window.history().size() > 5, 3000);
        checkFitsItsScreen(window, QStringLiteral("presentation, lesson"));
        QVERIFY(!window.controlsDock()->isVisible());
        QCOMPARE(window.controlsAction()->shortcut(), QKeySequence(Qt::Key_F9));
        const WidthWatch watch(&window);
        window.controlsAction()->trigger(); // F9
        QTRY_VERIFY(window.controlsDock()->isVisible());
        checkFitsItsScreen(window, QStringLiteral("presentation, lesson and controls"));
        QCOMPARE(watch.widest(), window.screen()->geometry().width()); // not for a moment wider
        qInfo("presentation with the lesson and the controls: window %dx%d, controls %d px wide, lesson %d px",
            window.width(), window.height(), window.controlsDock()->width(), window.lessons()->width());

        // At a desk too: a window as wide as the screen, not full screen.
        window.setPresentationMode(false);
        QTRY_VERIFY(!window.isFullScreen());
        window.setGeometry(window.screen()->availableGeometry());
        window.controlsAction()->trigger();
        QTRY_VERIFY(!window.controlsDock()->isVisible());
        window.controlsAction()->trigger();
        QTRY_VERIFY(window.controlsDock()->isVisible());
        checkFitsItsScreen(window, QStringLiteral("desk, lesson and controls"));
    }

    void testLargestConfigurationFitsTheScreen()
    {
        // 64 producers and 256 consumers: the producers group into a grid as the consumers do, the scheduler
        // lanes (a lane a thread) scroll, and the window stays on its screen with every text of the topology
        // readable from the back row.
        MainWindow window;
        window.setPresentationMode(true);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 3000);
        PipelineConfig big = window.controls()->config();
        big.producers = 64;
        big.consumers = 256;
        big.rate = 100;
        window.controls()->setConfig(big);
        QTRY_VERIFY_WITH_TIMEOUT(window.topology()->consumerCount() == 256, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest()->producers.size() == 64, 5000);
        QTest::qWait(400); // the schedulers' lanes fill from a later snapshot
        checkFitsItsScreen(window, QStringLiteral("64 producers, 256 consumers, presentation"));
        const double smallest = smallestTopologyPx(window.topology());
        qInfo("64 producers, 256 consumers: window %dx%d, smallest topology text %.1f px", window.width(),
            window.height(), smallest);
        QVERIFY2(smallest >= visual::kPresentationTextPx - 0.01, qPrintable(QString::number(smallest)));
        const QStringList texts = window.topology()->texts();
        // A grid's rows of producers, as many to a row as draw the diagram largest.
        QVERIFY2(
            std::any_of(texts.begin(), texts.end(),
                [](const QString &t) { return QRegularExpression(QStringLiteral("^P0–\\d+$")).match(t).hasMatch(); }),
            qPrintable(texts.join(QLatin1Char('|'))));
        QVERIFY(texts.join(QLatin1Char(' ')).contains(QLatin1String("held back")));
        auto *views = window.findChild<QTabWidget *>(QStringLiteral("views"));
        views->setCurrentIndex(1); // the lanes
        checkFitsItsScreen(window, QStringLiteral("64 producers, 256 consumers, the Schedulers tab"));
        window.setPresentationMode(false);
        QTRY_VERIFY(!window.isFullScreen());
        checkFitsItsScreen(window, QStringLiteral("64 producers, 256 consumers, desk"));
    }

    void testTopologyExplainsItsMarks()
    {
        // No sign a student has to be told about: restarts in words, each supervisor's intensity in words, and
        // the limiter box shows the limiter_node's own count against its threshold, named as the code names them.
        TopologyView view;
        view.resize(1200, 700);
        view.show();
        Snapshot s = fakeSnapshot(2, 4);
        s.limiterCount = 500;
        s.consumers[1].restarts = 3;
        s.supervisors[2].restartsInWindow = 2;
        s.supervisors[2].maxRestarts = 200;
        s.supervisors[2].maxSeconds = 1;
        view.showSnapshot(s);
        const QString all = view.texts().join(QLatin1Char('\n'));
        for (const char *gone : {"↻", "slots", "budget", "4,096", "sup."})
            QVERIFY2(!all.contains(QString::fromUtf8(gone)), gone);
        QVERIFY(view.consumerText(1).contains(QLatin1String("restarts 3")));
        QVERIFY(!view.consumerText(0).contains(QLatin1String("restarts"))); // none yet: nothing to say
        QVERIFY2(all.contains(QLatin1String("limiter_node\ncount 500\nthreshold 1,000\nrefused 0/s")), qPrintable(all));
        // In four lines or two, whichever draws the diagram larger.
        QVERIFY2(all.contains(QLatin1String("restarts 2 of 200\nallowed in 1 s"))
                || all.contains(QLatin1String("restarts 2 of 200 allowed in 1 s")),
            qPrintable(all));
        QVERIFY2(all.contains(QLatin1String("restarts 0 of 3 allowed in 5 s")), qPrintable(all));
    }

    void testEmptyChartsFold()
    {
        // Failures without faults and Held back without back-pressure have nothing to show: they fold away and
        // the other charts take their room. The first failure brings its chart back at once; it folds again
        // only after foldAfterS() without one, so it never comes and goes with each second.
        ChartPanel charts;
        charts.resize(900, 900);
        charts.show();
        TelemetryHistory history;
        Snapshot s = fakeSnapshot(1, 2);
        s.processedPerSec = 1000;
        s.producedPerSec = 1000;
        const auto advance = [&](double seconds) {
            for (double end = s.elapsedS + seconds; s.elapsedS < end - 1e-9;) {
                s.elapsedS += 0.1;
                history.add(s);
            }
            charts.redraw(history);
        };
        advance(5);
        QVERIFY(charts.folded(ChartPanel::Chart::Failures));
        QVERIFY(charts.folded(ChartPanel::Chart::HeldBack));
        QVERIFY(!charts.folded(ChartPanel::Chart::Throughput));
        QVERIFY(!charts.lineShown(Series::Dropped));
        QVERIFY(charts.lineShown(Series::Processed));
        QCOMPARE(charts.legend(ChartPanel::Chart::Throughput), (QStringList{tr("processed"), tr("produced")}));

        // One failed attempt: the chart is back at the next redraw, with only what it has to show named.
        s.failedPerSec = 50;
        advance(0.1);
        s.failedPerSec = 0;
        QVERIFY(!charts.folded(ChartPanel::Chart::Failures));
        QVERIFY(charts.lineShown(Series::FailuresPerSec));
        QVERIFY(!charts.lineShown(Series::RestartsPerSec));
        QCOMPARE(charts.legend(ChartPanel::Chart::Failures), QStringList{tr("failed")});
        // Quiet again: it stays for foldAfterS(), at least half a minute, then folds.
        QVERIFY(charts.foldAfterS() >= 30);
        advance(charts.foldAfterS() - 1);
        QVERIFY(!charts.folded(ChartPanel::Chart::Failures));
        advance(1.5);
        QVERIFY(charts.folded(ChartPanel::Chart::Failures));

        // Drops show on Throughput, beside the lines that are always there.
        s.droppedPerSec = 300;
        advance(0.1);
        QVERIFY(charts.lineShown(Series::Dropped));
        QVERIFY(charts.legend(ChartPanel::Chart::Throughput).contains(tr("dropped")));
    }

    void testPresentationIsFullScreenAndLarge()
    {
        // A window on the projector's display; presentation mode (F5) makes it fill that display and sets the
        // type for the back row; leaving gives the window back as it was.
        // The desk's type is the platform's (another test's window may have left the application's larger).
        QFont desk = QApplication::font();
        desk.setPixelSize(visual::kDeskTextPx);
        QApplication::setFont(desk);
        MainWindow window;
        window.setGeometry(100, 100, 1300, 850);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(!window.isFullScreen());
        const QSize windowed = window.size();
        window.presentationAction()->trigger();
        QVERIFY(window.presentationMode());
        QTRY_VERIFY(window.isFullScreen());
        QTRY_COMPARE(window.geometry(), window.screen()->geometry());
        QVERIFY(window.fullScreenAction()->isChecked());
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest() != nullptr, 3000);
        settle();

        // Every visible text widget at least 24 px, the tiles' numbers at least 48 px (QFontInfo: what the font
        // resolves to, not what was asked).
        int body = 1000;
        int values = 1000;
        for (QWidget *w : window.findChildren<QWidget *>()) {
            if (!w->isVisible() || w->window() != &window)
                continue;
            const int px = QFontInfo(w->font()).pixelSize();
            if (w->objectName() == QLatin1String("statValue"))
                values = std::min(values, px);
            else if (qobject_cast<QLabel *>(w) || qobject_cast<QAbstractButton *>(w) || qobject_cast<QTabBar *>(w))
                body = std::min(body, px);
        }
        body = std::min(body, QFontInfo(window.menuBar()->font()).pixelSize());
        qInfo("presentation: window %dx%d on a %dx%d screen; smallest text %d px, smallest tile value %d px, "
              "smallest topology text %.1f px",
            window.width(), window.height(), window.screen()->geometry().width(), window.screen()->geometry().height(),
            body, values, smallestTopologyPx(window.topology()));
        QVERIFY2(body >= 24, qPrintable(QString::number(body)));
        QCOMPARE(body, visual::kPresentationTextPx);
        QVERIFY2(values >= 48, qPrintable(QString::number(values)));
        QVERIFY2(smallestTopologyPx(window.topology()) >= visual::kPresentationTextPx - 0.01,
            qPrintable(QString::number(smallestTopologyPx(window.topology()))));

        // Leaving: the window it was, the desk's type.
        window.presentationAction()->trigger();
        QVERIFY(!window.presentationMode());
        QTRY_VERIFY(!window.isFullScreen());
        QTRY_COMPARE(window.size(), windowed);
        QVERIFY(QFontInfo(window.menuBar()->font()).pixelSize() < visual::kPresentationTextPx);
    }

    void testPresentationFillsTheDisplayTheWindowIsOn()
    {
        const QList<QScreen *> screens = QGuiApplication::screens();
        if (screens.size() < 2)
            QSKIP("needs a second display (the offscreen platform is given two in main())");
        MainWindow window;
        window.setGeometry(QRect(screens[1]->geometry().topLeft() + QPoint(50, 50), QSize(1200, 700)));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_COMPARE(window.screen(), screens[1]);
        window.setPresentationMode(true);
        QTRY_VERIFY(window.isFullScreen());
        QTRY_COMPARE(window.geometry(), screens[1]->geometry());
    }

    void testFullScreenIsThePlatformsKey()
    {
        // F11 (the platform's key for full screen) is full screen and nothing else, as in every other program;
        // presentation mode has a key of its own.
        MainWindow window;
        window.resize(1300, 850);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QList<QKeySequence> expected = QKeySequence::keyBindings(QKeySequence::FullScreen);
        if (expected.isEmpty())
            expected << QKeySequence(Qt::Key_F11);
        QCOMPARE(window.fullScreenAction()->shortcuts(), expected);
        QVERIFY2(expected.contains(QKeySequence(Qt::Key_F11)),
            qPrintable(QKeySequence::listToString(expected))); // this platform's binding includes F11
        QVERIFY(!window.presentationAction()->shortcuts().contains(QKeySequence(Qt::Key_F11)));
        QCOMPARE(window.presentationAction()->shortcut(), QKeySequence(Qt::Key_F5));

        QTest::keyClick(&window, Qt::Key_F11);
        QTRY_VERIFY(window.isFullScreen());
        QVERIFY(!window.presentationMode()); // the type stays as it was
        QTest::keyClick(&window, Qt::Key_F11);
        QTRY_VERIFY(!window.isFullScreen());
        QVERIFY(!window.fullScreenAction()->isChecked());

        // F5: large type and full screen; F11 then leaves full screen and keeps the large type.
        QTest::keyClick(&window, Qt::Key_F5);
        QVERIFY(window.presentationMode());
        QTRY_VERIFY(window.isFullScreen());
        QTest::keyClick(&window, Qt::Key_F11);
        QTRY_VERIFY(!window.isFullScreen());
        QVERIFY(window.presentationMode());
        // A state the window manager sets shows in the menu.
        window.setWindowState(window.windowState() | Qt::WindowFullScreen);
        QTRY_VERIFY(window.fullScreenAction()->isChecked());
    }

    void testDarkModeKeepsContrast()
    {
        MainWindow window;
        window.setDarkMode(true);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.darkMode());
        const QPalette p = QApplication::palette();
        QVERIFY(p.color(QPalette::Window).lightness() < 80); // the whole window is dark, not only the charts
        for (auto [fg, bg] : {std::pair{QPalette::WindowText, QPalette::Window}, {QPalette::Text, QPalette::Base},
                 {QPalette::ButtonText, QPalette::Button}, {QPalette::HighlightedText, QPalette::Highlight},
                 {QPalette::ToolTipText, QPalette::ToolTipBase}})
            QVERIFY2(visual::contrast(p.color(fg), p.color(bg)) >= 4.5, qPrintable(p.color(fg).name()));
        // The status bar's text on the status bar (it was black on near-black).
        QLabel *state = window.statusBar()->findChild<QLabel *>();
        QVERIFY(state);
        QVERIFY(visual::contrast(state->palette().color(state->foregroundRole()),
                    window.statusBar()->palette().color(window.statusBar()->backgroundRole()))
            >= 4.5);
        // Every text the topology draws, on the fill behind it (a node's or a header's), or on the background;
        // in dark mode and in light.
        for (bool dark : {true, false}) {
            window.setDarkMode(dark);
            QTRY_VERIFY(window.bridge()->latest() != nullptr);
            window.topology()->showSnapshot(*window.bridge()->latest());
            int texts = 0;
            for (QGraphicsItem *item : window.topology()->scene()->items()) {
                auto *text = dynamic_cast<QGraphicsSimpleTextItem *>(item);
                if (!text || text->text().isEmpty())
                    continue;
                ++texts;
                const auto *fill = dynamic_cast<QGraphicsRectItem *>(text->parentItem());
                const QColor behind = fill ? fill->brush().color() : window.topology()->backgroundBrush().color();
                QVERIFY2(visual::contrast(text->brush().color(), behind) >= 4.5,
                    qPrintable(QStringLiteral("%1 (%2 on %3, dark %4)")
                                   .arg(text->text(), text->brush().color().name(), behind.name())
                                   .arg(dark)));
            }
            QVERIFY(texts > 10);
        }
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 200);
    }

    void testTopologyFillsItsPane_data()
    {
        QTest::addColumn<int>("consumers");
        QTest::newRow("4") << 4;
        QTest::newRow("32") << 32;
        QTest::newRow("256") << 256;
    }

    void testTopologyFillsItsPane()
    {
        QFETCH(int, consumers);
        for (QSize size : {QSize(700, 600), QSize(1100, 500), QSize(500, 900)}) {
            TopologyView view;
            view.resize(size);
            view.show();
            QVERIFY(QTest::qWaitForWindowExposed(&view));
            view.showSnapshot(fakeSnapshot(2, consumers));
            QCOMPARE(view.consumerCount(), consumers);
            const QRect drawn = view.diagramRect();
            const QRect pane = view.viewport()->rect();
            QVERIFY2(drawn.width() >= 0.8 * pane.width() || drawn.height() >= 0.8 * pane.height(),
                qPrintable(QStringLiteral("%1x%2 in %3x%4")
                               .arg(drawn.width())
                               .arg(drawn.height())
                               .arg(pane.width())
                               .arg(pane.height())));
            QVERIFY(pane.adjusted(-2, -2, 2, 2).contains(drawn));
            QVERIFY(view.texts().contains(QStringLiteral("hash(key)\nmod %1").arg(consumers)));
        }
    }

    void testTopologyColourAndTextAgree()
    {
        TopologyView view;
        view.resize(900, 600);
        view.show();
        Snapshot s = fakeSnapshot(1, 4);
        s.consumers[0].busyRatio = 0.8;
        s.consumers[1].busyRatio = 0.05;
        s.consumers[1].ioWaitRatio = 0.9;
        s.consumers[1].queueDepth = 20000; // waiting on I/O with work queued is not "idle"
        s.consumers[2].state = "down";
        s.consumers[3].busyRatio = 0.1;
        view.showSnapshot(s);
        QCOMPARE(view.consumerState(0), visual::State::Busy);
        QVERIFY(view.consumerText(0).contains(QLatin1String("busy 80%")));
        QCOMPARE(view.consumerState(1), visual::State::IoWait);
        QVERIFY(view.consumerText(1).contains(QLatin1String("I/O 90%")));
        QVERIFY(view.consumerText(1).contains(QLatin1String("queue 20k")));
        QCOMPARE(view.consumerState(2), visual::State::Down);
        QVERIFY(view.consumerText(2).contains(QLatin1String("DOWN")));
        QCOMPARE(view.consumerState(3), visual::State::Idle);
        QVERIFY(view.consumerText(3).contains(QLatin1String("idle 90%")));
        // A crash is an event: a consumer is drawn down only while it is down at the instant; the crashes of the
        // last second are counted beside its restarts, and the count goes once they leave the window.
        s.consumers[3].crashes = 1;
        s.consumers[3].crashesInWindow = 1;
        s.consumers[3].restarts = 1;
        view.showSnapshot(s);
        QCOMPARE(view.consumerState(3), visual::State::Idle); // restarted in microseconds: running again
        QVERIFY(!view.consumerText(3).contains(QLatin1String("DOWN")));
        QVERIFY2(view.consumerText(3).contains(QStringLiteral("1 crash/s")), qPrintable(view.consumerText(3)));
        s.consumers[3].crashesInWindow = 0;
        view.showSnapshot(s);
        QVERIFY(!view.consumerText(3).contains(QLatin1String("crash")));
        QVERIFY(view.consumerText(3).contains(QStringLiteral("restarts 1"))); // in words, not a sign
        // A tree that gave up says so on every consumer and on its supervisor.
        s.gaveUp = true;
        s.supervisors[2].state = "gave_up";
        view.showSnapshot(s);
        QCOMPARE(view.consumerState(0), visual::State::GaveUp);
        QVERIFY(view.texts().join(QLatin1Char(' ')).contains(QLatin1String("GAVE UP")));
        // Every text stays inside the box or header it is written on (nothing runs over an edge).
        for (QGraphicsItem *item : view.scene()->items()) {
            auto *text = dynamic_cast<QGraphicsSimpleTextItem *>(item);
            if (!text || text->text().isEmpty() || !text->parentItem())
                continue;
            QVERIFY2(
                text->parentItem()->sceneBoundingRect().contains(text->sceneBoundingRect()), qPrintable(text->text()));
        }
    }

    void testChartsSpeakInUnits()
    {
        MainWindow window;
        // A size of its own, whatever the suites before it left in the settings (docks, charts shown): a chart too
        // small for a label leaves it out by design, and this test is about the labels' units.
        window.resize(1920, 1080);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.history().size() > 5, 3000);
        // A chart too narrow for a label leaves it out rather than cut it: the labels come once the window has
        // laid the charts out at their size.
        QTRY_VERIFY2_WITH_TIMEOUT(!window.charts()->valueLabels(ChartPanel::Chart::Latency).isEmpty(),
            qPrintable(QStringLiteral("window %1x%2, charts %3x%4, presentation %5, consumers %6, split %7 %8, "
                                      "lesson %9")
                           .arg(window.width())
                           .arg(window.height())
                           .arg(window.charts()->width())
                           .arg(window.charts()->height())
                           .arg(window.presentationMode())
                           .arg(window.controls()->config().consumers)
                           .arg(window.findChild<QSplitter *>()->sizes().value(0))
                           .arg(window.findChild<QSplitter *>()->sizes().value(1))
                           .arg(window.lessons()->isVisible())),
            3000);
        const QStringList latency = window.charts()->valueLabels(ChartPanel::Chart::Latency);
        for (const QString &label : latency) {
            QVERIFY2(label.endsWith(QStringLiteral(" µs")) || label.endsWith(QStringLiteral(" ms"))
                    || label.endsWith(QStringLiteral(" s")) || label.endsWith(QStringLiteral(" ns")),
                qPrintable(label));
            QVERIFY(!label.contains(QLatin1Char('e')));
        }
        const QStringList time = window.charts()->timeLabels(ChartPanel::Chart::Throughput);
        QVERIFY(!time.isEmpty());
        QVERIFY(time.first().endsWith(QLatin1String(" s")));
        const QStringList held = window.charts()->valueLabels(ChartPanel::Chart::HeldBack);
        QVERIFY(!held.isEmpty());
        QCOMPARE(held.last(), QStringLiteral("100%"));
        // Each series once: failed attempts are on the Failures chart, not on Throughput as well.
        QVERIFY(!window.charts()->legend(ChartPanel::Chart::Throughput).contains(QStringLiteral("failed")));
        // Nothing is dropped under back-pressure: the dropped line is not drawn, nor named (see testEmptyChartsFold).
        QVERIFY(!window.charts()->legend(ChartPanel::Chart::Throughput).contains(QStringLiteral("dropped")));
        QVERIFY(window.charts()->pointCount(Series::RssMegabytes) > 3);
        // The tiles show the same snapshot as the status bar: lost 0, in good standing.
        QCOMPARE(window.tiles()->value(StatTiles::Tile::Lost), QStringLiteral("0"));
        QCOMPARE(window.tiles()->tone(StatTiles::Tile::Lost), QStringLiteral("good"));
    }

    void testTheModelIsOneNumberOnEveryView()
    {
        // The Theory tab, the charts' model lines and the report read one model of the snapshot shown; past
        // capacity the W lines end and the legends say why; a model line's name opens the assumptions.
        MainWindow window;
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *views = window.findChild<QTabWidget *>(QStringLiteral("views"));
        QVERIFY(views);
        views->setCurrentIndex(2);
        PipelineConfig config;
        config.consumers = 4;
        config.ioUs = 1000;
        config.rate = 2000;
        window.bridge()->applyNow(config);
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest() && window.bridge()->latest()->elapsedS > 2.5, 8000);
        window.bridge()->stop();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Stopped, 5000);
        const auto history = window.bridge()->engine()->history();
        const QueueingModel expected = modelOfSnapshot(*history.back());
        QVERIFY(expected.fit == ModelFit::Holds);
        QTRY_VERIFY_WITH_TIMEOUT(window.theory()->model().wMeanUs == expected.wMeanUs, 3000);
        QCOMPARE(window.theory()->model().capacityPerSec, expected.capacityPerSec);
        QVERIFY2(window.theory()->summaryText().contains(ticks::format(expected.wMeanUs, ticks::Unit::Microseconds)),
            qPrintable(window.theory()->summaryText()));
        QVERIFY(window.theory()->fitText().startsWith(QStringLiteral("✓")));
        // The curve, the operating point at measured throughput over capacity, the last seconds' points.
        QVERIFY(window.theory()->curvePoints() > 10);
        const RecentFigures recent = recentFigures(history);
        const auto point = window.theory()->operatingPoint();
        QVERIFY(point.has_value());
        QVERIFY(std::abs(point->x() - recent.processedPerSec / expected.capacityPerSec) < 1e-9);
        QCOMPARE(point->y(), recent.latencyMeanUs);
        QVERIFY(window.theory()->recentPoints() > 5);
        // The charts draw the same prediction: the W lines at the report's value.
        QVERIFY(window.charts()->lineShown(Series::ModelWMean));
        QVERIFY(window.charts()->lineShown(Series::ModelCapacity));
        QVERIFY(window.charts()->lineShown(Series::ModelInFlight));
        QVERIFY(window.charts()->pointCount(Series::ModelWMean) > 3);
        const QJsonObject report = reportJson(*history.back(), ReportInputs{});
        QCOMPARE(report.value(QStringLiteral("model")).toObject().value(QStringLiteral("w_mean_us")).toDouble(),
            expected.wMeanUs);
        QVERIFY(window.theory()->utilisationText().contains(QStringLiteral("C3")));

        // Past capacity: no W drawn, and the Latency and In flight legends say why.
        config.rate = 8000;
        window.bridge()->reset();
        window.bridge()->applyNow(config);
        window.bridge()->start();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest() && window.bridge()->latest()->config.rate == 8000u
                && window.bridge()->latest()->elapsedS > 1.0,
            8000);
        QTRY_VERIFY_WITH_TIMEOUT(window.theory()->model().fit == ModelFit::Saturated, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.charts()->lineShown(Series::ModelWMean), 3000);
        QVERIFY(!window.charts()->lineShown(Series::ModelInFlight));
        QVERIFY(window.charts()->lineShown(Series::ModelCapacity)); // the capacity still holds
        QVERIFY(window.theory()->fitText().startsWith(QStringLiteral("✗ Saturated")));
        int saying = 0;
        QLabel *modelLink = nullptr;
        for (auto *legend : window.charts()->findChildren<QLabel *>(QStringLiteral("chartLegend"))) {
            saying += legend->text().contains(QStringLiteral("model: saturated, no W")) ? 1 : 0;
            if (legend->text().contains(QStringLiteral("href='model'")))
                modelLink = legend;
        }
        QCOMPARE(saying, 2);
        QVERIFY(modelLink);
        views->setCurrentIndex(0);
        auto *assumptions = window.findChild<QLabel *>(QStringLiteral("theoryAssumptions"));
        QVERIFY(assumptions && !assumptions->isVisible());
        emit modelLink->linkActivated(QStringLiteral("model"));
        QCOMPARE(views->tabText(views->currentIndex()), QStringLiteral("Theory"));
        QVERIFY(assumptions->isVisible());
        // Turned off from the View menu, no model line is drawn.
        window.charts()->setModelShown(false);
        window.charts()->redraw(TelemetryHistory{});
        QVERIFY(!window.charts()->lineShown(Series::ModelCapacity));
    }

    void testTheorySweepPausesTheRunAndDrawsItsPoints()
    {
        // The Theory tab's sweep runs the same runner as --sweep on engines of its own: the live run waits
        // (paused), each point is drawn as it comes, and the run goes on afterwards.
        MainWindow window;
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        PipelineConfig config;
        config.consumers = 4;
        config.ioUs = 1000;
        config.rate = 1000;
        window.bridge()->applyNow(config);
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest() && window.bridge()->latest()->elapsedS > 1.5, 8000);
        QTRY_VERIFY_WITH_TIMEOUT(window.theory()->model().fit == ModelFit::Holds, 3000);
        auto *button = window.theory()->findChild<QPushButton *>(QStringLiteral("sweepButton"));
        auto *status = window.theory()->findChild<QLabel *>(QStringLiteral("sweepStatus"));
        QVERIFY(button && status && button->isEnabled());
        button->click();
        QVERIFY(!button->isEnabled());
        QVERIFY(window.bridge()->state() == EngineState::Paused);
        QTRY_VERIFY_WITH_TIMEOUT(window.theory()->sweepPoints() >= 1, 15000);
        QVERIFY(window.bridge()->state() == EngineState::Paused); // still waiting for the sweep
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Sweep done")), 60000);
        QCOMPARE(window.theory()->sweepPoints(), 6);
        QVERIFY(button->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Running, 3000);
    }

    void testTilesAndChecksReadOneNumber()
    {
        // The processed and latency tiles show the very numbers a lesson's checks read (recent.*): one window,
        // made once per snapshot by the sampler. Stopped, the last snapshot stays on screen to compare.
        MainWindow window;
        window.show();
        PipelineConfig config;
        config.rate = 3000;
        window.bridge()->applyNow(config);
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->latest() && window.bridge()->latest()->elapsedS > 1.5, 5000);
        window.bridge()->stop();
        QTRY_VERIFY_WITH_TIMEOUT(window.bridge()->state() == EngineState::Stopped, 5000);
        const auto history = window.bridge()->engine()->history();
        const RecentFigures recent = recentFigures(history);
        QCOMPARE(recent.processedPerSec, history.back()->processedPerSec);
        QCOMPARE(recent.latencyP99Us, history.back()->window.p99);
        QVERIFY(recent.windowS > 0.9 && recent.windowS < 1.3); // "last 1 s", as the tile's title says
        const QString processed
            = ticks::format(std::round(recent.processedPerSec), ticks::Unit::Plain) + QStringLiteral("/s");
        const QString p99 = ticks::format(recent.latencyP99Us, ticks::Unit::Microseconds);
        QTRY_VERIFY2_WITH_TIMEOUT(window.tiles()->value(StatTiles::Tile::Throughput) == processed
                && window.tiles()->value(StatTiles::Tile::LatencyP99) == p99,
            qPrintable(QStringLiteral("%1 / %2, checks read %3 / %4")
                           .arg(window.tiles()->value(StatTiles::Tile::Throughput),
                               window.tiles()->value(StatTiles::Tile::LatencyP99), processed, p99)),
            3000);
    }

    void testLittlesLawTileSaysWhatItMeans()
    {
        StatTiles tiles;
        Snapshot s;
        LittlesLaw law;
        tiles.showSnapshot(s, law);
        QVERIFY(!tiles.value(StatTiles::Tile::Little).contains(QChar(0x2248))); // no judgement without history
        QCOMPARE(tiles.value(StatTiles::Tile::Little), tr("measuring…"));
        const auto detail = [&tiles] { return tiles.detail(StatTiles::Tile::Little); };
        // The title states the law; the figures below it follow its order.
        QCOMPARE(tiles.findChildren<QLabel *>(QStringLiteral("statTitle")).at(5)->text(),
            QStringLiteral("Little's law   L = λ × W"));
        // The tooltip states the rule, with its numbers.
        const auto tip = [&tiles] { return tiles.findChildren<QFrame *>(QStringLiteral("statTile")).at(5)->toolTip(); };
        QVERIFY(tip().contains(QStringLiteral("more than ±2√L")));
        QVERIFY(tip().contains(QStringLiteral("3 standard errors")));
        QVERIFY(tip().contains(QStringLiteral("within 15% of the larger")));
        // A queue growing: not steady, the figures with their units, the change against its noise.
        law.windowS = 1;
        law.known = true;
        law.inFlightMean = 1200;
        law.throughputPerSec = 20000;
        law.latencyMeanS = 0.0042;
        law.predicted = 84;
        law.trendPerSec = 800;
        law.trendErrorPerSec = 12;
        law.trendS = 3;
        law.trendIntervals = 30;
        law.noise = std::sqrt(1200.0);
        law.limit = 108; // 3 standard errors of the change (3 x 12/s x 3 s), more than sqrt(L) = 34.6
        tiles.showSnapshot(s, law);
        QCOMPARE(tiles.value(StatTiles::Tile::Little), tr("not steady"));
        QCOMPARE(
            detail(), QStringLiteral("%L1 events, 20k/s × 4.2 ms\nL +%L2 in 3 s, beyond ±108").arg(1200).arg(2400));
        QCOMPARE(tiles.tone(StatTiles::Tile::Little), QStringLiteral("warn"));
        QVERIFY2(tip().contains(QStringLiteral("trend +800/s ± 12/s over 3 s (30 intervals): L +%L1 in 3 s, "
                                               "against ±108 (√L = 35)")
                                    .arg(2400)),
            qPrintable(tip()));
        // Steady and agreeing, the trend inside the noise; lambda to two significant digits (21,300 as 21k).
        law.steady = true;
        law.agrees = true;
        law.inFlightMean = 40.2;
        law.throughputPerSec = 21300;
        law.latencyMeanS = 1.89e-3;
        law.predicted = 40.257;
        law.trendPerSec = -0.3;
        law.noise = std::sqrt(40.2);
        law.limit = law.noise;
        tiles.showSnapshot(s, law);
        QCOMPARE(tiles.value(StatTiles::Tile::Little), QStringLiteral("40 ≈ 40"));
        QCOMPARE(detail(), QStringLiteral("40 events ≈ 21k/s × 1.89 ms\nsteady: L -0.9 in 3 s, within ±6.3"));
        QCOMPARE(tiles.tone(StatTiles::Tile::Little), QString());
        // A fast, light system (1,000 ev/s at 11 us): a fraction of an event in flight, in figures that say so.
        law.inFlightMean = 0.0112;
        law.throughputPerSec = 1000;
        law.latencyMeanS = 10.9e-6;
        law.predicted = 0.0109;
        law.trendPerSec = 0;
        law.noise = std::sqrt(0.0112);
        law.limit = law.noise;
        tiles.showSnapshot(s, law);
        QCOMPARE(tiles.value(StatTiles::Tile::Little), QStringLiteral("0.011 ≈ 0.011"));
        QVERIFY2(detail().startsWith(QStringLiteral("0.011 events ≈ 1k/s × 10.9 µs\n")), qPrintable(detail()));
        // Steady but the two sides a factor 15 apart: "≠", never "≈".
        law.inFlightMean = 0.5;
        law.throughputPerSec = 33;
        law.latencyMeanS = 1e-3;
        law.predicted = 0.033;
        law.agrees = false;
        tiles.showSnapshot(s, law);
        QCOMPARE(tiles.value(StatTiles::Tile::Little), QStringLiteral("0.5 ≠ 0.033"));
        QVERIFY(detail().startsWith(QStringLiteral("0.5 events ≠ 33/s × 1 ms\n")));
        QCOMPARE(tiles.tone(StatTiles::Tile::Little), QStringLiteral("warn"));
        // Steady but stuck: one event in flight, nothing finishing.
        law.inFlightMean = 1;
        law.throughputPerSec = 0;
        law.latencyMeanS = 0;
        law.predicted = 0;
        tiles.showSnapshot(s, law);
        QCOMPARE(tiles.value(StatTiles::Tile::Little), QStringLiteral("1.0 ≠ 0.0"));
        QVERIFY(detail().endsWith(QStringLiteral("steady, yet ≠: stuck or draining")));
        // Two lines in every state: the tile is never taller than the others (testPresentationTextIsReadableAndWhole).
        for (const bool steady : {false, true}) {
            law.steady = steady;
            tiles.showSnapshot(s, law);
            QCOMPARE(detail().count(QLatin1Char('\n')), 1);
        }
        QCOMPARE(tiles.tone(StatTiles::Tile::Little), QStringLiteral("warn"));
    }

    void testMnemonicsAreUnique()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.findChild<QDockWidget *>(QStringLiteral("lessons"))->show();
        // The window: menu titles, buttons, labels with buddies and group boxes share one Alt space.
        QStringList texts;
        for (QAction *a : window.menuBar()->actions())
            texts << a->text();
        for (QAbstractButton *b : window.findChildren<QAbstractButton *>())
            texts << b->text();
        for (QLabel *l : window.findChildren<QLabel *>()) {
            if (l->buddy())
                texts << l->text();
        }
        for (QGroupBox *g : window.findChildren<QGroupBox *>())
            texts << g->title();
        checkUnique(texts, QStringLiteral("main window"));
        QVERIFY(texts.size() > 20);
        // The texts buttons change to keep their letter.
        QCOMPARE(mnemonic(tr("Un&pause")), mnemonic(tr("&Pause")));
        // Each menu on its own.
        for (QMenu *menu : window.findChildren<QMenu *>()) {
            QStringList items;
            for (QAction *a : menu->actions())
                items << a->text();
            checkUnique(items, menu->title());
        }
        window.showHelp();
        QVERIFY(window.helpWindow());
        QStringList help;
        for (QAbstractButton *b : window.helpWindow()->findChildren<QAbstractButton *>())
            help << b->text();
        checkUnique(help, QStringLiteral("help"));
    }

    void testHelpIsAChildThatClosesWithEscape()
    {
        MainWindow window;
        window.show();
        window.showHelp();
        QPointer<QDialog> help = window.helpWindow();
        QVERIFY(help);
        QCOMPARE(help->parentWidget(), &window);
        QVERIFY(QTest::qWaitForWindowExposed(help));
        QTest::keyClick(help, Qt::Key_Escape);
        QTRY_VERIFY(!help); // closed and deleted
    }

    void testQuitWithHelpOpenEndsTheProgram()
    {
        // Ctrl+Q from the help window ends the event loop with 0; the window closes, the help with it, and the
        // engine stops when the window goes (as main() does).
        auto *window = new MainWindow;
        window->show();
        QTRY_VERIFY_WITH_TIMEOUT(window->bridge()->state() == EngineState::Running, 2000);
        window->showHelp();
        QPointer<QDialog> help = window->helpWindow();
        QVERIFY(QTest::qWaitForWindowExposed(help));
        QTimer::singleShot(0, help, [help] {
            help->activateWindow();
            QTest::keyClick(help, Qt::Key_Q, Qt::ControlModifier);
        });
        QTimer watchdog;
        watchdog.setSingleShot(true);
        connect(&watchdog, &QTimer::timeout, [] { QCoreApplication::exit(3); });
        watchdog.start(10000);
        const int rc = QApplication::exec();
        QCOMPARE(rc, 0);
        // Nothing of the program is left on screen: not the window, not the help.
        for (QWidget *w : QApplication::topLevelWidgets())
            QVERIFY2(!w->isVisible(), qPrintable(w->windowTitle()));
        QVERIFY(window->bridge()->engine() == nullptr); // stopped and handed to a helper thread to finish
        QVERIFY(window->bridge()->state() != EngineState::Running);
        delete window; // joins that thread
    }

    void testExportsWriteTheHistory()
    {
        MainWindow window;
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.history().size() > 3, 2000);
        QTemporaryDir dir;
        QVERIFY(window.exportCsv(dir.filePath(QStringLiteral("t.csv"))));
        QVERIFY(window.exportJson(dir.filePath(QStringLiteral("t.json"))));
        QVERIFY(window.saveChartsPng(dir.filePath(QStringLiteral("c.png"))));
        QFile csv(dir.filePath(QStringLiteral("t.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const auto lines = QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(lines.size() >= 4);
        QVERIFY(lines.front().startsWith(QLatin1String("elapsed_s,produced_per_s,processed_per_s")));
        QImage png(dir.filePath(QStringLiteral("c.png")));
        QVERIFY(!png.isNull());
    }

    /// Closing the window while the engine drains (a slow consumer, thousands in flight) must not block the GUI
    /// thread for the drain's 30 s timeout: the bridge tells the drain to stop now (the events in flight are
    /// abandoned, counted) and joins it in milliseconds.
    void testClosingDuringADrainDoesNotBlock()
    {
        auto bridge = std::make_unique<beam::EngineBridge>();
        beam::PipelineConfig config;
        config.consumers = 1;
        config.workUs = 2000; // 500 events/s: 5000 in flight take 10 s to drain
        config.rate = 100000;
        config.maxInFlight = 5000;
        bridge->setConfig(config);
        bridge->start();
        QVERIFY(bridge->engine());
        QTRY_VERIFY_WITH_TIMEOUT(bridge->engine()->sampleNow()->inFlight > 1000, 10000);
        bridge->stop(); // drains on a helper thread
        QTRY_VERIFY_WITH_TIMEOUT(bridge->state() == beam::EngineState::Idle, 5000); // the engine moved to the drain
        QElapsedTimer closing;
        closing.start();
        bridge->reset(); // what closeEvent() does
        bridge.reset(); // and what ends the program
        QVERIFY2(closing.elapsed() < 3000, qPrintable(QStringLiteral("closed after %1 ms").arg(closing.elapsed())));
    }
};

// The tests run offscreen on a projector's display, 1920x1080, with a second, smaller display to its right (the
// platform's default is one screen of 800x600, smaller than any window here).
int main(int argc, char *argv[])
{
    QTemporaryDir screens;
    if (qgetenv("QT_QPA_PLATFORM") == "offscreen" && screens.isValid()) {
        QFile config(screens.filePath(QStringLiteral("screens.json")));
        if (config.open(QIODevice::WriteOnly)) {
            config.write(R"({"screens": [
                {"name": "projector", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96},
                {"name": "laptop", "x": 1920, "y": 0, "width": 1366, "height": 768, "logicalDpi": 96}]})");
            config.close();
            qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + config.fileName().toLocal8Bit());
        }
    }
    QApplication app(argc, argv);
    QApplication::setAttribute(Qt::AA_Use96Dpi, true);
    TestMainWindow test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_mainwindow.moc"
