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
// When the directory itself is gone (a clean build removes it), the nearest
// ancestor that exists is watched instead, until the directory is back.
void FileWatcher::rearm()
{
    if (m_path.isEmpty())
        return;
    const QStringList watchedDirs = m_watcher.directories();
    if (QFileInfo::exists(m_dir)) {
        for (const QString &dir : watchedDirs) {
            if (dir != m_dir)
                m_watcher.removePath(dir); // an ancestor watched while it was gone
        }
        if (!watchedDirs.contains(m_dir) && !m_watcher.addPath(m_dir))
            qCWarning(lcWatcher) << "cannot watch directory" << m_dir;
    } else {
        // Walk up by name: QDir::cdUp() refuses to step into a parent that is
        // itself gone, and several levels may have been removed at once.
        QString existing = m_dir;
        while (!QFileInfo::exists(existing)) {
            const QString parent = QFileInfo(existing).absolutePath();
            if (parent == existing)
                break;
            existing = parent;
        }
        for (const QString &dir : watchedDirs) {
            if (dir != existing)
                m_watcher.removePath(dir);
        }
        if (!m_watcher.directories().contains(existing)) {
            qCDebug(lcWatcher) << m_dir << "is gone; watching" << existing << "until it is back";
            m_watcher.addPath(existing);
        }
        return;
    }
    if (QFileInfo::exists(m_path)) {
        if (m_watcher.files().contains(m_path))
            m_watcher.removePath(m_path);
        if (!m_watcher.addPath(m_path))
            qCWarning(lcWatcher) << "cannot watch" << m_path;
    }
}

} // namespace QHotReload::Internal
