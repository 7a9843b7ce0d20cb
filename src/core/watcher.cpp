// SPDX-License-Identifier: MIT
#include "watcher_p.h"

#include "logging_p.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>

namespace QHotReload::Internal {

FileWatcher::FileWatcher(QObject *parent)
    : QObject(parent)
{
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, [this](const QString &path) {
        qCDebug(lcWatcher) << "file changed:" << path;
        rearm();
        Q_EMIT changed();
    });
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this](const QString &path) {
        qCDebug(lcWatcher) << "directory changed:" << path;
        rearm();
        Q_EMIT changed();
    });
}

void FileWatcher::watch(const QString &filePath)
{
    stop();
    const QFileInfo info(filePath);
    m_path = info.absoluteFilePath();
    m_dir = info.absolutePath();
    rearm();
}

void FileWatcher::stop()
{
    const QStringList files = m_watcher.files();
    if (!files.isEmpty())
        m_watcher.removePaths(files);
    const QStringList dirs = m_watcher.directories();
    if (!dirs.isEmpty())
        m_watcher.removePaths(dirs);
    m_path.clear();
    m_dir.clear();
}

// Puts back whatever watch a deletion or rename took away. The file's watch
// follows an inode; after "unlink + create" or "rename over" the path names a
// new inode, so the watch is renewed on every change rather than trusted.
void FileWatcher::rearm()
{
    if (m_path.isEmpty())
        return;
    if (!m_watcher.directories().contains(m_dir) && QFileInfo::exists(m_dir)) {
        if (!m_watcher.addPath(m_dir))
            qCWarning(lcWatcher) << "cannot watch directory" << m_dir;
    }
    if (QFileInfo::exists(m_path)) {
        if (m_watcher.files().contains(m_path))
            m_watcher.removePath(m_path);
        if (!m_watcher.addPath(m_path))
            qCWarning(lcWatcher) << "cannot watch" << m_path;
    }
}

} // namespace QHotReload::Internal
