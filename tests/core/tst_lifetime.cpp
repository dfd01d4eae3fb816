// SPDX-License-Identifier: MIT
// The engine's lifetime: what is destroyed when, who may still touch it, and the order of start, reconfigure
// and stop. Several of these only show their bug under AddressSanitizer (the dev-asan preset), which reports a
// use of a destroyed EngineContext (see LifetimeCanary) or of a freed consumer.
#include "core/engine.h"
#include "ledger.h"

#include <QTest>

#include <chrono>
#include <thread>

using namespace beam;
using namespace std::chrono_literals;

class TestLifetime : public QObject
{
    Q_OBJECT

private slots:
    /// Producers stopped by a reconfiguration stay in the engine (their counts stay in the totals); destroying
    /// the engine destroys them too, and each one's destructor wakes the context's admission. Under ASan the
    /// context is poisoned when destroyed: a producer that outlives it is reported here.
    void testProducersGoBeforeTheContext()
    {
        PipelineConfig config;
        config.producers = 3;
        config.consumers = 2;
        config.rate = 2000;
        auto engine = std::make_unique<Engine>(config);
        QVERIFY(engine->start().empty());
        QTRY_VERIFY_WITH_TIMEOUT(engine->sampleNow()->produced > 100, 5000);
        config.producers = 1;
        QVERIFY(engine->reconfigure(config).empty());
        engine->stop(StopMode::Drain);
        QVERIFY(engine->latest()->lost == 0);
        engine.reset(); // the destructor the bug was in
    }
};

QTEST_GUILESS_MAIN(TestLifetime)
#include "tst_lifetime.moc"
