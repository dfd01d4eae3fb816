// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace beam {

/// OTP restart strategies.
enum class RestartStrategy {
    OneForOne, ///< restart only the child that exited
    OneForAll, ///< stop all children (in reverse order), restart all (in order)
    RestForOne, ///< stop the children started after it (in reverse order), restart it and them (in order)
};
/// The strategy's OTP name: one_for_one, one_for_all, rest_for_one.
std::string_view toString(RestartStrategy strategy);
/// Reads a name written by toString(RestartStrategy); nullopt for anything else.
std::optional<RestartStrategy> restartStrategyFromString(std::string_view text);

/// Restart intensity and back-off, as in Elixir's Supervisor (defaults 3 restarts in 5 s, no back-off).
struct SupervisorPolicy {
    RestartStrategy strategy = RestartStrategy::OneForOne; ///< which children an exit restarts
    int maxRestarts = 3; ///< restarts allowed within maxSeconds before giving up
    double maxSeconds = 5.0; ///< the intensity window, seconds
    int backoffMinMs = 0; ///< 0: restart at once
    int backoffMaxMs = 0; ///< the back-off's ceiling, milliseconds
    double backoffJitter = 0.2; ///< random share added to each back-off, 0..1
};

/// Whether a supervisor still supervises.
enum class SupervisorState {
    Running, ///< restarts children as its strategy says
    GaveUp, ///< its intensity was exceeded; every child is stopped
};
/// A supervised child's state.
enum class ChildState {
    Running, ///< running
    Restarting, ///< exited; its restart is due
    Stopped, ///< stopped by its supervisor
};
/// The state's name in reports: running, gave_up.
std::string_view toString(SupervisorState state);
/// The state's name in reports: running, restarting, stopped.
std::string_view toString(ChildState state);

/// What a supervisor decided when a child exited.
struct SupervisorDecision {
    bool escalate = false; ///< intensity exceeded: every child is stopped and the supervisor gives up
    std::vector<int> stopOrder; ///< running siblings to stop, in this order (reverse start order)
    std::vector<int> restartOrder; ///< children to start again, in this order (start order)
    double delayMs = 0; ///< back-off before the restarts
};

/// An OTP supervisor as a pure state machine: no threads, no clock of its own. The owner tells it when a
/// child exited (with the time) and carries out the decision; tests drive it with a fake clock.
///
/// Restart intensity: more than `maxRestarts` restarts within any `maxSeconds` window makes it stop all
/// children and give up (escalate). Back-off: min(max, min * 2^n) * (1 + jitter * random), n = restarts
/// already in the window.
///
/// Threads: not thread-safe; the engine calls it under its supervision lock.
class Supervisor
{
public:
    /// A running supervisor of `children` running children; `seed` drives the back-off jitter.
    Supervisor(std::string name, const SupervisorPolicy &policy, int children, std::uint64_t seed = 1);

    /// Child `child` exited abnormally at `nowS` (seconds on the caller's clock).
    SupervisorDecision childExited(int child, double nowS);
    /// The owner restarted the whole supervisor (its parent's decision): fresh window, every child running.
    void restart(double nowS);
    /// Children added or removed at run time (a DynamicSupervisor's start_child / terminate_child).
    void setChildCount(int children);
    /// A new policy, in force from the next exit.
    void setPolicy(const SupervisorPolicy &policy) { m_policy = policy; }

    /// Its name in the tree: pipeline, producers, consumers.
    [[nodiscard]] const std::string &name() const { return m_name; }
    /// The policy in force.
    [[nodiscard]] const SupervisorPolicy &policy() const { return m_policy; }
    /// Running, or GaveUp once the intensity was exceeded.
    [[nodiscard]] SupervisorState state() const { return m_state; }
    /// Children supervised.
    [[nodiscard]] int childCount() const { return static_cast<int>(m_children.size()); }
    /// The state of child `child` (0..childCount()-1).
    [[nodiscard]] ChildState childState(int child) const
    {
        return m_children.at(static_cast<std::size_t>(child)).state;
    }
    /// Times child `child` was restarted.
    [[nodiscard]] std::uint64_t childRestarts(int child) const
    {
        return m_children.at(static_cast<std::size_t>(child)).restarts;
    }
    /// Marks a child running again once its restart has been carried out.
    void childStarted(int child);
    /// Restarts of all children since start.
    [[nodiscard]] std::uint64_t restarts() const { return m_totalRestarts; }
    /// Restarts within the window ending at `nowS`.
    [[nodiscard]] int restartsInWindow(double nowS) const;
    /// restartsInWindow / maxRestarts: 1 means the next exit in this window escalates.
    [[nodiscard]] double budgetInUse(double nowS) const;

private:
    struct Child {
        ChildState state = ChildState::Running;
        std::uint64_t restarts = 0;
    };

    void forget(double nowS);

    std::string m_name;
    SupervisorPolicy m_policy;
    std::vector<Child> m_children;
    std::deque<double> m_restartTimes;
    std::uint64_t m_totalRestarts = 0;
    std::uint64_t m_random;
    SupervisorState m_state = SupervisorState::Running;
};

} // namespace beam
