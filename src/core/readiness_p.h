// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_READINESS_P_H
#define QHOTRELOAD_READINESS_P_H

#include <QtCore/QByteArrayView>
#include <QtCore/QString>

namespace QHotReload::Internal {

/*!
    What a snapshot of a library file says about itself. Decided from the bytes
    alone: a linker writes the headers first and the section/segment tables they
    point to last, so a file whose tables are all inside it and filled in is
    complete; one that is not yet is Incomplete (look again shortly); one that
    can never become loadable (wrong format, architecture or type) is Invalid.
*/
struct Readiness
{
    enum State { Ready, Incomplete, Invalid };
    State state = Invalid;
    QString reason; // a sentence fragment, without the file name: "is not a shared library"
};

Readiness checkReadiness(QByteArrayView bytes);

} // namespace QHotReload::Internal

#endif
