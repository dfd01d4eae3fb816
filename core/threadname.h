// SPDX-License-Identifier: MIT
#pragma once

#include <pthread.h>

#include <string>

namespace beam {

/// Names the calling thread (at most 15 characters are kept), so `top -H`, a debugger and a test see which of
/// the engine's threads is which. Every engine thread's name begins with "beam-".
inline void nameThisThread(const std::string &name)
{
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

} // namespace beam
