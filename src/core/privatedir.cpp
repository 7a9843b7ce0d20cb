// SPDX-License-Identifier: MIT
#include "privatedir_p.h"

#include "logging_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#if defined(Q_OS_UNIX)
#include <unistd.h>
#endif

namespace QHotReload::Internal {

namespace {
const QString lockName() { return QStringLiteral(".lock"); }

bool ownedByMe(const QFileInfo &info)
{
#if defined(Q_OS_UNIX)
    return info.ownerId() == ::getuid();
#else
    Q_UNUSED(info);
    return true; // per-user temporary directories on Windows
#endif
}
} // namespace

QString PrivateDir::namePrefix()
{
    return QStringLiteral("qhotreload-");
}

PrivateDir::PrivateDir()
{
    cleanStale();
    // QTemporaryDir uses mkdtemp() (or its equivalent): atomic, 0700 and a
    // random name, so no other user can have prepared the path for us.
    m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QLatin1Char('/') + namePrefix()
                                            + QString::number(QCoreApplication::applicationPid())
                                            + QStringLiteral("-XXXXXX"));
    if (!m_dir->isValid()) {
        m_error = QStringLiteral("cannot create a private directory in %1: %2")
                          .arg(QDir::toNativeSeparators(QDir::tempPath()), m_dir->errorString());
        m_dir.reset();
        return;
    }
    m_lock = std::make_unique<QLockFile>(m_dir->filePath(lockName()));
    if (!m_lock->tryLock(0)) {
        m_error = QStringLiteral("cannot create the lock file in %1")
                          .arg(QDir::toNativeSeparators(m_dir->path()));
        m_lock.reset();
    }
    qCDebug(lcLoader) << "private directory" << m_dir->path();
}

PrivateDir::~PrivateDir()
{
    if (m_lock)
        m_lock->unlock();
    // m_dir removes itself and what is left in it.
}

bool PrivateDir::isValid() const
{
    return m_dir != nullptr;
}

QString PrivateDir::path() const
{
    return m_dir ? m_dir->path() : QString();
}

QString PrivateDir::writeCopy(const QString &originalName, int version, const QByteArray &bytes)
{
    if (!m_dir) {
        return {};
    }
    const QFileInfo original(originalName);
    const QString suffix = original.suffix().isEmpty() ? QString() : QLatin1Char('.') + original.suffix();
    const QString copyPath = m_dir->filePath(original.completeBaseName() + QStringLiteral("-v")
                                             + QString::number(version) + suffix);
    QFile file(copyPath);
    // The name is new for each version; an old file there would be ours from a
    // refused attempt, so it may be replaced.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        m_error = QStringLiteral("cannot write the private copy %1: %2")
                          .arg(QDir::toNativeSeparators(copyPath), file.errorString());
        return {};
    }
    if (file.write(bytes) != bytes.size() || !file.flush()) {
        m_error = QStringLiteral("cannot write the private copy %1: %2")
                          .arg(QDir::toNativeSeparators(copyPath), file.errorString());
        file.close();
        QFile::remove(copyPath);
        return {};
    }
    file.close();
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return copyPath;
}

int PrivateDir::cleanStale()
{
    const QDir temp(QDir::tempPath());
    const QFileInfoList candidates =
            temp.entryInfoList({namePrefix() + QLatin1Char('*')}, QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
    int removed = 0;
    for (const QFileInfo &info : candidates) {
        if (info.isSymLink() || !ownedByMe(info))
            continue;
        const QString lockPath = info.absoluteFilePath() + QLatin1Char('/') + lockName();
        bool stale = false;
        if (QFileInfo::exists(lockPath)) {
            // tryLock() takes over a lock whose process is gone and fails on a
            // live one, on every platform.
            QLockFile lock(lockPath);
            lock.setStaleLockTime(0); // stale only when its process is gone, never by age
            stale = lock.tryLock(0);
            if (stale)
                lock.unlock();
        } else {
            // A process that died between creating the directory and its lock;
            // give a live one that is just starting a generous moment.
            stale = info.lastModified().secsTo(QDateTime::currentDateTime()) > 60;
        }
        if (stale && QDir(info.absoluteFilePath()).removeRecursively()) {
            qCDebug(lcLoader) << "removed stale private directory" << info.absoluteFilePath();
            ++removed;
        }
    }
    return removed;
}

} // namespace QHotReload::Internal
