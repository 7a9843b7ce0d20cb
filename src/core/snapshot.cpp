// SPDX-License-Identifier: MIT
#include "snapshot_p.h"

#include <QtCore/QDateTime>
#include <QtCore/QFile>
#include <QtCore/QHashFunctions>
#include <QtCore/QStringList>

#if defined(Q_OS_UNIX)
#include <sys/stat.h>
#endif

#if defined(Q_OS_DARWIN)
#define QHOT_MTIME(st) (st).st_mtimespec
#elif defined(Q_OS_UNIX)
#define QHOT_MTIME(st) (st).st_mtim
#endif

namespace QHotReload::Internal {

// Tells one build's bytes from another's within this process: the size and two
// 64-bit hashes with different seeds. Not a cryptographic digest, and it need
// not be: whoever could forge a collision can write the library itself. SHA-1
// cost 1.6 ms per look at a 770 KB library, twice per swap; this is 0.07 ms.
QByteArray contentIdentity(const QByteArray &bytes)
{
    const auto hash = [&bytes](size_t seed) {
        return quint64(qHashBits(bytes.constData(), size_t(bytes.size()), seed));
    };
    const quint64 words[3] = {quint64(bytes.size()), hash(0x9e3779b9u), hash(0x85ebca6bu)};
    return QByteArray(reinterpret_cast<const char *>(words), sizeof(words));
}

Snapshot takeSnapshot(const QString &filePath, bool allowWritableByOthers)
{
    Snapshot s;
    QFile file(filePath);
    if (!file.exists())
        return s;
    s.exists = true;
    const QFileInfo info(filePath);
    if (!allowWritableByOthers) {
        s.refusal = writableByOthers(info);
        if (!s.refusal.isEmpty()) {
            s.identity = "unsafe:" + QByteArray::number(info.size()) + ':'
                    + QByteArray::number(info.lastModified().toMSecsSinceEpoch());
            return s;
        }
    }
    if (!file.open(QIODevice::ReadOnly)) {
        // Removed since it was seen (a linker deleting it to write it anew,
        // the moment between): not there, rather than unreadable; the
        // watcher says when it is back.
        if (!QFileInfo::exists(filePath))
            return Snapshot();
        s.refusal = QStringLiteral("cannot be read: %1").arg(file.errorString());
        s.identity = "unreadable:" + QByteArray::number(info.size()) + ':'
                + QByteArray::number(info.lastModified().toMSecsSinceEpoch());
        return s;
    }
    s.writer = openWriter(file);
    if (s.writer == OpenWriter::Open) {
        s.readiness = {Readiness::Incomplete,
                       QStringLiteral("is still open for writing (a linker at work?); it is taken once closed")};
        return s;
    }
    // One read: readiness, identity and the private copy all come from these
    // bytes, so what is loaded is exactly what was checked.
#if defined(Q_OS_UNIX)
    struct stat before;
    const bool statted = ::fstat(file.handle(), &before) == 0;
#endif
    s.bytes = file.readAll();
    s.identity = contentIdentity(s.bytes);
    s.readiness = checkReadiness(s.bytes);
#if defined(Q_OS_UNIX)
    // Written to while we read it: the bytes may be a mix of two moments.
    struct stat after;
    if (statted && ::fstat(file.handle(), &after) == 0
        && (after.st_size != before.st_size || QHOT_MTIME(after).tv_sec != QHOT_MTIME(before).tv_sec
            || QHOT_MTIME(after).tv_nsec != QHOT_MTIME(before).tv_nsec || qint64(s.bytes.size()) != qint64(after.st_size))) {
        s.readiness = {Readiness::Incomplete, QStringLiteral("changed while it was being read")};
        s.changedWhileRead = true;
    }
#endif
    return s;
}

QString writableByOthers(const QFileInfo &info)
{
#if defined(Q_OS_UNIX)
    // Whoever can write the file, or replace it in its directory, can run code
    // in this process: only the owner (and root) may.
    const QString advice = QStringLiteral("; anyone could put code into this process, so it is refused (fix the "
                                          "permissions, or allow it with QHotLibrary::setAllowWritableByOthers())");
    if (info.permissions() & QFileDevice::WriteOther)
        return QStringLiteral("is writable by other users") + advice;
    // The directory of the path given and, for a symlink, of the file it names.
    QStringList dirs{info.absolutePath()};
    if (info.isSymLink() && !info.canonicalFilePath().isEmpty())
        dirs.append(QFileInfo(info.canonicalFilePath()).absolutePath());
    for (const QString &dir : std::as_const(dirs)) {
        struct stat dirStat;
        if (::stat(QFile::encodeName(dir).constData(), &dirStat) == 0 && (dirStat.st_mode & S_IWOTH)
            && !(dirStat.st_mode & S_ISVTX)) {
            return QStringLiteral("is in a directory other users can write to (and replace it)") + advice;
        }
    }
#else
    Q_UNUSED(info);
#endif
    return {};
}

} // namespace QHotReload::Internal
