// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_SHARED_CPULOAD_H
#define QHOTRELOAD_TESTS_SHARED_CPULOAD_H

// A busy machine, made on purpose: threads that spin until destroyed, beside a
// test or a benchmark, so that writers and the library are descheduled at any
// moment (what fooled the old timed readiness rule). Used by the torture
// writers and by bench_reload_latency --load; no QtTest in here.

#include <QtCore/QtGlobal>

#include <atomic>
#include <thread>
#include <vector>

namespace QHotTestSupport {

class CpuLoad
{
public:
    //! \a threads spinning threads, at the caller's own priority.
    explicit CpuLoad(int threads)
    {
        for (int i = 0; i < threads; ++i) {
            m_threads.emplace_back([this] {
                volatile quint64 sink = 0;
                while (!m_stop.load(std::memory_order_relaxed))
                    sink = sink + 1;
            });
        }
    }
    ~CpuLoad()
    {
        m_stop = true;
        for (std::thread &thread : m_threads)
            thread.join();
    }
    Q_DISABLE_COPY_MOVE(CpuLoad)

private:
    std::atomic<bool> m_stop{false};
    std::vector<std::thread> m_threads;
};

} // namespace QHotTestSupport

#endif
