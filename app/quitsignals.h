// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

#include <atomic>

class QSocketNotifier;

namespace beam {

/// SIGINT and SIGTERM as a Qt signal, for a program that runs an event loop (the window). The self-pipe trick:
/// the handler only write()s the signal's number into a socket pair, and a QSocketNotifier reads it on the
/// thread that made this object, where anything may be done with it. A second signal of the same kind, while
/// the first is handled, gets the default action (Ctrl-C twice ends a program that does not quit).
///
/// At most one instance at a time (a signal handler has one place to write to). Threads: construct, use and
/// destroy on one thread that runs an event loop; the handler runs on whichever thread the kernel picks.
class QuitSignals : public QObject
{
    Q_OBJECT

public:
    explicit QuitSignals(QObject *parent = nullptr);
    /// Puts back the default actions and closes the sockets.
    ~QuitSignals() override;
    QuitSignals(const QuitSignals &) = delete;
    QuitSignals &operator=(const QuitSignals &) = delete;

    /// Whether the handlers are in place (false if the sockets could not be made).
    [[nodiscard]] bool installed() const { return m_notifier != nullptr; }

signals:
    /// SIGINT or SIGTERM arrived (its number).
    void received(int signal);

private:
    void readSignal();

    QSocketNotifier *m_notifier = nullptr;
};

/// SIGINT and SIGTERM set `flag`, for a program that runs no event loop but looks at a flag (headless, the sweep).
/// The first of them puts back the default action, so a second one ends a program that does not stop. `flag` must
/// outlive the program's handling of signals (a global).
void setOnQuitSignals(std::atomic<bool> &flag);

} // namespace beam
