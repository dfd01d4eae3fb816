// SPDX-License-Identifier: MIT
#include "recording/columns.h"

#include "core/engine.h"
#include "recording/database.h"
#include "recording/json.h"

#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>

namespace beam::recording {

namespace {

// How a field type is stored: a codec has `type`, `bind(statement, index, value)` and
// `read(statement, index, value, why)`.

bool readInteger(sqlite3_stmt *statement, int index, std::int64_t &value, std::string &why)
{
    if (sqlite3_column_type(statement, index) != SQLITE_INTEGER) {
        why = describeValue(statement, index) + " is not a whole number";
        return false;
    }
    value = sqlite3_column_int64(statement, index);
    return true;
}

/// A whole number of type V; an unsigned one is never negative. std::uint64_t is stored as SQLite's signed
/// 64-bit integer: counts past 2^63 are not representable (and never reached).
template <typename V> struct IntegerCodec {
    static constexpr SqlType type = SqlType::Integer;
    static void bind(sqlite3_stmt *statement, int index, V value)
    {
        sqlite3_bind_int64(statement, index, static_cast<std::int64_t>(value));
    }
    static bool read(sqlite3_stmt *statement, int index, V &value, std::string &why)
    {
        std::int64_t number = 0;
        if (!readInteger(statement, index, number, why))
            return false;
        if (std::is_unsigned_v<V> && number < 0) {
            why = std::to_string(number) + " is negative";
            return false;
        }
        if constexpr (sizeof(V) < sizeof(std::int64_t)) {
            if (number < std::numeric_limits<V>::min() || number > std::numeric_limits<V>::max()) {
                why = std::to_string(number) + " is out of range " + std::to_string(std::numeric_limits<V>::min())
                    + ".." + std::to_string(std::numeric_limits<V>::max());
                return false;
            }
        }
        value = static_cast<V>(number);
        return true;
    }
};

/// A 64-bit pattern (the seed): stored as the signed integer with the same bits, so every value round-trips.
struct BitsCodec {
    static constexpr SqlType type = SqlType::Integer;
    static void bind(sqlite3_stmt *statement, int index, std::uint64_t value)
    {
        sqlite3_bind_int64(statement, index, static_cast<std::int64_t>(value));
    }
    static bool read(sqlite3_stmt *statement, int index, std::uint64_t &value, std::string &why)
    {
        std::int64_t number = 0;
        if (!readInteger(statement, index, number, why))
            return false;
        value = static_cast<std::uint64_t>(number);
        return true;
    }
};

/// 0 or 1.
struct BoolCodec {
    static constexpr SqlType type = SqlType::Integer;
    static void bind(sqlite3_stmt *statement, int index, bool value) { sqlite3_bind_int(statement, index, value); }
    static bool read(sqlite3_stmt *statement, int index, bool &value, std::string &why)
    {
        std::int64_t number = 0;
        if (!readInteger(statement, index, number, why))
            return false;
        if (number != 0 && number != 1) {
            why = std::to_string(number) + " is not 0 or 1";
            return false;
        }
        value = number == 1;
        return true;
    }
};

/// A double, exact (SQLite's REAL is IEEE 754 binary64). SQLite stores NaN as null, so null reads as NaN.
struct RealCodec {
    static constexpr SqlType type = SqlType::Real;
    static void bind(sqlite3_stmt *statement, int index, double value) { sqlite3_bind_double(statement, index, value); }
    static bool read(sqlite3_stmt *statement, int index, double &value, std::string &why)
    {
        switch (sqlite3_column_type(statement, index)) {
        case SQLITE_FLOAT:
        case SQLITE_INTEGER:
            value = sqlite3_column_double(statement, index);
            return true;
        case SQLITE_NULL:
            value = std::numeric_limits<double>::quiet_NaN();
            return true;
        default:
            why = describeValue(statement, index) + " is not a number";
            return false;
        }
    }
};

/// A time in seconds: a finite number (never null, NaN or infinite).
struct TimeCodec : RealCodec {
    static bool read(sqlite3_stmt *statement, int index, double &value, std::string &why)
    {
        if (!RealCodec::read(statement, index, value, why))
            return false;
        if (!std::isfinite(value)) {
            why = describeValue(statement, index) + " is not a time in seconds";
            return false;
        }
        return true;
    }
};

/// Text, byte for byte.
struct TextCodec {
    static constexpr SqlType type = SqlType::Text;
    static void bind(sqlite3_stmt *statement, int index, const std::string &value)
    {
        sqlite3_bind_text64(statement, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
    }
    static bool read(sqlite3_stmt *statement, int index, std::string &value, std::string &why)
    {
        if (sqlite3_column_type(statement, index) != SQLITE_TEXT) {
            why = describeValue(statement, index) + " is not text";
            return false;
        }
        const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(statement, index));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement, index));
        value.assign(text ? text : "", text ? size : 0);
        return true;
    }
};

/// A list of words (a supervisor's children's states) as a JSON array of strings: ["running","stopped"].
struct ListCodec {
    static constexpr SqlType type = SqlType::Text;
    static void bind(sqlite3_stmt *statement, int index, const std::vector<std::string> &value)
    {
        const std::string text = jsonStringArray(value);
        sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    static bool read(sqlite3_stmt *statement, int index, std::vector<std::string> &value, std::string &why)
    {
        std::string text;
        if (!TextCodec::read(statement, index, text, why))
            return false;
        auto list = parseJsonStringArray(text);
        if (!list) {
            why = describeValue(statement, index) + " is not a JSON array of strings";
            return false;
        }
        value = std::move(*list);
        return true;
    }
};

/// Null, or a whole number of type V.
template <typename V> struct OptionalCodec {
    static constexpr SqlType type = SqlType::Integer;
    static void bind(sqlite3_stmt *statement, int index, const std::optional<V> &value)
    {
        if (value)
            IntegerCodec<V>::bind(statement, index, *value);
        else
            sqlite3_bind_null(statement, index);
    }
    static bool read(sqlite3_stmt *statement, int index, std::optional<V> &value, std::string &why)
    {
        if (sqlite3_column_type(statement, index) == SQLITE_NULL) {
            value.reset();
            return true;
        }
        V number{};
        if (!IntegerCodec<V>::read(statement, index, number, why))
            return false;
        value = number;
        return true;
    }
};

std::string_view toString(ThreadSample::Kind kind)
{
    return kind == ThreadSample::Kind::Producer ? "producer" : "executor";
}

/// Every value of an enum, for reading its name back; `what` names the kind of value in a message.
template <typename E> struct EnumValues;
template <> struct EnumValues<EngineState> {
    static constexpr std::array values{
        EngineState::Idle, EngineState::Running, EngineState::Paused, EngineState::Draining, EngineState::Stopped};
    static constexpr std::string_view what = "an engine state";
};
template <> struct EnumValues<ThreadSample::Kind> {
    static constexpr std::array values{ThreadSample::Kind::Executor, ThreadSample::Kind::Producer};
    static constexpr std::string_view what = "a thread kind";
};
template <> struct EnumValues<OverloadPolicy> {
    static constexpr std::array values{OverloadPolicy::Backpressure, OverloadPolicy::Drop, OverloadPolicy::Unbounded};
    static constexpr std::string_view what = "an overload policy";
};
template <> struct EnumValues<RestartStrategy> {
    static constexpr std::array values{
        RestartStrategy::OneForOne, RestartStrategy::OneForAll, RestartStrategy::RestForOne};
    static constexpr std::string_view what = "a restart strategy";
};
template <> struct EnumValues<EscalationPolicy> {
    static constexpr std::array values{EscalationPolicy::Stop, EscalationPolicy::Restart};
    static constexpr std::string_view what = "an escalation policy";
};
template <> struct EnumValues<EngineEvent::Kind> {
    static constexpr std::array values{EngineEvent::Kind::Crash, EngineEvent::Kind::Restart,
        EngineEvent::Kind::Escalation, EngineEvent::Kind::PipelineRestart, EngineEvent::Kind::GaveUp,
        EngineEvent::Kind::Configuration, EngineEvent::Kind::ThreadFailed};
    static constexpr std::string_view what = "an event kind";
};
template <> struct EnumValues<LessonMark::Kind> {
    static constexpr std::array values{LessonMark::Kind::Start, LessonMark::Kind::Step, LessonMark::Kind::Caption,
        LessonMark::Kind::Verdict, LessonMark::Kind::End};
    static constexpr std::string_view what = "a lesson mark kind";
};

/// An enum as its name (toString()), never its number.
template <typename E> struct EnumCodec {
    static constexpr SqlType type = SqlType::Text;
    static void bind(sqlite3_stmt *statement, int index, E value)
    {
        const std::string_view name = toString(value); // static storage
        sqlite3_bind_text64(statement, index, name.data(), name.size(), SQLITE_STATIC, SQLITE_UTF8);
    }
    static bool read(sqlite3_stmt *statement, int index, E &value, std::string &why)
    {
        std::string text;
        if (!TextCodec::read(statement, index, text, why))
            return false;
        std::string names;
        for (const E candidate : EnumValues<E>::values) {
            if (toString(candidate) == text) {
                value = candidate;
                return true;
            }
            names += (names.empty() ? "" : ", ") + std::string(toString(candidate));
        }
        why = describeValue(statement, index) + " is not " + std::string(EnumValues<E>::what) + " (" + names + ")";
        return false;
    }
};

template <typename V> auto codecFor()
{
    if constexpr (std::is_same_v<V, double>)
        return RealCodec{};
    else if constexpr (std::is_same_v<V, bool>)
        return BoolCodec{};
    else if constexpr (std::is_enum_v<V>)
        return EnumCodec<V>{};
    else if constexpr (std::is_integral_v<V>)
        return IntegerCodec<V>{};
    else if constexpr (std::is_same_v<V, std::string>)
        return TextCodec{};
    else if constexpr (std::is_same_v<V, std::vector<std::string>>)
        return ListCodec{};
    else
        return OptionalCodec<typename V::value_type>{};
}

/// The field a path of member pointers leads to: fieldOf<&Snapshot::window, &LatencySummary::p99>(snapshot).
template <auto First, auto... Rest, typename Row> auto &fieldOf(Row &row)
{
    if constexpr (sizeof...(Rest) == 0)
        return row.*First;
    else
        return fieldOf<Rest...>(row.*First);
}

/// A column of the field at Path, stored by Codec.
template <typename Codec, typename Row, auto... Path> Column<Row> columnWith(std::string name)
{
    return {std::move(name), Codec::type,
        [](sqlite3_stmt *statement, int index, const Row &row) {
            Codec::bind(statement, index, fieldOf<Path...>(row));
        },
        [](sqlite3_stmt *statement, int index, Row &row, std::string &why) {
            return Codec::read(statement, index, fieldOf<Path...>(row), why);
        }};
}

/// A column of the field at Path, stored as its type says.
template <typename Row, auto... Path> Column<Row> column(std::string name)
{
    using Value = std::remove_cvref_t<decltype(fieldOf<Path...>(std::declval<Row &>()))>;
    return columnWith<decltype(codecFor<Value>()), Row, Path...>(std::move(name));
}

/// A time in seconds at Path.
template <typename Row, auto... Path> Column<Row> time(std::string name)
{
    return columnWith<TimeCodec, Row, Path...>(std::move(name));
}

/// `column`, added by schema `since`.
template <typename Row> Column<Row> addedIn(int since, Column<Row> column)
{
    column.since = since;
    return column;
}

/// The seven columns of a LatencySummary: PREFIX_count, PREFIX_p50_us, ..., PREFIX_mean_us; added by schema `since`.
template <auto Summary>
void addLatency(std::vector<Column<Snapshot>> &columns, const std::string &prefix, int since = 1)
{
    using S = Snapshot;
    using L = LatencySummary;
    columns.push_back(addedIn(since, column<S, Summary, &L::count>(prefix + "_count")));
    columns.push_back(addedIn(since, column<S, Summary, &L::p50>(prefix + "_p50_us")));
    columns.push_back(addedIn(since, column<S, Summary, &L::p90>(prefix + "_p90_us")));
    columns.push_back(addedIn(since, column<S, Summary, &L::p99>(prefix + "_p99_us")));
    columns.push_back(addedIn(since, column<S, Summary, &L::p999>(prefix + "_p999_us")));
    columns.push_back(addedIn(since, column<S, Summary, &L::max>(prefix + "_max_us")));
    columns.push_back(addedIn(since, column<S, Summary, &L::mean>(prefix + "_mean_us")));
}

/// The snapshot's clock, state and counts, in the order Snapshot declares them.
std::vector<Column<Snapshot>> snapshotCountColumns()
{
    using S = Snapshot;
    return {column<S, &S::sequence>("sequence"), time<S, &S::elapsedS>("elapsed_s"),
        time<S, &S::intervalS>("interval_s"), time<S, &S::windowS>("window_s"),
        time<S, &S::windowGoalS>("window_goal_s"), column<S, &S::state>("state"), column<S, &S::produced>("produced"),
        column<S, &S::processed>("processed"), column<S, &S::failed>("failed"), column<S, &S::retried>("retried"),
        column<S, &S::deadLettered>("dead_lettered"), column<S, &S::dropped>("dropped"),
        column<S, &S::abandoned>("abandoned"), column<S, &S::inFlight>("in_flight"),
        column<S, &S::inFlightMean>("in_flight_mean"), column<S, &S::inFlightMeanWindow>("in_flight_mean_window"),
        column<S, &S::limit>("in_flight_limit"), column<S, &S::limiterCount>("limiter_count"),
        column<S, &S::limiterCountMax>("limiter_count_max"), column<S, &S::limiterRefused>("limiter_refused"),
        column<S, &S::inFlightHigh>("in_flight_high"), column<S, &S::maxInFlightObserved>("max_in_flight_observed"),
        column<S, &S::lost>("lost"), column<S, &S::safetyCapHit>("safety_cap_hit")};
}

/// Supervision's counts.
std::vector<Column<Snapshot>> snapshotSupervisionColumns()
{
    using S = Snapshot;
    return {column<S, &S::restarts>("restarts"), column<S, &S::crashesRandom>("crashes_random"),
        column<S, &S::crashesKilled>("crashes_killed"), column<S, &S::crashesHang>("crashes_hang"),
        column<S, &S::crashesException>("crashes_exception"), column<S, &S::exceptionsCaught>("exceptions_caught"),
        column<S, &S::redelivered>("redelivered"), column<S, &S::escalations>("escalations"),
        column<S, &S::pipelineRestarts>("pipeline_restarts"), column<S, &S::gaveUp>("gave_up")};
}

/// The rates over the window.
std::vector<Column<Snapshot>> snapshotRateColumns()
{
    using S = Snapshot;
    return {column<S, &S::producedPerSec>("produced_per_s"), column<S, &S::processedPerSec>("processed_per_s"),
        column<S, &S::failedPerSec>("failed_per_s"), column<S, &S::droppedPerSec>("dropped_per_s"),
        column<S, &S::deadLetteredPerSec>("dead_lettered_per_s"), column<S, &S::restartsPerSec>("restarts_per_s"),
        column<S, &S::limiterRefusedPerSec>("limiter_refused_per_s"),
        column<S, &S::backpressureRatio>("backpressure_ratio")};
}

/// The executor's hand-over counters, then the process's resident set.
std::vector<Column<Snapshot>> snapshotHandoverColumns()
{
    using S = Snapshot;
    using H = Snapshot::Handover;
    return {column<S, &S::cpuPercent>("cpu_percent"), column<S, &S::handover, &H::notified>("handover_notified"),
        column<S, &S::handover, &H::signalled>("handover_signalled"),
        column<S, &S::handover, &H::wakeups>("handover_wakeups"),
        column<S, &S::handover, &H::pollHits>("handover_poll_hits"),
        column<S, &S::handover, &H::sleeps>("handover_sleeps"),
        column<S, &S::handover, &H::inlineRuns>("handover_inline_runs"),
        column<S, &S::handover, &H::inlineRefused>("handover_inline_refused"),
        column<S, &S::handover, &H::fanOutWakes>("handover_fan_out_wakes"),
        column<S, &S::handover, &H::roundsCut>("handover_rounds_cut"),
        column<S, &S::handover, &H::sweeps>("handover_sweeps"),
        column<S, &S::handover, &H::sleepingNow>("handover_sleeping_now"), column<S, &S::rssBytes>("rss_bytes")};
}

template <typename Row> void append(std::vector<Column<Row>> &to, std::vector<Column<Row>> from)
{
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

/// Binds one part of the slow consumer (0: its index, 1: its factor), or null when there is none.
void bindSlowPart(sqlite3_stmt *statement, int index, const std::optional<SlowConsumer> &slow, int part)
{
    if (slow)
        sqlite3_bind_int(statement, index, part == 0 ? slow->index : slow->factor);
    else
        sqlite3_bind_null(statement, index);
}

/// Reads one part of the slow consumer: the index makes one (or none, if null), the factor completes it.
bool readSlowPart(sqlite3_stmt *statement, int index, PipelineConfig &row, int part, std::string &why)
{
    std::optional<int> value;
    if (!OptionalCodec<int>::read(statement, index, value, why))
        return false;
    if (part == 0) {
        row.slowConsumer.reset();
        if (value)
            row.slowConsumer = SlowConsumer{*value, 1};
        return true;
    }
    if (value.has_value() != row.slowConsumer.has_value()) {
        why = describeValue(statement, index) + " does not go with slow_consumer_index (both null or neither)";
        return false;
    }
    if (value)
        row.slowConsumer->factor = *value;
    return true;
}

/// slow_consumer_index and slow_consumer_factor: both null (no slow consumer) or both set.
std::vector<Column<PipelineConfig>> slowConsumerColumns()
{
    using C = PipelineConfig;
    return {{"slow_consumer_index", SqlType::Integer,
                [](sqlite3_stmt *s, int i, const C &row) { bindSlowPart(s, i, row.slowConsumer, 0); },
                [](sqlite3_stmt *s, int i, C &row, std::string &why) { return readSlowPart(s, i, row, 0, why); }},
        {"slow_consumer_factor", SqlType::Integer,
            [](sqlite3_stmt *s, int i, const C &row) { bindSlowPart(s, i, row.slowConsumer, 1); },
            [](sqlite3_stmt *s, int i, C &row, std::string &why) { return readSlowPart(s, i, row, 1, why); }}};
}

} // namespace

std::string_view sqlName(SqlType type)
{
    switch (type) {
    case SqlType::Integer:
        return "INTEGER";
    case SqlType::Real:
        return "REAL";
    case SqlType::Text:
        return "TEXT";
    }
    return "TEXT";
}

const std::vector<Column<Snapshot>> &snapshotColumns()
{
    static const std::vector<Column<Snapshot>> columns = [] {
        auto c = snapshotCountColumns();
        append(c, snapshotSupervisionColumns());
        addLatency<&Snapshot::recovery>(c, "recovery");
        append(c, snapshotRateColumns());
        addLatency<&Snapshot::window>(c, "window");
        addLatency<&Snapshot::interval>(c, "interval");
        addLatency<&Snapshot::cumulative>(c, "cumulative");
        append(c, snapshotHandoverColumns());
        addLatency<&Snapshot::pacingLag>(c, "pacing_lag", kSchemaWithPacing);
        addLatency<&Snapshot::pacingLagCumulative>(c, "pacing_lag_cumulative", kSchemaWithPacing);
        return c;
    }();
    return columns;
}

const std::vector<Column<PipelineConfig>> &configColumns()
{
    using C = PipelineConfig;
    static const std::vector<Column<C>> columns = [] {
        std::vector<Column<C>> c{column<C, &C::producers>("producers"), column<C, &C::consumers>("consumers"),
            column<C, &C::rate>("rate"), column<C, &C::maxInFlight>("max_in_flight"), column<C, &C::workUs>("work_us"),
            column<C, &C::ioUs>("io_us"), column<C, &C::faultRate>("fault_rate"),
            column<C, &C::maxAttempts>("max_attempts"), column<C, &C::overload>("overload"),
            column<C, &C::safetyCap>("safety_cap"), column<C, &C::intervalMs>("interval_ms"),
            columnWith<BitsCodec, C, &C::seed>("seed"), column<C, &C::crashRate>("crash_rate"),
            column<C, &C::strategy>("strategy"), column<C, &C::maxRestarts>("max_restarts"),
            column<C, &C::maxSeconds>("max_seconds"), column<C, &C::topMaxRestarts>("top_max_restarts"),
            column<C, &C::topMaxSeconds>("top_max_seconds"), column<C, &C::backoffMinMs>("backoff_min_ms"),
            column<C, &C::backoffMaxMs>("backoff_max_ms"), column<C, &C::backoffJitter>("backoff_jitter"),
            column<C, &C::poisonKey>("poison_key")};
        append(c, slowConsumerColumns());
        c.push_back(column<C, &C::hangTimeoutMs>("hang_timeout_ms"));
        c.push_back(column<C, &C::onEscalation>("on_escalation"));
        c.push_back(addedIn(kSchemaWithPacing, column<C, &C::pacingUs>("pacing_us")));
        return c;
    }();
    return columns;
}

const std::vector<Column<ConsumerSample>> &consumerColumns()
{
    using C = ConsumerSample;
    static const std::vector<Column<C>> columns{column<C, &C::index>("consumer"), column<C, &C::active>("active"),
        column<C, &C::processed>("processed"), column<C, &C::failed>("failed"),
        column<C, &C::deadLettered>("dead_lettered"), column<C, &C::queueDepth>("queue_depth"),
        column<C, &C::processedPerSec>("processed_per_s"), column<C, &C::busyRatio>("busy_ratio"),
        column<C, &C::ioWaitRatio>("io_wait_ratio"), column<C, &C::restarts>("restarts"),
        column<C, &C::crashes>("crashes"), column<C, &C::crashesInWindow>("crashes_in_window"),
        column<C, &C::state>("state")};
    return columns;
}

const std::vector<Column<ProducerSample>> &producerColumns()
{
    using P = ProducerSample;
    static const std::vector<Column<P>> columns{column<P, &P::index>("producer"), column<P, &P::produced>("produced"),
        column<P, &P::dropped>("dropped"), column<P, &P::batches>("batches"),
        column<P, &P::offeredPerSec>("offered_per_s"), column<P, &P::achievedPerSec>("achieved_per_s"),
        column<P, &P::backpressureRatio>("backpressure_ratio")};
    return columns;
}

const std::vector<Column<SupervisorSample>> &supervisorColumns()
{
    using S = SupervisorSample;
    static const std::vector<Column<S>> columns{column<S, &S::name>("name"), column<S, &S::strategy>("strategy"),
        column<S, &S::state>("state"), column<S, &S::restarts>("restarts"),
        column<S, &S::restartsInWindow>("restarts_in_window"), column<S, &S::maxRestarts>("max_restarts"),
        column<S, &S::maxSeconds>("max_seconds"), column<S, &S::budgetInUse>("budget_in_use"),
        column<S, &S::children>("children")};
    return columns;
}

const std::vector<Column<ThreadSample>> &threadColumns()
{
    using T = ThreadSample;
    static const std::vector<Column<T>> columns{column<T, &T::name>("name"), column<T, &T::kind>("kind"),
        column<T, &T::running>("running"), column<T, &T::utilisation>("utilisation"),
        column<T, &T::utilisationRun>("utilisation_run")};
    return columns;
}

const std::vector<Column<ThreadSlice>> &sliceColumns()
{
    using T = ThreadSlice;
    static const std::vector<Column<T>> columns{
        time<T, &T::startS>("start_s"), time<T, &T::endS>("end_s"), column<T, &T::consumer>("consumer")};
    return columns;
}

const std::vector<Column<EngineEvent>> &eventColumns()
{
    using E = EngineEvent;
    static const std::vector<Column<E>> columns{column<E, &E::sequence>("sequence"), time<E, &E::atS>("at_s"),
        column<E, &E::kind>("kind"), column<E, &E::consumer>("consumer"), column<E, &E::what>("what")};
    return columns;
}

const std::vector<Column<LessonMark>> &stepColumns()
{
    using M = LessonMark;
    static const std::vector<Column<M>> columns{time<M, &M::atS>("at_s"), time<M, &M::lessonS>("lesson_s"),
        column<M, &M::kind>("kind"), column<M, &M::step>("step"), column<M, &M::text>("text"),
        column<M, &M::detail>("detail")};
    return columns;
}

const std::vector<Column<LessonMark>> &verdictColumns()
{
    using M = LessonMark;
    static const std::vector<Column<M>> columns{time<M, &M::atS>("at_s"), time<M, &M::lessonS>("lesson_s"),
        column<M, &M::step>("step"), column<M, &M::text>("assertion"), column<M, &M::verdict>("verdict"),
        column<M, &M::detail>("detail")};
    return columns;
}

namespace {

/// A table whose one key is its INTEGER PRIMARY KEY (`rowKey`: snapshots, configs, marks), or one of samples
/// per snapshot, read back in the order written (rowid) and indexed by `seq`.
template <typename Row>
Table makeTable(
    TableId id, std::string name, std::vector<std::string> keys, const std::vector<Column<Row>> &columns, bool rowKey)
{
    Table t{id, std::move(name), std::move(keys), rowKey, {}, {}, {}};
    t.order = rowKey ? t.keys.front() : "rowid";
    for (const auto &key : t.keys) {
        t.columns.emplace_back(key, SqlType::Integer);
        t.since.push_back(1);
    }
    for (const auto &c : columns) {
        t.columns.emplace_back(c.name, c.type);
        t.since.push_back(c.since);
    }
    return t;
}

} // namespace

const std::vector<Table> &tables()
{
    static const std::vector<Table> all{
        makeTable(TableId::Snapshots, "snapshots", {"seq"}, snapshotColumns(), true),
        makeTable(TableId::Configs, "configs", {"from_seq"}, configColumns(), true),
        makeTable(TableId::ConsumerSamples, "consumer_samples", {"seq"}, consumerColumns(), false),
        makeTable(TableId::ProducerSamples, "producer_samples", {"seq"}, producerColumns(), false),
        makeTable(TableId::SupervisorSamples, "supervisor_samples", {"seq", "supervisor"}, supervisorColumns(), false),
        makeTable(TableId::ThreadSamples, "thread_samples", {"seq", "thread"}, threadColumns(), false),
        makeTable(TableId::ThreadSlices, "thread_slices", {"seq", "thread"}, sliceColumns(), false),
        makeTable(TableId::Events, "events", {"seq"}, eventColumns(), false),
        makeTable(TableId::LessonSteps, "lesson_steps", {"mark"}, stepColumns(), true),
        makeTable(TableId::Verdicts, "verdicts", {"mark"}, verdictColumns(), true),
    };
    return all;
}

const Table &table(TableId id)
{
    return tables()[static_cast<std::size_t>(id)];
}

std::string createSql(const Table &table)
{
    std::string sql = "CREATE TABLE " + table.name + " (";
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        sql += (i ? ", " : "") + table.columns[i].first + " " + std::string(sqlName(table.columns[i].second));
        if (i == 0 && table.keyIsRowId)
            sql += " PRIMARY KEY";
    }
    return sql + ")";
}

std::string indexSql(const Table &table)
{
    if (table.keyIsRowId)
        return {};
    return "CREATE INDEX " + table.name + "_seq ON " + table.name + " (seq)";
}

std::string insertSql(const Table &table)
{
    std::string names;
    std::string values;
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        names += (i ? ", " : "") + table.columns[i].first;
        values += i ? ", ?" : "?";
    }
    return "INSERT INTO " + table.name + " (" + names + ") VALUES (" + values + ")";
}

std::string selectSql(const Table &table, int schema)
{
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
        const std::string name = "\"" + table.columns[i].first + "\"";
        sql += (i ? ", " : "") + (table.since[i] > schema ? "NULL AS " + name : name);
    }
    return sql + " FROM \"" + table.name + "\" ORDER BY " + table.order;
}

} // namespace beam::recording
