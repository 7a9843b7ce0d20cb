// SPDX-License-Identifier: MIT
#ifndef SERIALIZEDSTATE_STATETEXT_H
#define SERIALIZEDSTATE_STATETEXT_H

#include <QtCore/QStringList>
#include <QtCore/QVariantMap>

// The app's state as one line: {name=value (type), ...}; the types show
// what the library's struct made of each field.
inline QString stateText(const QVariantMap &state)
{
    QStringList fields;
    for (auto it = state.cbegin(); it != state.cend(); ++it) {
        const QVariant &value = it.value();
        const QString shown = value.metaType() == QMetaType::fromType<QString>()
                ? QLatin1Char('"') + value.toString() + QLatin1Char('"')
                : value.toString();
        fields << QStringLiteral("%1=%2 (%3)").arg(it.key(), shown, QString::fromLatin1(value.typeName()));
    }
    return QLatin1Char('{') + fields.join(QStringLiteral(", ")) + QLatin1Char('}');
}

#endif // SERIALIZEDSTATE_STATETEXT_H
