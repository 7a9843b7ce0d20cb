// SPDX-License-Identifier: MIT
#include "uicheck_p.h"

#include <QtCore/QXmlStreamReader>

namespace QHotReload::Internal {

UiCheck checkUi(const QByteArray &bytes)
{
    UiCheck check;
    QXmlStreamReader reader(bytes);
    while (!reader.atEnd())
        reader.readNext();
    if (!reader.hasError())
        return check;
    check.state = reader.error() == QXmlStreamReader::PrematureEndOfDocumentError ? UiCheck::CutShort
                                                                                  : UiCheck::Invalid;
    check.reason = QStringLiteral("line %1, column %2: %3")
                           .arg(reader.lineNumber())
                           .arg(reader.columnNumber())
                           .arg(reader.errorString());
    return check;
}

} // namespace QHotReload::Internal
