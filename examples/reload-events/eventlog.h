// SPDX-License-Identifier: MIT
#ifndef RELOADEVENTS_EVENTLOG_H
#define RELOADEVENTS_EVENTLOG_H

#include <QtCore/QElapsedTimer>
#include <QtCore/QList>
#include <QtCore/QMutex>
#include <QtCore/QString>

#include <functional>

// What happened around a reload, on which thread, in the order it happened:
// one mutex hands out the sequence numbers, so the order is the real one even
// when two threads record at the same millisecond. Thread-safe.
class EventLog
{
public:
    struct Entry
    {
        int sequence = -1;
        qint64 ms = 0;      // since the log was made
        QString key;        // what kind of event: "about", "saved", ...
        QString thread;     // "main" or "worker"
        QString text;
    };

    EventLog() { m_clock.start(); }

    //! Called (on the recording thread, outside the lock) for each new entry.
    void setPrinter(std::function<void(const Entry &)> printer) { m_printer = std::move(printer); }

    void record(const QString &key, const QString &thread, const QString &text)
    {
        Entry entry;
        {
            QMutexLocker lock(&m_mutex);
            entry = Entry{ int(m_entries.size()), m_clock.elapsed(), key, thread, text };
            m_entries.append(entry);
        }
        if (m_printer)
            m_printer(entry);
    }

    //! The first entry with \a key at or after \a from, or an entry with sequence -1.
    Entry find(const QString &key, int from = 0) const
    {
        QMutexLocker lock(&m_mutex);
        for (qsizetype i = from; i < m_entries.size(); ++i) {
            if (m_entries.at(i).key == key)
                return m_entries.at(i);
        }
        return {};
    }

    int size() const
    {
        QMutexLocker lock(&m_mutex);
        return int(m_entries.size());
    }

private:
    mutable QMutex m_mutex;
    QElapsedTimer m_clock;
    QList<Entry> m_entries;
    std::function<void(const Entry &)> m_printer;
};

#endif // RELOADEVENTS_EVENTLOG_H
