// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_WATCHER_P_H
#define QHOTRELOAD_WATCHER_P_H

#include <QtCore/QFileSystemWatcher>
#include <QtCore/QObject>
#include <QtCore/QString>

namespace QHotReload::Internal {

/*!
    Watches one file for any change to what is at its path: written in place,
    truncated, deleted and created anew (as GNU ld does), renamed over. A watch
    on the file alone dies with the first unlink, so the directory is watched
    too and the file watch is put back whenever the file exists again.
    changed() may come many times for one rebuild; the reader decides.
*/
class FileWatcher : public QObject
{
    Q_OBJECT
public:
    explicit FileWatcher(QObject *parent = nullptr);

    void watch(const QString &filePath);
    void stop();
    QString filePath() const { return m_path; }

Q_SIGNALS:
    void changed();

private:
    void rearm();

    QFileSystemWatcher m_watcher;
    QString m_path;
    QString m_dir;
};

} // namespace QHotReload::Internal

#endif
