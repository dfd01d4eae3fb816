// SPDX-License-Identifier: MIT
#include "quitsignals.h"

#include <QSocketNotifier>

#include <array>
#include <cerrno>
#include <csignal>

#include <sys/socket.h>
#include <unistd.h>

namespace beam {

namespace {

std::array<int, 2> g_sockets{-1, -1}; // [0] written by the handler, [1] read by the notifier

void onSignal(int signal)
{
    const int saved = errno; // the interrupted code may be about to read errno
    const auto byte = static_cast<char>(signal);
    [[maybe_unused]] const auto written = write(g_sockets[0], &byte, 1); // full or broken: nothing better to do
    errno = saved;
}

void setAction(int signal, void (*handler)(int), int flags)
{
    struct sigaction action {
    };
    action.sa_handler = handler;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    sigaction(signal, &action, nullptr);
}

} // namespace

QuitSignals::QuitSignals(QObject *parent)
    : QObject(parent)
{
    Q_ASSERT(g_sockets[0] == -1);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, g_sockets.data()) != 0) {
        g_sockets = {-1, -1};
        return;
    }
    m_notifier = new QSocketNotifier(g_sockets[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &QuitSignals::readSignal);
    // SA_RESETHAND: the next one of the same kind is the default action, for a quit that hangs.
    for (const int signal : {SIGINT, SIGTERM})
        setAction(signal, onSignal, SA_RESTART | SA_RESETHAND);
}

QuitSignals::~QuitSignals()
{
    if (!installed())
        return;
    for (const int signal : {SIGINT, SIGTERM})
        setAction(signal, SIG_DFL, 0);
    delete m_notifier;
    m_notifier = nullptr;
    close(g_sockets[0]);
    close(g_sockets[1]);
    g_sockets = {-1, -1};
}

void QuitSignals::readSignal()
{
    char byte = 0;
    while (read(g_sockets[1], &byte, 1) == 1)
        emit received(static_cast<unsigned char>(byte));
}

namespace {
std::atomic<bool> *g_quitFlag = nullptr;

void setQuitFlag(int)
{
    if (g_quitFlag)
        g_quitFlag->store(true);
}
} // namespace

void setOnQuitSignals(std::atomic<bool> &flag)
{
    static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");
    g_quitFlag = &flag;
    struct sigaction action {
    };
    action.sa_handler = setQuitFlag;
    action.sa_flags = SA_RESETHAND; // the second one: the default action
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

} // namespace beam
