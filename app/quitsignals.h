// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

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

} // namespace beam
