// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_SNAPSHOT_P_H
#define QHOTRELOAD_SNAPSHOT_P_H

#include "readiness_p.h"
#include "watcher_p.h"

#include <QtCore/QByteArray>
#include <QtCore/QFileInfo>
#include <QtCore/QString>

namespace QHotReload::Internal {

/*!
    The third stage of the reload path: the bytes of the watched file at one
    moment, and what they say. One read: the readiness judgement, the identity
    and the private copy all come from these bytes, so what is loaded is
    exactly what was checked.
*/
struct Snapshot
{
    bool exists = false;
    QString refusal;        //!< set when the file exists but may not or cannot be read
    QByteArray bytes;
    QByteArray identity;    //!< contentIdentity() of bytes; for an unreadable file, size and time
    bool changedWhileRead = false; //!< the file was written to during the read
    OpenWriter writer = OpenWriter::Unknown; //!< Open: not read, a writer is at it
    Readiness readiness;

    //! Ready to be loaded: readable, allowed, complete-looking.
    bool isTakeable() const { return exists && refusal.isEmpty() && readiness.state == Readiness::Ready; }
    //! Why it cannot be taken (a sentence fragment without the file name), or empty.
    QString reason() const { return !refusal.isEmpty() ? refusal : readiness.reason; }
};

//! Reads the file at \a filePath once, unless a writer has it open or (unless
//! \a allowWritableByOthers) other users could have written it.
Snapshot takeSnapshot(const QString &filePath, bool allowWritableByOthers);

//! Tells one build's bytes from another's within this process.
QByteArray contentIdentity(const QByteArray &bytes);

//! Why a library at \a info is unsafe to load (others can write it), or empty.
QString writableByOthers(const QFileInfo &info);

} // namespace QHotReload::Internal

#endif
