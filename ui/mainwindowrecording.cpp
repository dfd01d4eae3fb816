// SPDX-License-Identifier: MIT
// Recordings in the window: File > Save recording, Open recording, Export, Close recording; a replay (the window on
// a recording, no engine) played forward like a film under the time cursor (docs/recording.md).
#include "mainwindow.h"

#include "controlpanel.h"
#include "eventlogmodel.h"
#include "lessonpanel.h"
#include "timecursor.h"

#include "recording/export.h"
#include "recording/flightrecording.h"
#include "recording/recordingfile.h"
#include "scenario/runinfo.h"

#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTimer>

namespace beam {

namespace {

/// A file SQLite can open: a recording built into the program (":/lessons/x.db") is copied out first.
QString openableCopy(const QString &path, QTemporaryDir &folder)
{
    if (!path.startsWith(QLatin1Char(':')))
        return path;
    const QString copy = folder.filePath(QFileInfo(path).fileName());
    QFile::remove(copy);
    return QFile::copy(path, copy) ? copy : path;
}

} // namespace

void MainWindow::complain(const QString &title, const QString &text)
{
    // Window-modal and not waiting: the window goes on drawing (and a test can read it and close it).
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("recordingProblem"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
}

/// File menu: the recording's entries.
void MainWindow::buildRecordingMenu(QMenu *file)
{
    file->addAction(tr("&Open recording…"), QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open recording"), QString(), tr("Recording (*.db);;All files (*)"));
        if (!path.isEmpty())
            openRecording(path);
    });
    file->addAction(tr("&Save recording…"), QKeySequence::Save, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save recording"), QStringLiteral("run.db"), tr("Recording (*.db)"));
        if (!path.isEmpty())
            saveRecordingAs(path);
    });
    file->addAction(tr("Export recording as CS&V tables…"), this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Export the recording's tables into"));
        if (!folder.isEmpty())
            exportRecording(folder, false);
    });
    file->addAction(tr("Export recording as Chrome &trace…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export Chrome trace"), QStringLiteral("trace.json"), tr("Trace (*.json)"));
        if (!path.isEmpty())
            exportRecording(path, true);
    });
    m_closeRecordingAction = file->addAction(tr("C&lose recording"), this, &MainWindow::closeRecording);
    m_closeRecordingAction->setEnabled(false);
}

RecordingInfo MainWindow::recordingInfo() const
{
    const auto &recorder = m_cursor->recorder();
    const PipelineConfig config = recorder && !recorder->empty() ? recorder->at(0)->config : m_controls->config();
    RecordingInfo info = describeRun(config, m_lessonSource, m_lessonSpeed);
    if (!m_replayInfo.appVersion.empty())
        info = m_replayInfo; // a replay saved again is the same run
    return info;
}

bool MainWindow::saveRecordingAs(const QString &path)
{
    const auto &recorder = m_cursor->recorder();
    std::string error;
    if (!recorder || recorder->empty())
        error = tr("nothing is recorded yet").toStdString();
    else if (saveRecording(*recorder, recordingInfo(), path.toStdString(), error))
        return true;
    complain(tr("Save recording"), QString::fromStdString(error));
    return false;
}

bool MainWindow::exportRecording(const QString &target, bool trace)
{
    const auto &recorder = m_cursor->recorder();
    std::string error;
    if (!recorder || recorder->empty()) {
        error = tr("nothing is recorded yet").toStdString();
    } else if (trace) {
        if (exportTrace(recordingOf(*recorder, recordingInfo()), target.toStdString(), error))
            return true;
    } else {
        // The CSV tables are the file's own: written from a saved copy.
        QTemporaryDir scratch;
        const QString db = scratch.filePath(QStringLiteral("recording.db"));
        std::vector<std::string> written;
        if (saveRecording(*recorder, recordingInfo(), db.toStdString(), error)
            && beam::exportCsv(db.toStdString(), target.toStdString(), written, error))
            return true;
    }
    complain(tr("Export recording"), QString::fromStdString(error));
    return false;
}

bool MainWindow::openRecording(const QString &path)
{
    QTemporaryDir folder;
    const QString openable = openableCopy(path, folder);
    std::string error;
    auto recording = readRecording(openable.toStdString(), error);
    if (!recording) {
        // One line naming the file (as the user knows it) and the problem; nothing else changes.
        complain(tr("Open recording"), QString::fromStdString(error).replace(openable, path));
        return false;
    }
    if (recording->snapshots.empty()) {
        complain(tr("Open recording"), tr("%1: the recording holds no snapshot").arg(path));
        return false;
    }
    showRecording(*recording, path);
    return true;
}

/// The window on `recording`: no engine runs (one running stops), the controls rest, every view follows the time
/// cursor, which plays from the start at the speed it was recorded.
void MainWindow::showRecording(const Recording &recording, const QString &path)
{
    m_replayPath = path;
    m_replayInfo = recording.info;
    m_lessons->abandon(tr("a recording is shown"));
    m_bridge->reset();
    FlightRecorder::Limits limits;
    limits.keepS = 1e12; // all of it: the user asked for this file
    limits.maxBytes = std::size_t{1} << 30;
    auto recorder = std::make_shared<FlightRecorder>(limits);
    recorder->load(recording);
    m_history.clear();
    m_events->clear();
    for (const auto &snapshot : recording.snapshots) {
        m_history.add(snapshot);
        m_events->add(snapshot);
    }
    m_shown = recorder->at(recorder->size() - 1); // "live" in a replay is its end
    const auto tail = recorder->between(m_shown->elapsedS - 4.0, m_shown->elapsedS);
    m_recent.assign(tail.begin(), tail.end());
    m_cursor->setRecorder(recorder);
    m_controlsDock->widget()->setEnabled(false);
    m_closeRecordingAction->setEnabled(true);
    m_pauseEngineAction->setEnabled(true);
    m_pauseEngineAction->setText(tr("Pause r&eplay"));
    m_state->setText(tr("replay of %1 — no engine runs").arg(QFileInfo(path).fileName()));
    setWindowTitle(tr("BEAM Me Up — replay of %1").arg(QFileInfo(path).fileName()));
    if (!recording.marks.empty()) {
        placeDocks(m_controlsDock->toggleViewAction()->isChecked(), true);
        m_lessonDock->show();
        fitLessonDock();
    }
    const QString lesson = QString::fromStdString(recording.info.lesson);
    m_lessons->showRecorded(lesson.isEmpty() ? tr("Recorded run") : tr("Recorded: %1").arg(lesson));
    refreshTimeline(true);
    m_cursor->toStart();
    m_replayClock.start();
    m_replayHeadS = m_cursor->at().value_or(0.0);
    m_replayTimer->start();
    showPastBanner();
}

/// Moves the replay's cursor on by the time that passed; at the end the replay rests there (live: its end).
void MainWindow::advanceReplay()
{
    if (m_replayPath.isEmpty() || m_cursor->live() || m_pauseEngineAction->isChecked()) {
        m_replayClock.restart();
        return;
    }
    m_replayHeadS += static_cast<double>(m_replayClock.restart()) / 1000.0;
    if (m_replayHeadS >= m_cursor->recorder()->lastS()) {
        m_cursor->goLive();
        return;
    }
    if (m_cursor->recorder()->timeOf(m_cursor->recorder()->indexAt(m_replayHeadS)) != *m_cursor->at()) {
        m_replayMoving = true;
        m_cursor->moveTo(m_replayHeadS);
        m_replayMoving = false;
    }
}

void MainWindow::closeRecording()
{
    if (m_replayPath.isEmpty())
        return;
    m_replayTimer->stop();
    m_replayPath.clear();
    m_replayInfo = {};
    m_controlsDock->widget()->setEnabled(true);
    m_closeRecordingAction->setEnabled(false);
    m_pauseEngineAction->setText(tr("Pause &engine"));
    m_lessons->showRecorded({});
    setWindowTitle(tr("BEAM Me Up — see concurrency happen"));
    m_history.clear();
    m_events->clear();
    m_shown.reset();
    m_cursor->setRecorder(nullptr);
    m_bridge->start();
}

} // namespace beam
