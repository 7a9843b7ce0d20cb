// SPDX-License-Identifier: MIT
// Small helpers shared by the benchmarks that came after bench_reload_latency:
// output, percentiles, and putting a new library file in place atomically.
#ifndef BENCH_BENCHUTIL_H
#define BENCH_BENCHUTIL_H

#include <QtCore/QByteArray>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QString>
#include <QtCore/QTextStream>
#include <QtCore/QtGlobal>

#include <algorithm>
#include <cmath>
#include <cstdio> // ::rename
#include <vector>

#if defined(Q_OS_WIN)
#include <qt_windows.h>
#elif defined(Q_OS_UNIX)
#include <time.h>
#endif

namespace bench {

inline QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

// Nearest rank: the smallest sample with at least p% of the samples at or below it.
inline double percentile(std::vector<double> samples, double p)
{
    if (samples.empty())
        return 0.0;
    std::sort(samples.begin(), samples.end());
    const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * double(samples.size())));
    return samples[qBound<size_t>(1, rank, samples.size()) - 1];
}

inline QString fixed(double value, int decimals = 2)
{
    return QString::number(value, 'f', decimals);
}

// CPU time the calling thread has used, in ns; -1 where it cannot be read.
// Unlike wall time it does not grow while other processes hold the CPU, so it
// tells what the work itself costs on a loaded machine.
inline qint64 threadCpuNs()
{
#if defined(Q_OS_UNIX) && defined(CLOCK_THREAD_CPUTIME_ID)
    timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
        return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
#endif
    return -1;
}

inline QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(bytes) == bytes.size();
}

// Replaces target by source in one step: whoever opens target sees the old
// file or the new one, never a mix. (QFile::rename refuses to overwrite.)
inline bool renameOver(const QString &source, const QString &target)
{
#if defined(Q_OS_WIN)
    return MoveFileExW(reinterpret_cast<const wchar_t *>(QDir::toNativeSeparators(source).utf16()),
                       reinterpret_cast<const wchar_t *>(QDir::toNativeSeparators(target).utf16()),
                       MOVEFILE_REPLACE_EXISTING)
            != 0;
#else
    return ::rename(QFile::encodeName(source).constData(), QFile::encodeName(target).constData()) == 0;
#endif
}

} // namespace bench

#endif // BENCH_BENCHUTIL_H
