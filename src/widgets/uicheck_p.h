// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_UICHECK_P_H
#define QHOTRELOAD_UICHECK_P_H

#include <QtCore/QByteArray>
#include <QtCore/QString>

namespace QHotReload::Internal {

//! What a look at a .ui file's bytes says.
struct UiCheck
{
    enum State {
        Complete,   //!< well-formed XML to the end
        CutShort,   //!< ends in the middle of the document: most likely still being written
        Invalid     //!< an XML error before the end
    };
    State state = Complete;
    QString reason; //!< "line 12, column 4: <the XML reader's error>"
};

//! Reads \a bytes as XML to the end, without building anything.
UiCheck checkUi(const QByteArray &bytes);

} // namespace QHotReload::Internal

#endif
